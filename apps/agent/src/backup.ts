// Backing up a GOCACHE before it is cleaned: a dated sibling copy, verified file by file count and
// byte total, refused up front when the disk cannot hold it.
import fs from "node:fs";
import path from "node:path";

export interface TreeTotals {
  files: number;
  bytes: number;
}

/** Regular files and their bytes below `dir`, never following symlinks. */
export async function countTree(dir: string): Promise<TreeTotals> {
  const totals: TreeTotals = { files: 0, bytes: 0 };
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop();
    if (current === undefined) break;
    for (const entry of await fs.promises.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile()) {
        totals.files += 1;
        totals.bytes += (await fs.promises.lstat(full)).size;
      }
    }
  }
  return totals;
}

export function backupPathFor(gocache: string, at: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const stamp =
    `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-` +
    `${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  return `${path.resolve(gocache)}.backup-${stamp}`;
}

export function freeBytesAt(dir: string): number {
  const stats = fs.statfsSync(dir);
  return stats.bavail * stats.bsize;
}

/** A backup needs the cache's bytes plus 10 %. */
export function backupSpaceNeeded(cacheBytes: number): number {
  return Math.ceil(cacheBytes * 1.1);
}

export class BackupError extends Error {}

export async function backupCache(
  gocache: string,
  options: {
    at: Date;
    freeBytes?: (dir: string) => number;
    log: (line: string) => void;
    /** Told the destination before copying starts, so an interruption can name the partial copy. */
    onDestination?: (destination: string) => void;
    /** Runs between the copy and its verification (tests tamper with the copy here). */
    afterCopy?: (destination: string) => void;
  },
): Promise<{ path: string; totals: TreeTotals }> {
  const source = await countTree(gocache);
  const destination = backupPathFor(gocache, options.at);
  const parent = path.dirname(destination);
  const free = (options.freeBytes ?? freeBytesAt)(parent);
  const needed = backupSpaceNeeded(source.bytes);
  options.log(`cache holds ${source.files} files, ${source.bytes} bytes; ${free} bytes free at ${parent}`);
  if (free < needed) {
    throw new BackupError(`Not enough free disk for a backup: need ${needed} bytes (cache + 10 %), ${free} free at ${parent}.`);
  }
  options.log(`copying to ${destination}`);
  options.onDestination?.(destination);
  await fs.promises.cp(gocache, destination, {
    recursive: true,
    errorOnExist: true,
    force: false,
    verbatimSymlinks: true,
    preserveTimestamps: true,
  });
  options.afterCopy?.(destination);
  const copied = await countTree(destination);
  options.log(`backup holds ${copied.files} files, ${copied.bytes} bytes`);
  if (copied.files !== source.files || copied.bytes !== source.bytes) {
    throw new BackupError(
      `Backup did not verify: the cache had ${source.files} files / ${source.bytes} bytes, the copy has ${copied.files} / ${copied.bytes}. It is left at ${destination}.`,
    );
  }
  return { path: destination, totals: copied };
}
