// Whether a Go build of this user is running right now: cleaning or copying a cache under a live
// `go build` races with its writes, so cache-changing commands refuse to start, retriably.
import fs from "node:fs";
import path from "node:path";

/** Process names of the go command and the tools it runs against the cache. */
export const goBuildProcessNames = new Set(["go", "compile", "link", "asm", "cgo", "vet", "cover"]);

export interface ProcessInfo {
  pid: number;
  /** The parent's pid: the agent's own `go env` and `go version` runs are not builds to wait for. */
  ppid: number;
  uid: number;
  name: string;
  /** The GOCACHE the process uses, when its environment could be read; null when unknown. */
  gocache?: string | null;
}

/**
 * Pure: the processes that are Go builds of `uid` (other than the agent itself) that may be using
 * `gocache`. A process whose cache is unknown counts: better a retriable refusal than a race.
 */
export function goBuildsOf(processes: readonly ProcessInfo[], uid: number, ownPid: number, gocache?: string): ProcessInfo[] {
  return processes.filter(
    (proc) =>
      proc.uid === uid &&
      proc.pid !== ownPid &&
      proc.ppid !== ownPid &&
      goBuildProcessNames.has(path.basename(proc.name)) &&
      (gocache === undefined || proc.gocache === null || proc.gocache === undefined || path.resolve(proc.gocache) === path.resolve(gocache)),
  );
}

/** The GOCACHE a go process uses, from its environment, as `go env GOCACHE` would decide on Linux. */
export function gocacheFromEnvironment(environ: ReadonlyMap<string, string>): string | null {
  const explicit = environ.get("GOCACHE");
  if (explicit && path.isAbsolute(explicit)) return explicit;
  if (explicit === "off") return "off";
  const xdg = environ.get("XDG_CACHE_HOME");
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "go-build");
  const home = environ.get("HOME");
  return home && path.isAbsolute(home) ? path.join(home, ".cache", "go-build") : null;
}

function readEnviron(file: string): Map<string, string> | null {
  try {
    const entries = fs
      .readFileSync(file, "utf8")
      .split("\0")
      .filter((entry) => entry.length > 0)
      .map((entry): [string, string] => {
        const at = entry.indexOf("=");
        return at < 0 ? [entry, ""] : [entry.slice(0, at), entry.slice(at + 1)];
      });
    return new Map(entries);
  } catch {
    return null;
  }
}

/** Linux: read /proc directly (no process to start). */
export function linuxProcesses(procDir = "/proc"): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(procDir);
  } catch {
    return processes;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = fs.readFileSync(path.join(procDir, name, "status"), "utf8");
      const procName = /^Name:\s*(.+)$/m.exec(status)?.[1]?.trim();
      const uid = /^Uid:\s*(\d+)/m.exec(status)?.[1];
      const ppid = /^PPid:\s*(\d+)/m.exec(status)?.[1];
      // A zombie (exited, not yet reaped — orphans can stay so in containers) holds no files.
      if (/^State:\s*[ZX]/m.test(status)) continue;
      if (!procName || !uid || !ppid || !goBuildProcessNames.has(procName)) continue;
      const environ = readEnviron(path.join(procDir, name, "environ"));
      // Our own user's processes always have a readable environment; none means it just ended.
      if (!environ || environ.size === 0) continue;
      processes.push({ pid: Number(name), ppid: Number(ppid), uid: Number(uid), name: procName, gocache: gocacheFromEnvironment(environ) });
    } catch {
      // The process ended while we looked.
    }
  }
  return processes;
}

/** macOS and others: `ps -A -o pid=,ppid=,uid=,comm=` output. */
export function parsePsOutput(stdout: string): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const line of stdout.split("\n")) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.+?)\s*$/.exec(line);
    if (match?.[1] && match[2] && match[3] && match[4]) {
      processes.push({ pid: Number(match[1]), ppid: Number(match[2]), uid: Number(match[3]), name: match[4] });
    }
  }
  return processes;
}

export function describeBuilds(builds: readonly ProcessInfo[]): string {
  const shown = builds.slice(0, 5).map((proc) => `${path.basename(proc.name)} (pid ${proc.pid})`);
  return `A Go build is using the cache right now: ${shown.join(", ")}${builds.length > 5 ? ", …" : ""}. Retry when it has finished.`;
}
