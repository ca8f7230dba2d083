// A real GOCACHE, filled by a real `go build` of a small program using net/http and encoding/json.
import fs from "node:fs";
import path from "node:path";
import { execa } from "execa";

export const go122 = "/usr/lib/go-1.22/bin/go";

export function goEnvironment(root: string): { GOCACHE: string; GOPATH: string; GOFLAGS: string; GOTOOLCHAIN: string; GOTELEMETRY: string } {
  return {
    GOCACHE: path.join(root, "go-build"),
    GOPATH: path.join(root, "gopath"),
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
