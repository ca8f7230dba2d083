// A real GOCACHE, filled by a real `go build` of a small program using net/http and encoding/json,
// and the go settings that keep a test's toolchain (its cache, GOPATH and GOENV file) in its folder.
import fs from "node:fs";
import path from "node:path";
import { execa } from "execa";

export const go122 = "/usr/lib/go-1.22/bin/go";
/** Debian trixie's golang-1.24-go: the first Go that runs a GOCACHEPROG helper (GOROOT_1_24 to use another). */
export const go124 = process.env.GOROOT_1_24 ? path.join(process.env.GOROOT_1_24, "bin", "go") : "/usr/lib/go-1.24/bin/go";

export function goEnvironment(root: string): { GOCACHE: string; GOPATH: string; GOENV: string; GOFLAGS: string; GOTOOLCHAIN: string; GOTELEMETRY: string } {
  return {
    GOCACHE: path.join(root, "go-build"),
    GOPATH: path.join(root, "gopath"),
    // `go env -w` (the migration's enable step) writes here, never to the developer's own go env file.
    GOENV: path.join(root, "go-env"),
    GOFLAGS: "-modcacherw",
    GOTOOLCHAIN: "local",
    GOTELEMETRY: "off",
  };
}

export async function fillGoCache(root: string, goBinary = go122): Promise<string> {
  const module = path.join(root, "hello");
  fs.mkdirSync(module, { recursive: true });
  fs.writeFileSync(path.join(module, "go.mod"), "module example.com/hello\n\ngo 1.21\n");
  fs.writeFileSync(
    path.join(module, "main.go"),
    'package main\n\nimport (\n\t"encoding/json"\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\t_ = json.NewEncoder(os.Stdout).Encode(http.StatusOK)\n}\n',
  );
  const env = goEnvironment(root);
  await execa(goBinary, ["build", "-o", path.join(root, "hello-bin"), "."], { cwd: module, env: { ...process.env, ...env } });
  return env.GOCACHE;
}
