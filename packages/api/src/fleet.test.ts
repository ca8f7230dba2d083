// The fleet page's procedures through createCaller on real databases (SQLite, and PostgreSQL when
// reachable): machines enroll and report through the agent router, the page reads them back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentReport, CacheVerdict } from "@cachefleet/contract";
import { agentReport, notProbed } from "@cachefleet/contract/test-support";
import { createDatabase, createEnrollmentSecret, type Database } from "@cachefleet/db";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { createAccount } from "./accounts.js";
import { FleetFeed } from "./fleet-feed.js";
import { createCaller } from "./root.js";
import { createServices } from "./services.js";
import type { Context } from "./trpc.js";

interface Facts {
  hostname: string;
  username: string;
  goVersion: string;
  verdict: CacheVerdict;
  entries: number;
  keychain: boolean;
  rosetta: boolean;
  macos: string;
}

function report({ hostname, username, goVersion, verdict, entries, keychain, rosetta, macos }: Facts): AgentReport {
  const encrypted = verdict === "encrypted" ? entries : verdict === "mixed" ? 1 : 0;
  const plaintext = verdict === "empty" ? 0 : entries - encrypted;
  return agentReport({
    hostname, username, goVersions: [goVersion], verdict, plaintext, encrypted, entryBytes: 1000, keychain, rosetta, macosVersion: macos,
    probes: notProbed("permissions", "persistence", "tools", "versionDrift"),
  });
}

const fleet: Facts[] = [
  { hostname: "ana-mbp", username: "ana", goVersion: "go1.22.2", verdict: "encrypted", entries: 300, keychain: true, rosetta: false, macos: "15.1" },
  { hostname: "Ben-Studio", username: "ben", goVersion: "go1.21.9", verdict: "plaintext", entries: 120, keychain: false, rosetta: false, macos: "14.5" },
  { hostname: "cara-mini", username: "Cara", goVersion: "go1.22.2", verdict: "mixed", entries: 40, keychain: true, rosetta: true, macos: "14.5" },
  { hostname: "dev-box-7", username: "dan", goVersion: "go1.9", verdict: "plaintext", entries: 900, keychain: false, rosetta: false, macos: "13.6" },
  { hostname: "eli-air", username: "eli", goVersion: "go1.22.0", verdict: "empty", entries: 0, keychain: true, rosetta: false, macos: "15.1" },
];

const providers = await testedProviders();

describe.each(providers)("fleet procedures on %s", (provider) => {
  let database: TestDatabase;
  let viewer: Context;
  let anonymous: Context;
  const ids = new Map<string, string>();
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const services = createServices(database.db, { queuePollMs: 1000, auth: { provider } });
    anonymous = { ...services, user: null, agentToken: null };
    viewer = { ...anonymous, user: await createAccount(services.auth, { email: "viewer@example.com", name: "Viewer", password: "viewer-password", role: "viewer" }) };
    const secret = await createEnrollmentSecret(database.db, "fleet tests");
    for (const facts of fleet) {
      const reported = report(facts);
      const { machineId, token } = await createCaller(anonymous).agent.enroll({ secret, machine: reported.machine });
      await createCaller({ ...anonymous, agentToken: token }).agent.report(reported);
      ids.set(facts.hostname, machineId);
      tokens.set(facts.hostname, token);
    }
  });

  afterAll(async () => {
    await database?.drop();
  });

  const list = async (input: Parameters<ReturnType<typeof createCaller>["fleet"]["list"]>[0]) => createCaller(viewer).fleet.list(input);
  const hostnames = async (input: Parameters<typeof list>[0]) => (await list(input)).rows.map((row) => row.hostname);

  it("refuses the fleet without a session", async () => {
    await expect(createCaller(anonymous).fleet.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(createCaller(anonymous).fleet.goVersions()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(createCaller(anonymous).fleet.changes()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("lets a viewer read the first page, by hostname, with what each report said", async () => {
    const page = await createCaller(viewer).fleet.list();
    expect(page.rows.map((row) => row.hostname)).toEqual(["ana-mbp", "Ben-Studio", "cara-mini", "dev-box-7", "eli-air"]);
    expect(page).toMatchObject({ total: 5, page: 1, pageCount: 1, fleetEmpty: false, counts: { mixed: 1, plaintext: 2, encrypted: 1, empty: 1, unscanned: 0 } });
    expect(page.rows.find((row) => row.hostname === "cara-mini")).toMatchObject({
      id: ids.get("cara-mini"),
      username: "Cara",
      macosVersion: "14.5",
      rosetta: true,
      goVersions: ["go1.22.2"],
      cacheEntries: 40,
      cacheBytes: 40_000,
      cacheVerdict: "mixed",
      keychainKey: "present",
      health: "critical",
      online: true,
    });
    expect(typeof page.rows[0]?.lastSeenAt).toBe("string");
    expect(await createCaller(viewer).fleet.goVersions()).toEqual(["go1.22.2", "go1.22.0", "go1.21.9", "go1.9"]);
  });

  it("sorts by cache size both ways and by Go version in release order", async () => {
    expect(await hostnames({ sort: "cacheBytes" })).toEqual(["eli-air", "cara-mini", "Ben-Studio", "ana-mbp", "dev-box-7"]);
    expect(await hostnames({ sort: "cacheBytes", direction: "desc" })).toEqual(["dev-box-7", "ana-mbp", "Ben-Studio", "cara-mini", "eli-air"]);
    const byGo = await hostnames({ sort: "goVersion" });
    expect(byGo.slice(0, 3)).toEqual(["dev-box-7", "Ben-Studio", "eli-air"]);
    // ana-mbp and cara-mini share go1.22.2: their ids decide.
    expect(byGo.slice(3).sort()).toEqual(["ana-mbp", "cara-mini"]);
  });

  it("filters, searches and counts verdicts under the other filters", async () => {
    expect(await hostnames({ verdict: "plaintext" })).toEqual(["Ben-Studio", "dev-box-7"]);
    expect(await hostnames({ keychainKey: "missing" })).toEqual(["Ben-Studio", "dev-box-7"]);
    expect(await hostnames({ arch: "rosetta" })).toEqual(["cara-mini"]);
    expect(await hostnames({ goVersion: "go1.22" })).toEqual(["ana-mbp", "cara-mini", "eli-air"]);
    expect(await hostnames({ presence: "offline" })).toEqual([]);
    expect(await hostnames({ search: "CARA" })).toEqual(["cara-mini"]);
    expect(await hostnames({ search: "studio" })).toEqual(["Ben-Studio"]);
    expect(await hostnames({ search: "1.22.0" })).toEqual(["eli-air"]);
    const filtered = await list({ goVersion: "go1.22", verdict: "mixed" });
    expect(filtered.rows.map((row) => row.hostname)).toEqual(["cara-mini"]);
    expect(filtered.counts).toEqual({ mixed: 1, plaintext: 0, encrypted: 1, empty: 1, unscanned: 0 });
  });

  it("pages on the server", async () => {
    const first = await list({ pageSize: 2 });
    const third = await list({ pageSize: 2, page: 3 });
    expect(first).toMatchObject({ total: 5, page: 1, pageCount: 3 });
    expect(first.rows.map((row) => row.hostname)).toEqual(["ana-mbp", "Ben-Studio"]);
    expect(third.rows.map((row) => row.hostname)).toEqual(["eli-air"]);
  });

  it("refuses input the page never sends, with a clear error", async () => {
    await expect(list({ pageSize: 500 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // @ts-expect-error -- not a column of the page
    await expect(list({ sort: "tokenHash" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(list({ search: "x".repeat(101) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("tells a listening page when a report lands on this instance", async () => {
    const abort = new AbortController();
    const changes = (await createCaller(viewer, { signal: abort.signal }).fleet.changes())[Symbol.asyncIterator]();
    const next = changes.next();
    const token = tokens.get("dev-box-7") ?? "";
    await createCaller({ ...anonymous, agentToken: token }).agent.report(report({ ...fleet[3]!, verdict: "encrypted", entries: 5 }));
    expect((await next).done).toBe(false);
    expect((await hostnames({ verdict: "encrypted" })).sort()).toEqual(["ana-mbp", "dev-box-7"]);
    abort.abort();
    await changes.return?.(undefined);
  });

  it("notices a report that another dashboard instance recorded", async () => {
    // A second process's view of the same database, with its own feed looking every 50 ms.
    const other: Database = createDatabase(database.target);
    const lookErrors: unknown[] = [];
    const feed = new FleetFeed(other.db, { pollMs: 50, coalesceMs: 0 }, (error) => lookErrors.push(error));
    const abort = new AbortController();
    const changes = feed.changes(abort.signal);
    const next = changes.next();
    // The report must land after the feed has read how the fleet looked.
    await feed.watching();
    const token = tokens.get("eli-air") ?? "";
    await createCaller({ ...anonymous, agentToken: token }).agent.report(report({ ...fleet[4]!, verdict: "plaintext", entries: 3 }));
    expect((await next).done).toBe(false);
    abort.abort();
    await changes.return(undefined);
    await other.close();
    expect(lookErrors).toEqual([]);
  });
});
