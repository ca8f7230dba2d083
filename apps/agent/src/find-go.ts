// Which go binary the agent runs: CACHEFLEET_GO, else `go` on PATH, else a toolchain in a standard
// install location (the agent often starts from launchd or systemd with a minimal PATH).
import fs from "node:fs";
import path from "node:path";

/** A regular file this process may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function debianToolchains(): string[] {
  try {
    return fs
      .readdirSync("/usr/lib")
      .filter((name) => /^go-\d+\.\d+$/.test(name))
      .sort((a, b) => Number(b.split(".")[1]) - Number(a.split(".")[1]))
      .map((name) => path.join("/usr/lib", name, "bin", "go"));
  } catch {
    return [];
  }
}

export function findGoBinary(configured: string | undefined, searchPath: string | undefined): string {
  if (configured) return configured;
  for (const dir of (searchPath ?? "").split(path.delimiter)) {
    if (dir && isExecutableFile(path.join(dir, "go"))) return path.join(dir, "go");
  }
  const candidates = ["/usr/local/go/bin/go", "/opt/homebrew/bin/go", "/usr/lib/go/bin/go", ...debianToolchains()];
  return candidates.find(isExecutableFile) ?? "go";
}
