// Backing up a GOCACHE before it is cleaned: a dated sibling copy of the cache's real contents,
// written under a `.partial` name and renamed to its backup name only once its file count and byte
// total match the cache; refused up front when the disk cannot hold it (counted in disk blocks),
// stopped between files when the command's time limit passes. A copy that did not verify, ran out
// of disk or was stopped is removed; one left by a killed agent keeps its `.partial` name, which no
// listing takes for a backup and the next backup or prune removes.
import fs from "node:fs";
import path from "node:path";

export interface TreeTotals {
  /** Regular files. */
  files: number;
  /** Their bytes (st_size). */
  bytes: number;
  /** Symbolic links below the top, copied as links (their targets are never read or followed). */
  links: number;
  /**
   * What the tree takes on disk: each file's and folder's allocated blocks (st_blocks × 512), at
   * least its size rounded up to whole blocks of `blockSize`, so a copy onto a disk with larger
   * blocks or without the source's compression still fits.
   */
  diskBytes: number;
}

function roundUp(bytes: number, block: number): number {
  return Math.ceil(bytes / block) * block;
}

/** Files, bytes, links and disk use below `dir`, never following symlinks. */
export async function countTree(dir: string, blockSize = 4096, signal?: AbortSignal): Promise<TreeTotals> {
  const totals: TreeTotals = { files: 0, bytes: 0, links: 0, diskBytes: 0 };
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop();
    if (current === undefined) break;
    signal?.throwIfAborted();
    const self = await fs.promises.lstat(current);
    totals.diskBytes += Math.max(self.blocks * 512, blockSize);
    for (const entry of await fs.promises.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile()) {
        const stats = await fs.promises.lstat(full);
        totals.files += 1;
        totals.bytes += stats.size;
        totals.diskBytes += Math.max(stats.blocks * 512, roundUp(stats.size, blockSize));
      } else if (entry.isSymbolicLink()) {
        totals.links += 1;
        totals.diskBytes += blockSize;
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

/** Where a backup is written until it verifies. */
export const partialSuffix = ".partial";

export function partialPathFor(destination: string): string {
  return `${destination}${partialSuffix}`;
}

export function freeBytesAt(dir: string): number {
  const stats = fs.statfsSync(dir);
  return stats.bavail * stats.bsize;
}

export function blockSizeAt(dir: string): number {
  return fs.statfsSync(dir).bsize;
}

/** A backup needs the cache's disk use plus 10 %. */
export function backupSpaceNeeded(cacheDiskBytes: number): number {
  return Math.ceil(cacheDiskBytes * 1.1);
}

export class BackupError extends Error {}

/**
 * The folder whose contents are the cache: GOCACHE itself, or what it links to. Copying a link
 * would make a "backup" that is the live cache, emptied by the clean that follows.
 */
export function realCacheFolder(gocache: string, log: (line: string) => void): string {
  let stats: fs.Stats;
  try {
    stats = fs.lstatSync(gocache);
  } catch (error) {
    throw new BackupError(`There is no cache to back up at ${gocache}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!stats.isSymbolicLink()) {
    if (!stats.isDirectory()) throw new BackupError(`GOCACHE ${gocache} is not a folder; refusing to back it up.`);
    return gocache;
  }
  let real: string;
  try {
    real = fs.realpathSync(gocache);
  } catch (error) {
    throw new BackupError(`GOCACHE ${gocache} is a symbolic link that leads nowhere (${error instanceof Error ? error.message : String(error)}); refusing to back it up.`);
  }
  if (!fs.statSync(real).isDirectory()) throw new BackupError(`GOCACHE ${gocache} links to ${real}, which is not a folder; refusing to back it up.`);
  log(`GOCACHE ${gocache} is a symbolic link to ${real}; backing up the contents of ${real}, not the link`);
  return real;
}

/** Copies `source` into the new folder `target`, checking `signal` before every entry. */
async function copyTree(source: string, target: string, signal: AbortSignal | undefined): Promise<void> {
  const pending: [string, string][] = [[source, target]];
  await fs.promises.mkdir(target, { mode: 0o700 });
  const folders: [string, string][] = [];
  while (pending.length > 0) {
    const next = pending.pop();
    if (!next) break;
    const [from, to] = next;
    folders.push(next);
    for (const entry of await fs.promises.readdir(from, { withFileTypes: true })) {
      signal?.throwIfAborted();
      const fromPath = path.join(from, entry.name);
      const toPath = path.join(to, entry.name);
      if (entry.isDirectory()) {
        await fs.promises.mkdir(toPath);
        pending.push([fromPath, toPath]);
      } else if (entry.isFile()) {
        await fs.promises.copyFile(fromPath, toPath, fs.constants.COPYFILE_EXCL);
        const stats = await fs.promises.lstat(fromPath);
        // Go's trim reads entries' mtimes: a restored backup must not look freshly used (or stale).
        await fs.promises.utimes(toPath, stats.atime, stats.mtime);
      } else if (entry.isSymbolicLink()) {
        await fs.promises.symlink(await fs.promises.readlink(fromPath), toPath);
      }
      // Sockets, fifos and devices are not cache entries; they are neither copied nor counted.
    }
  }
  // Folder modes and times last, so adding entries does not move them; deepest first.
  for (const [from, to] of folders.reverse()) {
    const stats = await fs.promises.lstat(from);
    await fs.promises.chmod(to, stats.mode & 0o7777);
    await fs.promises.utimes(to, stats.atime, stats.mtime);
  }
}

/** Partial copies of this cache's backups (`<GOCACHE>.backup-…partial`) a killed agent left. */
export function listPartialCopies(gocache: string): string[] {
  const parent = path.dirname(path.resolve(gocache));
  const prefix = `${path.basename(path.resolve(gocache))}.backup-`;
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return [];
  }
  return names.filter((name) => name.startsWith(prefix) && name.endsWith(partialSuffix)).map((name) => path.join(parent, name));
}

export async function backupCache(
  gocache: string,
  options: {
    at: Date;
    /** The command's time limit: copying stops between files once it fires. */
    signal?: AbortSignal;
    freeBytes?: (dir: string) => number;
    log: (line: string) => void;
    /** Told the partial copy's path before copying starts, so an interruption can name it. */
    onDestination?: (partial: string) => void;
    /** Runs between the copy and its verification (tests tamper with the copy here). */
    afterCopy?: (partial: string) => void;
  },
): Promise<{ path: string; totals: TreeTotals }> {
  const source = realCacheFolder(gocache, options.log);
  const destination = backupPathFor(gocache, options.at);
  const partial = partialPathFor(destination);
  const parent = path.dirname(destination);
  for (const stale of listPartialCopies(gocache)) {
    options.log(`removing ${stale}, a copy an earlier backup left unfinished (never a backup)`);
    await fs.promises.rm(stale, { recursive: true, force: true });
  }
  const expected = await countTree(source, blockSizeAt(parent), options.signal);
  const free = (options.freeBytes ?? freeBytesAt)(parent);
  const needed = backupSpaceNeeded(expected.diskBytes);
  options.log(`cache holds ${expected.files} files, ${expected.bytes} bytes (${expected.diskBytes} bytes on disk); ${free} bytes free at ${parent}`);
  if (free < needed) {
    throw new BackupError(`Not enough free disk for a backup: need ${needed} bytes (the cache's disk use + 10 %), ${free} free at ${parent}.`);
  }
  if (fs.existsSync(destination)) throw new BackupError(`A backup named ${destination} already exists; refusing to overwrite it.`);
  options.log(`copying to ${partial}`);
  options.onDestination?.(partial);
  try {
    await copyTree(source, partial, options.signal);
    options.afterCopy?.(partial);
    const copied = await countTree(partial, blockSizeAt(parent), options.signal);
    options.log(`copy holds ${copied.files} files, ${copied.bytes} bytes`);
    if (copied.files !== expected.files || copied.bytes !== expected.bytes || copied.links !== expected.links) {
      throw new BackupError(
        `Backup did not verify: the cache had ${expected.files} files / ${expected.bytes} bytes, the copy has ${copied.files} / ${copied.bytes}; the copy was removed.`,
      );
    }
    options.signal?.throwIfAborted();
    await fs.promises.rename(partial, destination);
    options.log(`verified; the backup is ${destination}`);
    return { path: destination, totals: copied };
  } catch (error) {
    // A copy that is not a verified backup must never be taken for one, nor fill the disk.
    await fs.promises.rm(partial, { recursive: true, force: true }).catch(() => undefined);
    if (error instanceof Error && "code" in error && error.code === "ENOSPC") {
      throw new BackupError(`The disk filled up while copying the cache to ${partial}; the partial copy was removed and the cache is untouched.`);
    }
    throw error;
  }
}
