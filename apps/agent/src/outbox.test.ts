// The durable outbox against a real local HTTP server speaking tRPC (testing/fake-dashboard.ts),
// stopped and started again to play a dashboard outage, and a fresh Outbox on the same file to
// play an agent restart.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentReport, CommandResult } from "@cachefleet/contract";
import { agentReport } from "@cachefleet/contract/testing";
import { Outbox, retryDelayMs } from "./outbox.js";
import { agentCalls, createServerClient } from "./server.js";
import { FakeDashboard, fieldOf } from "./testing/fake-dashboard.js";

let dir: string;
let dashboard: FakeDashboard;
const outboxes: Outbox[] = [];
const lines: string[] = [];

function openOutbox(): Outbox {
  const outbox = new Outbox(path.join(dir, "outbox.json"), agentCalls(createServerClient(dashboard.url, "t".repeat(40))), {
    log: (line) => lines.push(line),
    baseDelayMs: 100,
    maxDelayMs: 400,
    callTimeoutMs: 10_000,
  });
  outboxes.push(outbox);
  return outbox;
}

function result(commandId: string): CommandResult {
  return { commandId, status: "succeeded", error: null, failedStep: null, before: null, after: null, backupPath: null, prunedBackups: [], durationMs: 5 };
}

function report(id: string): AgentReport {
  return agentReport({ id });
}

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-outbox-"));
  dashboard = await new FakeDashboard().start();
  lines.length = 0;
});

afterEach(async () => {
  for (const outbox of outboxes.splice(0)) outbox.close();
  await dashboard.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the agent's outbox", () => {
  it("keeps progress and a result through an outage and a restart, then delivers each once, in order", async () => {
    await dashboard.stop();
    const before = openOutbox();
    before.addProgress({ commandId: "c1", step: "backup", status: "running", log: "copying\n" });
    before.addProgress({ commandId: "c1", step: "backup", status: "running", log: "still copying\n" });
    before.addProgress({ commandId: "c1", step: "backup", status: "succeeded", log: "verified\n" });
    before.addResult(result("c1"));
    await before.flush();
    expect(before.backingOff).toBe(true);
    expect(lines.join("\n")).toMatch(/dashboard unreachable .*kept, next try in/);
    // The agent stops (or is killed) before the dashboard comes back.
    before.close();

    await dashboard.start();
    const after = openOutbox();
    expect(after.pending).toEqual({ messages: 3, report: false });
    expect(after.holdsResultOf("c1")).toBe(true);
    await after.flush();

    expect(dashboard.resultsOf("c1")).toHaveLength(1);
    // Heartbeats of one step merge; the log arrives whole and in order.
    expect(dashboard.progressOf("c1").map((entry) => [fieldOf(entry, "status"), fieldOf(entry, "log")])).toEqual([
      ["running", "copying\nstill copying\n"],
      ["succeeded", "verified\n"],
    ]);
    expect(after.pending).toEqual({ messages: 0, report: false });
    await after.flush();
    expect(dashboard.results).toHaveLength(1);
  });

  it("retries by itself, with backoff, until the dashboard answers again", async () => {
    await dashboard.stop();
    const outbox = openOutbox();
    outbox.addResult(result("c2"));
    await outbox.flush();
    expect(dashboard.results).toHaveLength(0);
    await dashboard.start();
    // No further flush from the test: the retry timer delivers it.
    await until("the result to arrive", () => dashboard.results.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(dashboard.resultsOf("c2")).toHaveLength(1);
  });

  it("keeps only the newest undelivered report, and says when one was kept rather than delivered", async () => {
    await dashboard.stop();
    const outbox = openOutbox();
    expect((await outbox.sendReport(report("00000000-0000-4000-8000-000000000001"))).status).toBe("kept");
    expect((await outbox.sendReport(report("00000000-0000-4000-8000-000000000002"))).status).toBe("kept");
    outbox.close();
    await dashboard.start();
    const restarted = openOutbox();
    await restarted.flush();
    expect(dashboard.reports.map((sent) => fieldOf(sent, "id"))).toEqual(["00000000-0000-4000-8000-000000000002"]);
    expect(await restarted.sendReport(report("00000000-0000-4000-8000-000000000003"))).toEqual({ status: "delivered", health: "healthy", digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("drops a message the dashboard refuses, and delivers what follows it", async () => {
    dashboard.refuseProgress = true;
    const outbox = openOutbox();
    outbox.addProgress({ commandId: "c3", step: "scan", status: "running", log: "" });
    outbox.addResult(result("c3"));
    await outbox.flush();
    expect(dashboard.progress).toHaveLength(0);
    expect(dashboard.resultsOf("c3")).toHaveLength(1);
    expect(lines.join("\n")).toMatch(/refused progress of c3 .*dropped/);
  });

  it("sets aside an outbox file it cannot read instead of failing to start", () => {
    fs.writeFileSync(path.join(dir, "outbox.json"), "{ not json");
    const outbox = openOutbox();
    expect(outbox.pending).toEqual({ messages: 0, report: false });
    expect(fs.readdirSync(dir).some((name) => name.startsWith("outbox.json.unreadable-"))).toBe(true);
  });

  it("waits longer after each failure, with jitter, up to a ceiling", () => {
    expect(retryDelayMs(0, 1000, 60_000, () => 0)).toBe(500);
    expect(retryDelayMs(0, 1000, 60_000, () => 1)).toBe(1000);
    expect(retryDelayMs(3, 1000, 60_000, () => 0.5)).toBe(6000);
    expect(retryDelayMs(40, 1000, 60_000, () => 1)).toBe(60_000);
    expect(retryDelayMs(40, 1000, 60_000, () => 0)).toBe(30_000);
  });
});
