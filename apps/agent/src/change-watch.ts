// What tells an idle agent that something may have changed, so it collects only then:
// - GOCACHE writes: FSEvents through a recursive fs.watch on macOS; elsewhere one inotify watch
//   on GOCACHE and one per bucket folder (257 in all). Node 20's recursive fs.watch on Linux
//   walks the tree and polls every file: measured on a 965-file cache, 0.036 CPU-s per idle
//   minute and 51 ms to set up, against 0.002 and 6 ms for the per-bucket watches, which cost
//   nothing until the go command writes.
// - what the process-spawning probes read: the go binary, the GOENV file, GOBIN, the folders on
//   PATH and where toolchains live, the Keychain file, LaunchAgents; a stat of each (inode, size,
//   mtime) makes a signature that moves when any of them does.
import fs from "node:fs";
import path from "node:path";

const bucketName = /^[0-9a-f]{2}$/;

export interface CacheWatcher {
  /** False when GOCACHE could not be watched (missing, or the platform refused): rescan on a timer. */
  readonly watching: boolean;
  close(): void;
}

/** Calls `onChange` for every write into a bucket folder of `gocache` (not for top-level files). */
export function watchCache(gocache: string, platform: NodeJS.Platform, onChange: () => void, onError: (error: unknown) => void): CacheWatcher {
  const watchers = new Map<string, fs.FSWatcher>();
  let failed = false;
  const fail = (error: unknown) => {
    if (failed) return;
    failed = true;
    onError(error);
    for (const watcher of watchers.values()) watcher.close();
    watchers.clear();
  };
  const open = (key: string, dir: string, options: fs.WatchOptions, listener: (filename: string | null) => void): boolean => {
    try {
      const watcher = fs.watch(dir, { ...options, persistent: false }, (_event, filename) => listener(typeof filename === "string" ? filename : null));
      watcher.on("error", (error) => {
        // A bucket folder removed (go clean -cache) ends its watch; GOCACHE's own watch sees it.
        if (key !== "") {
          watchers.get(key)?.close();
          watchers.delete(key);
          onChange();
        } else fail(error);
      });
      watchers.set(key, watcher);
      return true;
    } catch (error) {
      if (key === "") fail(error);
      return false;
    }
  };

  if (platform === "darwin" || platform === "win32") {
    open("", gocache, { recursive: true }, (filename) => {
      // FSEvents names the changed path relative to GOCACHE, e.g. "ab/ab12…-d".
      if (filename === null || bucketName.test(filename.split(/[\\/]/)[0] ?? "")) onChange();
    });
  } else {
    const watchBucket = (name: string) => {
      if (!watchers.has(name)) open(name, path.join(gocache, name), {}, () => onChange());
    };
    const opened = open("", gocache, {}, (filename) => {
      if (filename === null) return onChange();
      if (!bucketName.test(filename)) return;
      // A bucket folder created or removed at the top.
      watchers.get(filename)?.close();
      watchers.delete(filename);
      if (fs.existsSync(path.join(gocache, filename))) watchBucket(filename);
      onChange();
    });
    if (opened) {
      try {
        for (const name of fs.readdirSync(gocache)) if (bucketName.test(name)) watchBucket(name);
      } catch (error) {
        fail(error);
      }
    }
  }
  return {
    get watching() {
      return !failed && watchers.size > 0;
    },
    close() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

/**
 * Runs `onSettled` once changes have stopped for `settleMs` (a build writes hundreds of entries
 * in a burst), or `maxWaitMs` after the first change of a burst that never stops.
 */
export class SettleTimer {
  #timer: NodeJS.Timeout | null = null;
  #firstAt = 0;
  #lastAt = 0;

  constructor(
    private readonly settleMs: number,
    private readonly maxWaitMs: number,
    private readonly onSettled: () => void,
  ) {}

  poke(): void {
    const now = Date.now();
    this.#lastAt = now;
    if (this.#timer) return;
    this.#firstAt = now;
    this.#arm(this.settleMs);
  }

  cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      const now = Date.now();
      const quietFor = now - this.#lastAt;
      if (quietFor >= this.settleMs || now - this.#firstAt >= this.maxWaitMs) this.onSettled();
      else this.#arm(this.settleMs - quietFor);
    }, delayMs);
    this.#timer.unref();
  }
}

/** One line per path: inode, size and modification time, or "-" when it is missing. */
export function statSignature(paths: readonly string[]): string {
  return paths
    .map((file) => {
      try {
        const stats = fs.statSync(file);
        return `${file}\t${stats.ino}\t${stats.size}\t${stats.mtimeMs}\t${stats.mode}\t${stats.uid}`;
      } catch {
        return `${file}\t-`;
      }
    })
    .join("\n");
}
