// The Go probes against the real Go toolchains of this machine (Debian golang-1.21-go and
// golang-1.22-go): build info of the go binary, toolchains in their install folders, and the tools
// a real `go install` put in GOBIN.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCommandRunner, createGoRunner, readGoEnv } from "../commands.js";
import { writeModuleProxy } from "../test-support/go-module-proxy.js";
import { go121, go122, haveRealGo, isolatedGoEnv, tempDir, testProbeContext } from "../test-support/standins.js";
import { parseBuildInfo } from "./build-info.js";
import { findToolchainRoots, parseGoVersionOutput, probeGoToolchain, readVersionFile } from "./go-toolchain.js";
import { probeTools } from "./tools.js";

let dir: string;

beforeAll(() => {
  dir = tempDir("go-probes");
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("go version output", () => {
  it("parses `go version -m` header, path, module and build settings", () => {
    const out = [
      "/Users/dev/go/bin/gopls: go1.22.2",
      "\tpath\tgolang.org/x/tools/gopls",
      "\tmod\tgolang.org/x/tools/gopls\tv0.15.3\th1:abc=",
      "\tdep\tgolang.org/x/mod\tv0.17.0\th1:def=",
      "\tbuild\t-buildmode=exe",
      "\tbuild\tCGO_ENABLED=1",
      "\tbuild\tGOARCH=arm64",
      "",
    ].join("\n");
    expect(parseBuildInfo("/Users/dev/go/bin/gopls", out)).toEqual({
      goVersion: "go1.22.2",
      path: "golang.org/x/tools/gopls",
      module: { path: "golang.org/x/tools/gopls", version: "v0.15.3" },
      settings: { "-buildmode": "exe", CGO_ENABLED: "1", GOARCH: "arm64" },
    });
    expect(parseBuildInfo("/x", "")).toBeNull();
  });

  it("parses `go version` lines, devel builds included", () => {
    expect(parseGoVersionOutput("go version go1.21.13 linux/amd64\n")).toBe("go1.21.13");
    expect(parseGoVersionOutput("go version devel go1.23-abc123 Tue Jan 2 2024 darwin/arm64\n")).toBe("devel go1.23-abc123 Tue Jan 2 2024");
    expect(parseGoVersionOutput("bash: go: command not found")).toBeNull();
  });
});

describe.skipIf(!haveRealGo)("Go toolchain probe with real Go", () => {
  it("reads the go binary's build info and lists every toolchain with its version", async () => {
    // A ~/sdk toolchain without a VERSION file: its version must come from running `go version`.
    // (Its go links to the real 1.21 binary, which finds its own GOROOT through the link.)
    const sdkRoot = path.join(dir, "home", "sdk", "go1.21.13");
    fs.mkdirSync(path.join(sdkRoot, "bin"), { recursive: true });
    fs.symlinkSync(go121, path.join(sdkRoot, "bin", "go"));
    // And one whose go cannot run: its error is reported, the others are unaffected.
    const brokenRoot = path.join(dir, "home", "sdk", "go1.99.0");
    fs.mkdirSync(path.join(brokenRoot, "bin"), { recursive: true });
    fs.writeFileSync(path.join(brokenRoot, "bin", "go"), "#!/bin/sh\necho 'go: cannot find GOROOT directory' >&2\nexit 2\n", { mode: 0o755 });
    const commands = createCommandRunner({ toolPath: [], env: isolatedGoEnv(dir) });
    const context = testProbeContext({
      dir,
      commands,
      go: go122,
      pathDirs: ["relative/ignored", path.dirname(go122)],
      toolchainLocations: { sdkDir: path.join(dir, "home", "sdk"), homebrewCellars: [path.join(dir, "no-cellar")], usrLocalGo: path.join(dir, "none"), distroDir: "/usr/lib" },
    });
    const env = await readGoEnv(context.go);
    const probe = await probeGoToolchain(context, env);
    if (probe.status !== "ok") throw new Error(probe.message);
    expect(probe.binary).toBe(go122);
    expect(probe.buildInfo).toMatchObject({ status: "ok", info: { goVersion: "go1.22.12", path: "cmd/go", settings: { GOARCH: "amd64", GOOS: "linux" } } });
    const byRoot = new Map(probe.toolchains.map((toolchain) => [toolchain.root, toolchain]));
    expect(byRoot.get("/usr/lib/go-1.22")).toMatchObject({ version: "go1.22.12", versionFrom: "VERSION-file", active: true, error: null });
    expect(byRoot.get("/usr/lib/go-1.22")?.sources.sort()).toEqual(["distro", "goroot", "path"]);
    expect(byRoot.get("/usr/lib/go-1.21")).toMatchObject({ version: "go1.21.13", versionFrom: "VERSION-file", active: false, sources: ["distro"] });
    expect(byRoot.get(fs.realpathSync(sdkRoot))).toMatchObject({ version: "go1.21.13", versionFrom: "go-version", sources: ["sdk"], active: false });
    expect(byRoot.get(fs.realpathSync(brokenRoot))).toMatchObject({ version: null, versionFrom: null, error: "go version exited 2: go: cannot find GOROOT directory" });
  });

  it("finds Homebrew's libexec roots and dedupes a toolchain seen twice", () => {
    const cellar = path.join(dir, "Cellar", "go");
    const libexec = path.join(cellar, "1.22.2", "libexec");
    fs.mkdirSync(path.join(libexec, "bin"), { recursive: true });
    fs.writeFileSync(path.join(libexec, "VERSION"), "go1.22.2\ntime 2024-04-02T00:00:00Z\n");
    const roots = findToolchainRoots(
      { pathDirs: [], toolchainLocations: { sdkDir: path.join(dir, "none"), homebrewCellars: [cellar], usrLocalGo: libexec, distroDir: null } },
      libexec,
    );
    expect([...roots.entries()].map(([root, sources]) => [root, [...sources].sort()])).toEqual([[fs.realpathSync(libexec), ["goroot", "homebrew", "usr-local"]]]);
  });

  it("reports a missing go binary as a build info error and still lists toolchains", async () => {
    const context = testProbeContext({
      dir,
      commands: createCommandRunner({ toolPath: [] }),
      go: path.join(dir, "no-such-go"),
      toolchainLocations: { sdkDir: path.join(dir, "none"), homebrewCellars: [], usrLocalGo: path.join(dir, "none"), distroDir: "/usr/lib" },
    });
    const probe = await probeGoToolchain(context, null);
    expect(probe).toMatchObject({ status: "ok", buildInfo: { status: "error", message: expect.stringContaining("was not found") } });
    // Every distro toolchain installed here, whichever they are (1.21 and 1.22 at least; 1.24 too on CI).
    const installed = fs
      .readdirSync("/usr/lib")
      .filter((name) => /^go-\d/.test(name))
      .map((name) => readVersionFile(path.join("/usr/lib", name)))
      .sort();
    expect(installed).toEqual(expect.arrayContaining(["go1.21.13", "go1.22.12"]));
    if (probe.status === "ok") expect(probe.toolchains.map((t) => t.version).sort()).toEqual(installed);
  });
});

describe.skipIf(!haveRealGo)("installed tools with real Go", () => {
  it("names each GOBIN binary's module, version and Go release, and lists scripts as not Go", async () => {
    const work = tempDir("tools");
    const proxy = writeModuleProxy(path.join(work, "proxy"), "example.com/hello", "v1.2.3", {
      "go.mod": "module example.com/hello\n\ngo 1.21\n",
      "main.go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n',
    });
    const gobin = path.join(work, "bin");
    const settings = isolatedGoEnv(work, { GOBIN: gobin, GOPROXY: proxy, GOSUMDB: "off", GOFLAGS: "-modcacherw" });
    // A real `go install module@version`, offline from the file proxy, built by Go 1.21.
    execFileSync(go121, ["install", "example.com/hello@v1.2.3"], { cwd: work, env: { ...process.env, ...settings }, stdio: "pipe" });
    fs.writeFileSync(path.join(gobin, "deploy.sh"), "#!/bin/sh\necho deploy\n", { mode: 0o755 });
    fs.writeFileSync(path.join(gobin, "notes.txt"), "not executable\n", { mode: 0o644 });
    fs.symlinkSync(go122, path.join(gobin, "go-link"));

    const commands = createCommandRunner({ toolPath: [], env: settings });
    const context = testProbeContext({ dir: work, commands, go: go122 });
    const env = await readGoEnv(createGoRunner(go122, commands));
    expect(env.GOBIN).toBe(gobin);
    const probe = await probeTools(context, env);
    expect(probe).toEqual({
      status: "ok",
      dir: gobin,
      dirFrom: "GOBIN",
      exists: true,
      total: 2,
      truncated: false,
      binaries: [
        { kind: "not-go", name: "deploy.sh" },
        { kind: "go", name: "hello", goVersion: "go1.21.13", path: "example.com/hello", module: { path: "example.com/hello", version: "v1.2.3" } },
      ],
    });
    // The second look reuses the answers for unchanged files instead of starting processes again.
    const again = await probeTools(context, env);
    expect(again).toEqual(probe);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("uses GOPATH/bin when GOBIN is empty, and a missing folder is no error", async () => {
    const work = tempDir("tools-gopath");
    const settings = isolatedGoEnv(work);
    const commands = createCommandRunner({ toolPath: [], env: settings });
    const env = await readGoEnv(createGoRunner(go122, commands));
    const probe = await probeTools(testProbeContext({ dir: work, commands }), env);
    expect(probe).toEqual({ status: "ok", dir: path.join(work, "gopath", "bin"), dirFrom: "GOPATH", exists: false, binaries: [], total: 0, truncated: false });
    fs.rmSync(work, { recursive: true, force: true });
  });
});
