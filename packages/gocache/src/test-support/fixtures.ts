// Builders for the on-disk trees the scan tests share: entries written the way cmd/go writes
// them, a hostile tree, a cache filled by a real Go toolchain, and a compiled copy of this package.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

/** Temporary folders that `removeTempDirs` deletes (call it from afterAll). */
const tmpRoots: string[] = [];
export function freshDir(label: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `gocache-${label}-`));
  tmpRoots.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  // rm -rf copes with paths longer than PATH_MAX; fs.rmSync does not.
  for (const dir of tmpRoots.splice(0)) execFileSync("rm", ["-rf", dir]);
}

export const hex = (seed: string): string => createHash("sha256").update(seed).digest("hex");

export const bucketPath = (root: string, id: string, suffix: "-a" | "-d"): string => {
  const bucket = path.join(root, id.slice(0, 2));
  mkdirSync(bucket, { recursive: true });
  return path.join(bucket, `${id}${suffix}`);
};

/** An action entry exactly as cmd/go writes it: fmt "v1 %x %x %20d %20d\n". */
export const actionLine = (id: string, out: string, size: number, nanos = 1795474566333699617n): string =>
  `v1 ${id} ${out} ${String(size).padStart(20)} ${String(nanos).padStart(20)}\n`;

export const GiB3 = 3 * 2 ** 30;

export interface HostileSizes {
  action: number;
  archive: number;
  text: number;
  elf: number;
  goobject: number;
  goindex: number;
}

/**
 * Fills `cache` with ordinary entries plus everything a scanner must survive: symbolic links
 * (to outside, to itself, to a folder), a FIFO, a 3 GiB sparse file, names with newlines and a
 * name that is not UTF-8, 40 nested folders, a mode-000 file and a path longer than PATH_MAX.
 */
export function buildHostileTree(cache: string, outside: string): HostileSizes {
  const sizes: HostileSizes = { action: 0, archive: 0, text: 0, elf: 0, goobject: 0, goindex: 0 };
  mkdirSync(path.join(outside, "secret"));
  writeFileSync(path.join(outside, "secret", "x-d"), "!<arch>\noutside the cache\n");
  writeFileSync(path.join(cache, "README"), "bookkeeping\n");
  writeFileSync(path.join(cache, "testexpire.txt"), "1795474566333699617\n");

  // Ordinary entries.
  const line = actionLine(hex("a0"), hex("d0"), 9);
  writeFileSync(bucketPath(cache, hex("a0"), "-a"), line);
  sizes.action += line.length;
  const archive = "!<arch>\n__.PKGDEF\n";
  writeFileSync(bucketPath(cache, hex("d0"), "-d"), archive);
  sizes.archive += archive.length;
  // A README below the top level is an entry like any other file.
  const nestedReadme = "not bookkeeping at this depth\n";
  mkdirSync(path.join(cache, "00"), { recursive: true });
  writeFileSync(path.join(cache, "00", "README"), nestedReadme);
  sizes.text += nestedReadme.length;

  // Symbolic links: to a file outside, to itself, to a folder holding an entry. None followed.
  symlinkSync(path.join(outside, "secret", "x-d"), path.join(cache, "outside-d"));
  symlinkSync("loop-d", path.join(cache, "loop-d"));
  symlinkSync(path.join(cache, hex("d0").slice(0, 2)), path.join(cache, "dirlink"));

  // A FIFO: opening it for reading would block forever.
  execFileSync("mkfifo", [path.join(cache, "fifo-d")]);

  // A 3 GiB sparse file of zeros: binary, counted at its full size, never read whole.
  const sparse = bucketPath(cache, hex("sparse"), "-d");
  closeSync(openSync(sparse, "w"));
  truncateSync(sparse, GiB3);

  // Names with newlines, and a name that is not UTF-8.
  mkdirSync(path.join(cache, "odd\nnames"));
  const nlAction = actionLine(hex("a1"), hex("d1"), 0);
  writeFileSync(path.join(cache, "odd\nnames", "x\ny-a"), nlAction);
  sizes.action += nlAction.length;
  const nlText = "// cgo output\n";
  writeFileSync(path.join(cache, "odd\nnames", "line1\nline2-d"), nlText);
  sizes.text += nlText.length;
  const elf = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]);
  writeFileSync(Buffer.concat([Buffer.from(path.join(cache, "odd\nnames") + path.sep), Buffer.from([0xff, 0xfe, 0x2d, 0x64])]), elf);
  sizes.elf += elf.length;

  // 40 nested folders with the only "go object" entry at the bottom.
  const deepDir = path.join(cache, ...Array.from({ length: 40 }, (_, i) => `level${i}`));
  mkdirSync(deepDir, { recursive: true });
  const obj = "go object linux amd64 go1.22.12 X:none\n";
  writeFileSync(path.join(deepDir, `${hex("deep")}-d`), obj);
  sizes.goobject += obj.length;

  // A mode-000 file holding the only goindex entry.
  const locked = bucketPath(cache, hex("locked"), "-d");
  const idx = "go index v2\n";
  writeFileSync(locked, idx);
  chmodSync(locked, 0o000);
  sizes.goindex += idx.length;

  // A chain of folders whose full path outgrows PATH_MAX (4096): opening the deepest fails with
  // ENAMETOOLONG even for root. Built by a child process that chdir()s one relative step at a time
  // (the only way to get there; shells' `cd` rebuild the full path and fail).
  const script = [
    'const fs = require("node:fs");',
    "const [root, name] = process.argv.slice(1);",
    'process.chdir(root); fs.mkdirSync("toolong"); process.chdir("toolong");',
    "for (let i = 0; i < 25; i++) { fs.mkdirSync(name); process.chdir(name); }",
    'fs.writeFileSync("hidden-d", "!<arch>\\n");',
  ].join("\n");
  execFileSync(process.execPath, ["-e", script, cache, "n".repeat(200)]);
  if (path.join(cache, "toolong").length + 25 * 201 <= 4096) throw new Error("the toolong chain is not longer than PATH_MAX");

  // Fixed mtimes so oldest/newest are checkable.
  utimesSync(path.join(cache, "00", "README"), new Date("2001-02-03T04:05:06Z"), new Date("2001-02-03T04:05:06Z"));
  utimesSync(path.join(deepDir, `${hex("deep")}-d`), new Date("2030-01-01T00:00:00Z"), new Date("2030-01-01T00:00:00Z"));
  return sizes;
}

export const toolchains = [
  { version: "1.21", go: "/usr/lib/go-1.21/bin/go" },
  { version: "1.22", go: "/usr/lib/go-1.22/bin/go" },
  { version: "1.24", go: "/usr/lib/go-1.24/bin/go" },
];

/**
 * A fixture build takes ~8 s of CPU; with every package's suite running at once on 2 shared
 * cores it has taken over 120 s of wall time. The limit only stops a hung build, so it is generous.
 */
export const GO_BUILD_TIMEOUT_MS = 600_000;

/** Runs `go <args>` in a module under `tmp` (default: hello) with GOCACHE `tmp/cache`. */
export function runGo(go: string, tmp: string, args: string[], module = "hello"): void {
  execFileSync(go, args, {
    cwd: path.join(tmp, module),
    env: {
      GOCACHE: path.join(tmp, "cache"),
      GOPATH: path.join(tmp, "gopath"),
      GOFLAGS: "-modcacherw",
      GOTOOLCHAIN: "local",
      HOME: tmp,
      PATH: process.env.PATH,
    },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: GO_BUILD_TIMEOUT_MS,
  });
}

/**
 * Writes a small program importing encoding/json under `tmp/hello` and builds it: ~35 packages,
 * ~360 entries (action files, archives, text listings), a third of what net/http would cost.
 */
export function buildGoCache(go: string, tmp: string): string {
  const mod = path.join(tmp, "hello");
  mkdirSync(mod);
  writeFileSync(path.join(mod, "go.mod"), "module example.com/hello\n\ngo 1.21\n");
  writeFileSync(
    path.join(mod, "main.go"),
    [
      "package main",
      "",
      'import (\n\t"encoding/json"\n\t"os"\n)',
      "",
      "func main() {",
      '\t_ = json.NewEncoder(os.Stdout).Encode(map[string]string{"hello": "world"})',
      "}",
      "",
    ].join("\n"),
  );
  runGo(go, tmp, ["build", "-o", path.join(tmp, "hello-bin"), "."]);
  return path.join(tmp, "cache");
}

/**
 * Writes a module `tmp/leaf` holding one package with no imports, whose build uses no entry a
 * build of hello made: a `go build` there changes nothing in the cache but its own entries, and
 * then runs Go's trim on the way out (cmd/go/internal/work, Builder.Do closes the cache).
 */
export function writeLeafModule(tmp: string): void {
  const mod = path.join(tmp, "leaf");
  mkdirSync(mod);
  writeFileSync(path.join(mod, "go.mod"), "module example.com/leaf\n\ngo 1.21\n");
  writeFileSync(path.join(mod, "leaf.go"), "package leaf\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n");
}

/**
 * This package's sources compiled to JavaScript in a temporary folder, the way `tsc` builds dist/:
 * Node 20 cannot start a worker from TypeScript, so tests of the worker path import this copy.
 * Returns the file URL of its index.js.
 */
export function compilePackage(): string {
  const src = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const out = freshDir("compiled");
  for (const name of readdirSync(src)) {
    if (!name.endsWith(".ts") || name.endsWith(".test.ts")) continue;
    const { outputText } = ts.transpileModule(readFileSync(path.join(src, name), "utf8"), {
      fileName: name,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    writeFileSync(path.join(out, name.replace(/\.ts$/, ".js")), outputText);
  }
  // "type": "module" so Node loads the .js files as ES modules, as it does dist/.
  writeFileSync(path.join(out, "package.json"), '{ "type": "module" }\n');
  // The package's own dependencies (@cachefleet/contract's built dist/), as dist/ finds them.
  symlinkSync(path.join(path.dirname(src), "node_modules"), path.join(out, "node_modules"), "dir");
  return pathToFileURL(path.join(out, "index.js")).href;
}
