// The operator's endpoints on real databases: liveness, readiness while the database is up, down
// and back, and the Prometheus scrape (read with a strict text-format parser) moving as agents
// report and commands queue.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentReport, claimMessage } from "@cachefleet/contract/test-support";
import { createDatabase, databaseTarget, enqueueCommand } from "@cachefleet/db";
import { checkoutLocations } from "@cachefleet/db/layout";
import { createTestDatabase, setPostgresConnectionsAllowed, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { createLogger } from "./logger.js";
import { healthResponse, metricsResponse, readyResponse } from "./operations.js";
import { createCaller } from "./root.js";
import { createServices } from "./services.js";
import { parsePrometheusText, sampleValue } from "./test-support/prometheus-text.js";
import { signedIn, type SignedIn } from "./test-support/signed-in.js";
import type { Services } from "./trpc.js";

const providers = await testedProviders();
const machine = { hostname: "ops-mac", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" };
const token = "metrics-token-0123456789abcdef";

function scrape(services: Services, authorization?: string): Promise<Response> {
  const headers = new Headers(authorization ? { authorization } : {});
  return metricsResponse(services, new Request("http://dashboard.test/api/metrics", { headers }), token);
}

async function metrics(services: Services) {
  const response = await scrape(services, `Bearer ${token}`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

describe.each(providers)("operations endpoints on %s", (provider) => {
  let database: TestDatabase;
  let accounts: SignedIn;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    accounts = await signedIn(database.db, { services: createServices(database.db, { queuePollMs: 50, logger: createLogger({ level: "silent" }) }) });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("answers liveness with a plain ok that names nothing", async () => {
    const response = healthResponse();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("is ready while the database answers, not ready while it is down, and ready again once it is back", async () => {
    const ready = await readyResponse(accounts.services);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });

    let restore: () => Promise<void>;
    if (database.target.provider === "sqlite") {
      // The data folder moved away under a running instance (its connection would go on
      // answering, from a file no one will find again).
      const file = database.target.file;
      fs.renameSync(file, `${file}.moved`);
      restore = async () => fs.renameSync(`${file}.moved`, file);
    } else {
      const target = database.target;
      await setPostgresConnectionsAllowed(target, false);
      restore = () => setPostgresConnectionsAllowed(target, true);
    }
    try {
      const down = await readyResponse(accounts.services);
      expect(down.status).toBe(503);
      const body: unknown = await down.json();
      expect(body).toMatchObject({ status: "not ready" });
      const text = JSON.stringify(body);
      expect(text).toMatch(provider === "sqlite" ? /missing/ : /did not answer/);
      expect(text).not.toMatch(/postgres(ql)?:\/\//);
    } finally {
      await restore();
    }
    const back = await readyResponse(accounts.services);
    expect(back.status).toBe(200);
  });

  it("serves no metrics without a configured token, and only to a request bearing that token", async () => {
    const services = accounts.services;
    expect((await metricsResponse(services, new Request("http://dashboard.test/api/metrics", { headers: { authorization: `Bearer ${token}` } }), undefined)).status).toBe(404);
    expect((await scrape(services)).status).toBe(401);
    expect((await scrape(services, `Bearer ${token}x`)).status).toBe(401);
    expect((await scrape(services, `Basic ${token}`)).status).toBe(401);
    expect((await scrape(services, `Bearer ${token}`)).status).toBe(200);
  });

  it("counts reports as they land, and shows the queue and the open command streams", async () => {
    const services = accounts.services;
    const before = await metrics(services);
    expect(sampleValue(before, "cachefleet_reports_received_total", { outcome: "stored" })).toBe(0);
    expect(sampleValue(before, "process_resident_memory_bytes")).toBeGreaterThan(0);

    const { machineId, token: agentToken } = await createCaller(accounts.anonymous()).agent.enroll({ secret: accounts.enrollmentSecret, machine });
    const agent = createCaller({ ...accounts.anonymous(), agentToken });
    const report = agentReport({ hostname: machine.hostname, plaintext: 3, encrypted: 0, entryBytes: 10 });
    await agent.agent.report(report);
    await agent.agent.report(report);
    const commandId = await enqueueCommand(database.db, machineId, { kind: "rescan", options: {} }, { createdById: null });

    const abort = new AbortController();
    const stream = (await createCaller({ ...accounts.anonymous(), agentToken }, { signal: abort.signal }).agent.commands())[Symbol.asyncIterator]();
    expect((await stream.next()).done).toBe(false);

    const after = await metrics(services);
    expect(sampleValue(after, "cachefleet_reports_received_total", { outcome: "stored" })).toBe(1);
    expect(sampleValue(after, "cachefleet_reports_received_total", { outcome: "duplicate" })).toBe(1);
    expect(sampleValue(after, "cachefleet_ingest_duration_seconds_count", { kind: "report" })).toBe(2);
    expect(sampleValue(after, "cachefleet_ingest_duration_seconds_bucket", { kind: "report", le: "+Inf" })).toBe(2);
    expect(sampleValue(after, "cachefleet_command_streams_open")).toBe(1);
    expect(sampleValue(after, "cachefleet_queue_pending_commands")).toBe(1);
    expect(sampleValue(after, "cachefleet_queue_oldest_pending_age_seconds")).toBeGreaterThanOrEqual(0);
    expect(sampleValue(after, "cachefleet_commands", { kind: "rescan", status: "pending" })).toBe(1);

    abort.abort();
    await stream.return?.(undefined);
    expect((await agent.agent.claim(claimMessage(commandId))).claimed).toBe(true);
    services.metrics.signInFailed();
    services.metrics.heartbeatReceived(0.002);
    services.metrics.retentionDeleted("Report", 40);
    services.metrics.retentionRunFinished("succeeded", new Date(1_700_000_000_000));
    const last = await metrics(services);
    expect(sampleValue(last, "cachefleet_command_streams_open")).toBe(0);
    expect(sampleValue(last, "cachefleet_queue_pending_commands")).toBe(0);
    expect(sampleValue(last, "cachefleet_commands", { kind: "rescan", status: "pending" })).toBe(0);
    expect(sampleValue(last, "cachefleet_commands", { kind: "rescan", status: "running" })).toBe(1);
    expect(sampleValue(last, "cachefleet_sign_in_failures_total")).toBe(1);
    expect(sampleValue(last, "cachefleet_heartbeats_received_total")).toBe(1);
    expect(sampleValue(last, "cachefleet_retention_rows_deleted_total", { table: "Report" })).toBe(40);
    expect(sampleValue(last, "cachefleet_retention_last_success_timestamp_seconds")).toBe(1_700_000_000);
  });
});

describe("readiness of a database the migrations never ran on", () => {
  it("is not ready, and says to run the migrations", async () => {
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? "/tmp", "cachefleet-unmigrated-"));
    // An empty file is an empty SQLite database.
    fs.writeFileSync(path.join(dir, "empty.db"), "");
    const database = createDatabase(databaseTarget(`file:${path.join(dir, "empty.db")}`, checkoutLocations(dir)));
    try {
      const response = await readyResponse({ db: database.db, logger: createLogger({ level: "silent" }) });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: "not ready", reason: expect.stringMatching(/run the migrations/) });
    } finally {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
