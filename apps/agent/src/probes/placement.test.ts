// The placement probes on Apple Silicon and Intel Macs, and on Linux. macOS tools cannot run
// here, so `mount`, `tmutil`, `mdutil` and `fdesetup` are stand-ins (apps/agent/src/test-support/
// macos-bin) that reproduce the real tools' output and exit codes; the agent runs them as real
// processes through its command allowlist. On Linux the file system comes from the real
// /proc/self/mountinfo and the macOS probes say not-applicable.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlacementProbes } from "@cachefleet/contract";
import { standinCalls, standinRunner, tempDir, testProbeContext, type StandinOptions } from "../test-support/standins.js";
import { fileSystemKind, mountOf, parseMacMount, parseMountinfo, probePlacement } from "./placement.js";

let dir: string;
let home: string;
let gocache: string;
beforeAll(() => {
  dir = tempDir("placement");
  home = path.join(dir, "home");
  gocache = path.join(home, "Library", "Caches", "go-build");
  fs.mkdirSync(gocache, { recursive: true });
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function mac(options: Omit<StandinOptions, "dir"> = {}) {
  return testProbeContext({ dir, home, commands: standinRunner({ dir, ...options }), platform: "darwin" });
}

describe("placement on a Mac", () => {
  for (const profile of ["apple-silicon", "intel"] as const) {
    it(`${profile}: APFS, backed up by Time Machine, indexed by Spotlight, FileVault on`, async () => {
      const placement = await probePlacement(mac({ profile, mountRoot: dir }), gocache);
      expect(PlacementProbes.parse(placement)).toEqual(placement);
      expect(placement).toEqual({
        fileSystem: { status: "ok", type: "apfs", mountPoint: dir, kind: "local", removable: false },
        iCloud: { status: "ok", synced: false, syncedPlace: null },
        timeMachine: { status: "ok", excluded: false },
        spotlight: { status: "ok", volumeIndexed: true, pathExcluded: false },
        fileVault: { status: "ok", on: true, encryptionInProgress: false },
      });
      expect(standinCalls(dir)).toContainEqual(["mdutil", "-s", dir]);
      expect(standinCalls(dir)).toContainEqual(["tmutil", "isexcluded", gocache]);
    });
  }

  it("sees a network share, a FUSE mount and an external drive", async () => {
    expect((await probePlacement(mac({ mountRoot: dir, mountType: "smbfs" }), gocache)).fileSystem).toMatchObject({ type: "smbfs", kind: "network" });
    expect((await probePlacement(mac({ mountRoot: dir, mountType: "macfuse" }), gocache)).fileSystem).toMatchObject({ type: "macfuse", kind: "fuse" });
    // Without a mount of its own the temp folder lies on the sealed system volume "/".
    expect((await probePlacement(mac(), gocache)).fileSystem).toMatchObject({ type: "apfs", mountPoint: "/", kind: "local", removable: false });
  });

  it("reads Time Machine, Spotlight and FileVault as the tools report them", async () => {
    const placement = await probePlacement(mac({ timeMachine: "excluded", spotlight: "disabled", fileVault: "encrypting" }), gocache);
    expect(placement.timeMachine).toEqual({ status: "ok", excluded: true });
    expect(placement.spotlight).toEqual({ status: "ok", volumeIndexed: false, pathExcluded: false });
    expect(placement.fileVault).toEqual({ status: "ok", on: true, encryptionInProgress: true });
    expect((await probePlacement(mac({ fileVault: "off" }), gocache)).fileVault).toEqual({ status: "ok", on: false, encryptionInProgress: false });
  });

  it("sees a .noindex folder and a cache under iCloud Drive", async () => {
    const hidden = path.join(home, "caches.noindex", "go-build");
    fs.mkdirSync(hidden, { recursive: true });
    expect((await probePlacement(mac(), hidden)).spotlight).toEqual({ status: "ok", volumeIndexed: true, pathExcluded: true });
    const synced = path.join(home, "Library", "Mobile Documents", "com~apple~CloudDocs", "go-build");
    fs.mkdirSync(synced, { recursive: true });
    expect((await probePlacement(mac(), synced)).iCloud).toEqual({ status: "ok", synced: true, syncedPlace: path.join(home, "Library", "Mobile Documents") });
    // ~/Documents counts only when Desktop & Documents syncing put it into iCloud Drive.
    const documents = path.join(home, "Documents", "go-build");
    fs.mkdirSync(documents, { recursive: true });
    expect((await probePlacement(mac(), documents)).iCloud).toMatchObject({ synced: false });
    fs.mkdirSync(path.join(home, "Library", "Mobile Documents", "com~apple~CloudDocs", "Documents"));
    expect((await probePlacement(mac(), documents)).iCloud).toMatchObject({ synced: true, syncedPlace: path.join(home, "Documents") });
  });

  it("says what failed when a tool fails, and keeps the other answers", async () => {
    const missing = path.join(dir, "no-such-cache");
    const placement = await probePlacement(mac(), missing);
    expect(placement.timeMachine).toMatchObject({ status: "error", message: expect.stringContaining("tmutil isexcluded exited 1") });
    expect(placement.fileVault.status).toBe("ok");
  });
});

describe("placement on Linux", () => {
  it("reads the real mount table and says not-applicable for the macOS probes", async () => {
    const context = testProbeContext({ dir, home, commands: standinRunner({ dir }), platform: "linux" });
    const placement = await probePlacement(context, gocache);
    expect(placement.fileSystem.status).toBe("ok");
    if (placement.fileSystem.status === "ok") expect(gocache.startsWith(placement.fileSystem.mountPoint)).toBe(true);
    for (const name of ["iCloud", "timeMachine", "spotlight", "fileVault"] as const) expect(placement[name].status).toBe("not-applicable");
  });
});

describe("mount tables", () => {
  it("parses mountinfo (escaped spaces included) and macOS mount lines, and picks the longest mount", () => {
    const mounts = parseMountinfo(
      ["22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw", "40 22 0:35 / /mnt/my\\040share rw - cifs //nas/share rw,vers=3.0", "41 22 0:36 / /mnt/ssh rw - fuse.sshfs dev@host: rw"].join("\n"),
    );
    expect(mountOf("/mnt/my share/go-build", mounts)).toMatchObject({ mountPoint: "/mnt/my share", type: "cifs" });
    expect(mountOf("/home/dev/.cache/go-build", mounts)).toMatchObject({ mountPoint: "/", type: "ext4" });
    expect(fileSystemKind("cifs")).toBe("network");
    expect(fileSystemKind("fuse.sshfs")).toBe("fuse");
    expect(parseMacMount("/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)")).toEqual([
      { mountPoint: "/System/Volumes/Data", type: "apfs", options: ["local", "journaled", "nobrowse"] },
    ]);
  });
});
