// The machines and audit routers through createCaller on real databases (SQLite, and PostgreSQL
// when reachable): a machine's detail and history, the audit's counts and lists, and who may ask.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentReport } from "@cachefleet/contract";
import { agentReport, notProbed } from "@cachefleet/contract/test-support";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import type { createServices } from "./services.js";
import { signedIn } from "./test-support/signed-in.js";
import { createCaller } from "./root.js";
import type { Context } from "./trpc.js";

const identity = { hostname: "audit-mac", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" };

/** A report whose cache holds `plaintext` entries, and 5 encrypted ones when mixed; no key in the Keychain. */
function report(verdict: "plaintext" | "mixed", plaintext: number, takenAt: Date): AgentReport {
  return agentReport({
    hostname: identity.hostname, takenAt, verdict, plaintext, encrypted: verdict === "mixed" ? 5 : 0, entryBytes: 1000, keychain: false, macosVersion: null,
    probes: notProbed("permissions", "persistence", "tools", "versionDrift"),
  });
}

const providers = await testedProviders();

describe.each(providers)("machines and audit routers on %s", (provider) => {
  let database: TestDatabase;
  let secret: string;
  let adminContext: Context;
  let viewerContext: Context;
  let services: ReturnType<typeof createServices>;
  const anonymous = (): Context => ({ ...services, user: null, agentToken: null });

  async function enrollAndReport(hostname: string, reports: AgentReport[]): Promise<string> {
    const { machineId, token } = await createCaller(anonymous()).agent.enroll({ secret, machine: { ...identity, hostname } });
    const agent = createCaller({ ...anonymous(), agentToken: token }).agent;
    for (const sent of reports) await agent.report({ ...sent, machine: { ...sent.machine, hostname } });
    return machineId;
  }

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const accounts = await signedIn(database.db);
    services = accounts.services;
    secret = accounts.enrollmentSecret;
    adminContext = accounts.admin;
    viewerContext = accounts.viewer;
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("shows the name a machine goes by apart from the hostname its OS reports, from enrollment and from each report", async () => {
    const named = { ...identity, hostname: "dara-mbp", osHostname: "Daras-MacBook-Pro.local" };
    const { machineId, token } = await createCaller(anonymous()).agent.enroll({ secret, machine: named });
    const viewer = createCaller(viewerContext).machines;
    expect(await viewer.detail({ machineId })).toMatchObject({ hostname: "dara-mbp", osHostname: "Daras-MacBook-Pro.local", latestReport: null });
    await createCaller({ ...anonymous(), agentToken: token }).agent.report(agentReport({ hostname: "dara-mbp", osHostname: "dara-studio.local" }));
    const detail = await viewer.detail({ machineId });
    expect(detail).toMatchObject({ hostname: "dara-mbp", osHostname: "dara-studio.local" });
    expect(detail.latestReport?.machine).toMatchObject({ hostname: "dara-mbp", osHostname: "dara-studio.local" });
    // An agent from before the OS hostname: the detail says it is not known rather than guessing.
    const older = await enrollAndReport("older-agent-mac", [agentReport({ osHostname: null })]);
    expect(await viewer.detail({ machineId: older })).toMatchObject({ hostname: "older-agent-mac", osHostname: null });
  });

  it("shows a viewer the machine's findings under the team policy, most severe first, and its history", async () => {
    const start = Date.parse("2026-11-20T00:00:00Z");
    const machineId = await enrollAndReport("detail-mac", [
      report("plaintext", 100, new Date(start)),
      report("plaintext", 150, new Date(start + 60_000)),
      report("mixed", 200, new Date(start + 120_000)),
    ]);
    const viewer = createCaller(viewerContext).machines;
    const detail = await viewer.detail({ machineId });
    expect(detail).toMatchObject({ hostname: "detail-mac", cacheVerdict: "mixed", online: true, policy: { requireEncryption: true, requireEncryptedFromGo: "1.22" } });
    expect(detail.findings.map((finding) => [finding.rule, finding.severity])).toEqual([["mixed-cache", "critical"], ["keychain-missing", "critical"], ["go-too-old-for-encryption", "warning"]]);
    expect(detail.findings.every((finding) => finding.action.length > 0)).toBe(true);
    expect(detail.latestReport?.scan.status).toBe("ok");

    const history = await viewer.history({ machineId });
    expect(history.map((point) => [point.takenAt, point.cacheEntries, point.plaintextEntries, point.encryptedEntries])).toEqual([
      ["2026-11-20T00:00:00.000Z", 100, 100, 0],
      ["2026-11-20T00:01:00.000Z", 150, 150, 0],
      ["2026-11-20T00:02:00.000Z", 205, 200, 5],
    ]);
    expect(await viewer.history({ machineId, maxPoints: 2 })).toHaveLength(2);

    await expect(viewer.detail({ machineId: "no-such-machine" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(viewer.detail({ machineId: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(viewer.history({ machineId, maxPoints: 100_000 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("evaluates findings with the team's current policy", async () => {
    const machineId = await enrollAndReport("policy-mac", [report("plaintext", 10, new Date())]);
    const viewer = createCaller(viewerContext).machines;
    expect((await viewer.detail({ machineId })).findings.map((finding) => finding.rule)).toEqual(["keychain-missing", "plaintext-cache", "go-too-old-for-encryption"]);
    await database.db.policy.update({ where: { id: "team" }, data: { requireEncryption: false } });
    try {
      expect((await viewer.detail({ machineId })).findings).toEqual([]);
    } finally {
      await database.db.policy.update({ where: { id: "team" }, data: { requireEncryption: true } });
    }
  });

  it("counts and lists machines per audit check for a viewer, who cannot push; an admin pushes to a check's machines", async () => {
    const plain = await enrollAndReport("audit-plain", [report("plaintext", 10, new Date())]);
    const mixed = await enrollAndReport("audit-mixed", [report("mixed", 10, new Date())]);
    const audit = createCaller(viewerContext).audit;
    const summary = await audit.summary();
    const count = (check: string) => summary.find((row) => row.check === check)?.count;
    expect(summary.map((row) => row.check)).toEqual(["plaintext", "mixed", "keychain-missing", "shared-across-versions", "rosetta", "permissions", "env-not-persisted", "key-rotation-due", "low-hit-rate", "stale-trim", "network-fs", "icloud", "time-machine", "spotlight", "filevault"]);
    expect(count("mixed")).toBeGreaterThanOrEqual(2);
    expect(count("rosetta")).toBe(0);

    const plaintext = await audit.machines({ check: "plaintext" });
    expect(plaintext.rows.map((row) => row.id)).toContain(plain);
    expect(plaintext.rows.map((row) => row.id)).not.toContain(mixed);
    expect(plaintext.rows.find((row) => row.id === plain)).toMatchObject({ hostname: "audit-plain", username: "dev", goVersion: "go1.22.2", cacheVerdict: "plaintext" });
    expect(plaintext.total).toBe(plaintext.rows.length);
    const any = await audit.machines({ check: null, pageSize: 1 });
    expect(any.rows).toHaveLength(1);
    expect(any.total).toBeGreaterThanOrEqual(count("keychain-missing") ?? 0);
    await expect(audit.machines({ check: "no-such-check" as never })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const push = { target: { type: "failing-rule" as const, rule: "mixed-cache" }, spec: { kind: "migrate" as const, options: { backup: true } } };
    await expect(createCaller(viewerContext).commands.push(push)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const batch = await createCaller(adminContext).commands.push(push);
    const pushed = await createCaller(viewerContext).commands.batch({ batchId: batch.batchId });
    expect(pushed.commands.map((command) => command.machineId)).toContain(mixed);
    expect(pushed.commands.map((command) => command.machineId)).not.toContain(plain);
    expect((await createCaller(viewerContext).machines.detail({ machineId: mixed })).commands[0]).toMatchObject({ kind: "migrate", status: "pending", batchId: batch.batchId });
  });

  it("refuses every read without a session", async () => {
    const caller = createCaller(anonymous());
    await expect(caller.machines.detail({ machineId: "x" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(caller.machines.history({ machineId: "x" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(caller.audit.summary()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(caller.audit.machines({ check: "plaintext" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
