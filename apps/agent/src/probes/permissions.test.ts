// GOCACHE permissions measured on real temp folders: existence, owner, write access, hard links
// and free disk, each a fact of its own.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../test-support/standins.js";
import { probePermissions, tryHardLink } from "./permissions.js";

let dir: string;
const uid = process.getuid?.() ?? null;

beforeAll(() => {
  dir = tempDir("permissions");
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("GOCACHE permissions", () => {
  it("reports an existing cache as owned, writable and hard-link capable, with free disk", () => {
    const gocache = path.join(dir, "go-build");
    fs.mkdirSync(gocache);
    const probe = probePermissions(gocache, uid);
    expect(probe).toMatchObject({
      status: "ok",
      gocache,
      exists: true,
      isDirectory: true,
      ownerUid: fs.statSync(gocache).uid,
      userUid: uid,
      ownedByUser: true,
      writable: true,
      hardLinks: true,
      hardLinkError: null,
      disk: { path: gocache },
    });
    if (probe.status === "ok") expect(probe.disk?.freeBytes).toBeGreaterThan(0);
    // The link test leaves nothing behind in the cache.
    expect(fs.readdirSync(gocache)).toEqual([]);
  });

  it("says who owns a cache that is not the user's", () => {
    const gocache = path.join(dir, "someone-elses");
    fs.mkdirSync(gocache);
    const owner = fs.statSync(gocache).uid;
    // Asking as another uid shows the same mismatch a root-owned cache shows a developer.
    expect(probePermissions(gocache, owner + 1)).toMatchObject({ status: "ok", ownerUid: owner, userUid: owner + 1, ownedByUser: false });
  });

  it("reports a missing GOCACHE as not existing, with the free disk of its nearest parent", () => {
    const gocache = path.join(dir, "missing", "deeper", "go-build");
    expect(probePermissions(gocache, uid)).toEqual({
      status: "ok",
      gocache,
      exists: false,
      isDirectory: false,
      ownerUid: null,
      userUid: uid,
      ownedByUser: null,
      writable: null,
      hardLinks: null,
      hardLinkError: null,
      disk: expect.objectContaining({ path: dir }),
    });
  });

  it("reports a file where the cache folder should be", () => {
    const gocache = path.join(dir, "a-file");
    fs.writeFileSync(gocache, "x");
    expect(probePermissions(gocache, uid)).toMatchObject({ status: "ok", exists: true, isDirectory: false, hardLinks: null });
  });

  it("explains a failed link test", () => {
    expect(tryHardLink(path.join(dir, "no-such-folder"))).toEqual({ ok: false, message: expect.stringContaining("Could not create a test file") });
  });

  it("is not applicable when the cache is off, and an error when GOCACHE is unknown", () => {
    expect(probePermissions("off", uid)).toMatchObject({ status: "not-applicable" });
    expect(probePermissions(null, uid)).toMatchObject({ status: "error" });
  });
});
