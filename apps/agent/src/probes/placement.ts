// Where GOCACHE lives: the file system under it (from /proc/self/mountinfo on Linux, `mount` on
// macOS), whether iCloud syncs it, whether Time Machine backs it up (`tmutil isexcluded`), whether
// Spotlight indexes it (`mdutil -s` of its volume, and *.noindex folders), and FileVault
// (`fdesetup status`). Every macOS tool runs with a fixed argv; each probe answers on its own.
import fs from "node:fs";
import path from "node:path";
import type { FileSystemKind, FileSystemProbe, FileVaultProbe, ICloudProbe, PlacementProbes, SpotlightProbe, TimeMachineProbe } from "@cachefleet/contract";
import { clip, failed, notApplicable } from "./answer.js";
import type { ProbeContext } from "./context.js";

export interface MountEntry {
  mountPoint: string;
  type: string;
  /** The options as listed (macOS: "local", "nobrowse", …; Linux: the super options). */
  options: string[];
}

/** Linux /proc/self/mountinfo: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue". */
export function parseMountinfo(text: string): MountEntry[] {
  const unescape = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  return text.split("\n").flatMap((line) => {
    const fields = line.split(" ");
    const dash = fields.indexOf("-");
    const mountPoint = fields[4];
    const type = fields[dash + 1];
    if (dash < 6 || mountPoint === undefined || type === undefined) return [];
    return [{ mountPoint: unescape(mountPoint), type, options: (fields[dash + 3] ?? "").split(",") }];
  });
}

/** macOS `mount`: "/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)". */
export function parseMacMount(text: string): MountEntry[] {
  return text.split("\n").flatMap((line) => {
    const match = /^(.*) on (\/.*) \(([^)]*)\)$/.exec(line.trim());
    if (!match) return [];
    const [type = "", ...options] = (match[3] ?? "").split(",").map((part) => part.trim());
    return [{ mountPoint: match[2] ?? "", type, options }];
  });
}

/** The mount holding `file`: the longest mount point that is `file` or one of its parents. */
export function mountOf(file: string, mounts: readonly MountEntry[]): MountEntry | null {
  let best: MountEntry | null = null;
  for (const mount of mounts) {
    const prefix = mount.mountPoint.endsWith("/") ? mount.mountPoint : `${mount.mountPoint}/`;
    if (file !== mount.mountPoint && !file.startsWith(prefix)) continue;
    if (best === null || mount.mountPoint.length >= best.mountPoint.length) best = mount;
  }
  return best;
}

const networkTypes = new Set(["nfs", "nfs4", "smbfs", "cifs", "smb3", "afpfs", "webdav", "ncpfs", "9p", "ceph", "glusterfs", "lustre"]);

export function fileSystemKind(type: string): FileSystemKind {
  if (networkTypes.has(type)) return "network";
  if (type === "fuse" || type.startsWith("fuse.") || type === "fuseblk" || type === "macfuse" || type === "osxfuse" || type === "osxfusefs") return "fuse";
  if (type === "") return "unknown";
  return "local";
}

/** Resolves `gocache` (or its nearest existing parent) through links, so the mount is the real one. */
function realPlace(gocache: string): string {
  for (let dir = gocache; ; dir = path.dirname(dir)) {
    try {
      return path.join(fs.realpathSync(dir), path.relative(dir, gocache));
    } catch {
      if (path.dirname(dir) === dir) return gocache;
    }
  }
}

async function probeFileSystem(context: ProbeContext, gocache: string): Promise<FileSystemProbe & { mount?: MountEntry }> {
  try {
    let mounts: MountEntry[];
    if (context.platform === "linux") mounts = parseMountinfo(fs.readFileSync("/proc/self/mountinfo", "utf8"));
    else if (context.platform === "darwin") {
      const result = await context.commands.run({ kind: "mount-list" });
      if (result.exitCode !== 0) return { status: "error", message: clip(`mount exited ${result.exitCode}: ${result.stderr.trim()}`) };
      mounts = parseMacMount(result.stdout);
    } else return notApplicable(`No mount table is read on ${context.platform}.`);
    const mount = mountOf(realPlace(gocache), mounts);
    if (!mount) return { status: "error", message: clip(`No mount holds ${gocache}.`) };
    const kind = fileSystemKind(mount.type);
    // macOS marks every internal volume "local"; a volume without it is removable, external or remote.
    const removable = context.platform === "darwin" ? kind === "local" && !mount.options.includes("local") : null;
    return { status: "ok", type: mount.type, mountPoint: mount.mountPoint, kind, removable, mount };
  } catch (error) {
    return failed(error);
  }
}

/** iCloud Drive lives in ~/Library/Mobile Documents; "Desktop & Documents Folders" syncs those two too. */
function probeICloud(context: ProbeContext, gocache: string): ICloudProbe {
  if (context.platform !== "darwin") return notApplicable("iCloud Drive syncs folders only on macOS.");
  const place = realPlace(gocache);
  const within = (dir: string) => place === dir || place.startsWith(`${dir}/`);
  const mobile = path.join(context.home, "Library", "Mobile Documents");
  if (within(mobile)) return { status: "ok", synced: true, syncedPlace: mobile };
  // With Desktop & Documents syncing on, macOS keeps those folders' contents in iCloud Drive
  // (com~apple~CloudDocs/Desktop, …/Documents): the folder appears there when the feature is on.
  const cloudDocs = path.join(mobile, "com~apple~CloudDocs");
  for (const name of ["Desktop", "Documents"]) {
    const dir = path.join(context.home, name);
    if (within(dir) && fs.existsSync(path.join(cloudDocs, name))) return { status: "ok", synced: true, syncedPlace: dir };
  }
  return { status: "ok", synced: false, syncedPlace: null };
}

/** `tmutil isexcluded PATH` prints "[Excluded]    PATH" or "[Included]    PATH". */
export function parseIsExcluded(stdout: string): boolean | null {
  const match = /^\s*\[(Excluded|Included)\]/m.exec(stdout);
  return match ? match[1] === "Excluded" : null;
}

async function probeTimeMachine(context: ProbeContext, gocache: string): Promise<TimeMachineProbe> {
  if (context.platform !== "darwin") return notApplicable("Time Machine exists only on macOS.");
  try {
    const result = await context.commands.run({ kind: "tmutil-isexcluded", path: gocache });
    const excluded = result.exitCode === 0 ? parseIsExcluded(result.stdout) : null;
    if (excluded === null) return { status: "error", message: clip(`tmutil isexcluded exited ${result.exitCode}: ${(result.stderr || result.stdout).trim() || "(no output)"}`) };
    return { status: "ok", excluded };
  } catch (error) {
    return failed(error);
  }
}

/** `mdutil -s VOLUME` prints "VOLUME:\n\tIndexing enabled." (or disabled). */
export function parseMdutil(stdout: string): boolean | null {
  if (/Indexing enabled/i.test(stdout)) return true;
  if (/Indexing disabled|Spotlight server is disabled/i.test(stdout)) return false;
  return null;
}

async function probeSpotlight(context: ProbeContext, gocache: string, mount: MountEntry | undefined): Promise<SpotlightProbe> {
  if (context.platform !== "darwin") return notApplicable("Spotlight exists only on macOS.");
  if (!mount) return { status: "error", message: "The volume holding GOCACHE is unknown." };
  try {
    const result = await context.commands.run({ kind: "mdutil-status", volume: mount.mountPoint });
    const indexed = result.exitCode === 0 ? parseMdutil(result.stdout) : null;
    if (indexed === null) return { status: "error", message: clip(`mdutil -s exited ${result.exitCode}: ${(result.stderr || result.stdout).trim() || "(no output)"}`) };
    const parts = realPlace(gocache).split(path.sep);
    return { status: "ok", volumeIndexed: indexed, pathExcluded: parts.some((part) => part.endsWith(".noindex")) };
  } catch (error) {
    return failed(error);
  }
}

/** `fdesetup status`: "FileVault is On." / "FileVault is Off.", plus a line while encrypting. */
export function parseFdesetup(stdout: string): { on: boolean; encryptionInProgress: boolean } | null {
  const match = /FileVault is (On|Off)\./.exec(stdout);
  if (!match) return null;
  return { on: match[1] === "On", encryptionInProgress: /Encryption in progress/i.test(stdout) };
}

async function probeFileVault(context: ProbeContext): Promise<FileVaultProbe> {
  if (context.platform !== "darwin") return notApplicable("FileVault exists only on macOS.");
  try {
    const result = await context.commands.run({ kind: "fdesetup-status" });
    const status = result.exitCode === 0 ? parseFdesetup(result.stdout) : null;
    if (status === null) return { status: "error", message: clip(`fdesetup status exited ${result.exitCode}: ${(result.stderr || result.stdout).trim() || "(no output)"}`) };
    return { status: "ok", ...status };
  } catch (error) {
    return failed(error);
  }
}

export async function probePlacement(context: ProbeContext, gocache: string | null): Promise<PlacementProbes> {
  if (gocache === null || gocache === "" || !path.isAbsolute(gocache)) {
    const unknown = { status: "error", message: "GOCACHE is unknown: `go env` did not run." } as const;
    return { fileSystem: unknown, iCloud: unknown, timeMachine: unknown, spotlight: unknown, fileVault: await probeFileVault(context) };
  }
  const fileSystem = await probeFileSystem(context, gocache);
  const mount = fileSystem.status === "ok" ? fileSystem.mount : undefined;
  const [timeMachine, spotlight, fileVault] = await Promise.all([probeTimeMachine(context, gocache), probeSpotlight(context, gocache, mount), probeFileVault(context)]);
  const { mount: _mount, ...fileSystemAnswer } = fileSystem.status === "ok" ? fileSystem : { ...fileSystem, mount: undefined };
  return { fileSystem: fileSystemAnswer, iCloud: probeICloud(context, gocache), timeMachine, spotlight, fileVault };
}
