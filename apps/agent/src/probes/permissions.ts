// GOCACHE's permissions: it exists, belongs to the developer, is writable, sits on a file system
// with hard links, and has free disk around it. Each fact is measured, never assumed.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DiskSpace, PermissionsProbe } from "@cachefleet/contract";
import { clip, errorMessage, failed, hasCode, notApplicable } from "./answer.js";

function nearestExisting(dir: string): string {
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

export function diskSpaceAt(dir: string): DiskSpace | null {
  try {
    const at = nearestExisting(dir);
    const stats = fs.statfsSync(at);
    return { path: clip(at, 4096), freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
  } catch {
    return null;
  }
}

/** Links a fresh temp file inside `dir` and removes both; the error says why links failed. */
export function tryHardLink(dir: string): { ok: true } | { ok: false; message: string } {
  const base = path.join(dir, `.cachefleet-linktest-${process.pid}-${randomBytes(4).toString("hex")}`);
  const link = `${base}-link`;
  try {
    fs.writeFileSync(base, "", { flag: "wx", mode: 0o600 });
  } catch (error) {
    return { ok: false, message: clip(`Could not create a test file: ${errorMessage(error)}`) };
  }
  let linked = false;
  try {
    fs.linkSync(base, link);
    linked = true;
    return fs.statSync(base).nlink >= 2 ? { ok: true } : { ok: false, message: "The link was created but the file reports one link." };
  } catch (error) {
    return { ok: false, message: clip(errorMessage(error)) };
  } finally {
    // Only what this test created is removed.
    if (linked) fs.rmSync(link, { force: true });
    fs.rmSync(base, { force: true });
  }
}

export function probePermissions(gocache: string | null, uid: number | null): PermissionsProbe {
  if (gocache === null || gocache === "") return failed("GOCACHE is unknown because `go env` failed.");
  if (gocache === "off") return notApplicable("The build cache is turned off (GOCACHE=off).");
  try {
    const base = { gocache: clip(gocache, 4096), userUid: uid, disk: diskSpaceAt(gocache) };
    let stats: fs.Stats;
    try {
      stats = fs.statSync(gocache);
    } catch (error) {
      if (!hasCode(error, "ENOENT")) throw error;
      return { status: "ok", ...base, exists: false, isDirectory: false, ownerUid: null, ownedByUser: null, writable: null, hardLinks: null, hardLinkError: null };
    }
    let writable = true;
    try {
      fs.accessSync(gocache, fs.constants.W_OK);
    } catch {
      writable = false;
    }
    const isDirectory = stats.isDirectory();
    // The link test writes into GOCACHE, so it only runs where writing is allowed.
    const link = isDirectory && writable ? tryHardLink(gocache) : null;
    return {
      status: "ok",
      ...base,
      exists: true,
      isDirectory,
      ownerUid: stats.uid,
      ownedByUser: uid === null ? null : stats.uid === uid,
      writable,
      hardLinks: link ? link.ok : null,
      hardLinkError: link && !link.ok ? link.message : null,
    };
  } catch (error) {
    return failed(error);
  }
}
