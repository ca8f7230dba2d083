// The agent's memory of Go versions per cache: pure bookkeeping, the 0600 state file, and the
// version drift probe on a real cache that Go 1.21 filled and Go 1.22 then used.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanCache } from "@cachefleet/gocache";
import { assessDrift, emptyState, loadState, recordClean, recordScan, saveState, statePath } from "./agent-state.js";
import { createCommandRunner, createGoRunner, readGoEnv } from "./commands.js";
import { probeVersionDrift } from "./probes/version-drift.js";
import { go121, go122, haveRealGo, isolatedGoEnv, tempDir } from "./test-support/standins.js";

let dir: string;

beforeAll(() => {
  dir = tempDir("agent-state");
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const at = (iso: string) => new Date(iso);

describe("version history", () => {
  it("starts a new run whenever the version changes and extends it otherwise", () => {
    let state = recordScan(emptyState(), "/c", "go1.21.9", at("2024-01-01T00:00:00Z"));
    state = recordScan(state, "/c", "go1.21.9", at("2024-01-02T00:00:00Z"));
    state = recordScan(state, "/c", "go1.22.0", at("2024-01-03T00:00:00Z"));
    expect(state.caches["/c"]?.versions).toEqual([
      { version: "go1.21.9", firstSeenAt: "2024-01-01T00:00:00.000Z", lastSeenAt: "2024-01-02T00:00:00.000Z" },
      { version: "go1.22.0", firstSeenAt: "2024-01-03T00:00:00.000Z", lastSeenAt: "2024-01-03T00:00:00.000Z" },
    ]);
    const drift = assessDrift(state.caches["/c"], "2023-12-31T00:00:00.000Z");
    expect(drift).toMatchObject({ currentVersion: "go1.22.0", previousVersion: "go1.21.9", sharedAcrossVersions: true });
    // Entries newer than the change were written by the new version.
    expect(assessDrift(state.caches["/c"], "2024-01-03T00:00:01.000Z")?.sharedAcrossVersions).toBe(false);
    // A clean after the old version was last seen removed its entries.
    expect(assessDrift(recordClean(state, "/c", at("2024-01-02T12:00:00Z")).caches["/c"], "2023-12-31T00:00:00.000Z")?.sharedAcrossVersions).toBe(false);
    // A clean before that was followed by the old version refilling the cache.
    expect(assessDrift(recordClean(state, "/c", at("2024-01-01T12:00:00Z")).caches["/c"], "2023-12-31T00:00:00.000Z")?.sharedAcrossVersions).toBe(true);
  });

  it("keeps caches apart and bounded", () => {
    let state = emptyState();
    for (let i = 0; i < 40; i++) state = recordScan(state, `/cache-${i}`, "go1.22.0", new Date(Date.UTC(2024, 0, 1, 0, i)));
    expect(Object.keys(state.caches)).toHaveLength(32);
    expect(state.caches["/cache-39"]).toBeDefined();
    expect(state.caches["/cache-0"]).toBeUndefined();
    for (let i = 0; i < 40; i++) state = recordScan(state, "/c", i % 2 === 0 ? "go1.21.0" : "go1.22.0", new Date(Date.UTC(2024, 1, 1, 0, i)));
    expect(state.caches["/c"]?.versions).toHaveLength(16);
  });

  it("saves atomically with mode 0600 and replaces a damaged file", () => {
    const file = statePath(path.join(dir, "home-a"));
    const state = recordScan(emptyState(), "/c", "go1.22.0", at("2024-01-01T00:00:00Z"));
    saveState(file, state);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadState(file)).toEqual(state);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["state.json"]);
    fs.writeFileSync(file, "{ not json");
    expect(loadState(file)).toEqual(emptyState());
    fs.writeFileSync(file, JSON.stringify({ version: 7 }));
    expect(loadState(file)).toEqual(emptyState());
  });
});

describe.skipIf(!haveRealGo)("version drift on a real cache", () => {
  async function scanWith(go: string, gocacheDir: string, stateFile: string, now: Date) {
    const commands = createCommandRunner({ toolPath: [], env: isolatedGoEnv(gocacheDir) });
    const env = await readGoEnv(createGoRunner(go, commands));
    return probeVersionDrift(env, { status: "ok", summary: scanCache(env.GOCACHE) }, stateFile, now);
  }

  function buildWith(go: string, work: string): void {
    const module = path.join(work, "hello");
    fs.mkdirSync(module, { recursive: true });
    fs.writeFileSync(path.join(module, "go.mod"), "module example.com/hello\n\ngo 1.21\n");
    fs.writeFileSync(path.join(module, "main.go"), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n');
    execFileSync(go, ["build", "-o", path.join(work, "hello-bin"), "."], { cwd: module, env: { ...process.env, ...isolatedGoEnv(work) }, stdio: "pipe" });
  }

  it("go1.21 then go1.22 with the 1.21 entries still there: shared across versions", async () => {
    const work = path.join(dir, "shared");
    buildWith(go121, work);
    const stateFile = statePath(path.join(work, "agent-home"));
    // The scans happen "later" than the build, as on a real machine.
    const first = await scanWith(go121, work, stateFile, new Date(Date.now() + 60_000));
    expect(first).toMatchObject({ status: "ok", currentVersion: "go1.21.13", previousVersion: null, sharedAcrossVersions: false });
    const second = await scanWith(go122, work, stateFile, new Date(Date.now() + 120_000));
    expect(second).toMatchObject({
      status: "ok",
      gocache: path.join(work, "go-build"),
      currentVersion: "go1.22.12",
      previousVersion: "go1.21.13",
      lastCleanAt: null,
      sharedAcrossVersions: true,
    });
  });

  it("a clean recorded in between means not shared", async () => {
    const work = path.join(dir, "cleaned");
    buildWith(go121, work);
    const stateFile = statePath(path.join(work, "agent-home"));
    await scanWith(go121, work, stateFile, new Date(Date.now() + 60_000));
    saveState(stateFile, recordClean(loadState(stateFile), path.join(work, "go-build"), new Date(Date.now() + 90_000)));
    const after = await scanWith(go122, work, stateFile, new Date(Date.now() + 120_000));
    expect(after).toMatchObject({ status: "ok", previousVersion: "go1.21.13", sharedAcrossVersions: false });
    if (after.status === "ok") expect(after.lastCleanAt).not.toBeNull();
  });
});
