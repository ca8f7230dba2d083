// The durable outbox against a real local HTTP server speaking tRPC (test-support/fake-dashboard.ts),
// stopped and started again to play a dashboard outage, and a fresh Outbox on the same file to
// play an agent restart.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentReport, CommandResult } from "@cachefleet/contract";
import { agentReport } from "@cachefleet/contract/test-support";
import { Outbox, retryDelayMs } from "./outbox.js";
import { agentCalls, createServerClient } from "./server.js";
import { FakeDashboard, fieldOf } from "./test-support/fake-dashboard.js";

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

function command(id: string) {
  return { id, spec: { kind: "rescan", options: {} }, timeoutSeconds: 600, createdAt: "2026-12-01T12:00:00.000Z" };
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

  it("delivers each claim, progress and result exactly once, in order, when the dashboard applies them but their answers are lost", async () => {
    dashboard.push(command("c10"));
    dashboard.dropAnswers.set("claim", 1).set("progress", 2).set("result", 1);
    const outbox = openOutbox();
    expect(await outbox.claim("c10", new AbortController().signal)).toEqual({ claimed: true, command: command("c10") });
    outbox.addProgress({ commandId: "c10", step: "backup", status: "running", log: "copying\n" });
    await outbox.flush();
    // Sent once and unanswered: later lines go in a message of their own, never into that one.
    outbox.addProgress({ commandId: "c10", step: "backup", status: "running", log: "still copying\n" });
    outbox.addProgress({ commandId: "c10", step: "backup", status: "succeeded", log: "verified\n" });
    outbox.addResult(result("c10"));
    await until("everything to be answered", () => outbox.pending.messages === 0 && !outbox.backingOff);

    expect(dashboard.claims).toEqual(["c10"]);
    expect(dashboard.progressOf("c10").map((entry) => [fieldOf(entry, "sequence"), fieldOf(entry, "log")])).toEqual([
      [1, "copying\n"],
      [2, "still copying\n"],
      [3, "verified\n"],
    ]);
    expect(dashboard.resultsOf("c10")).toHaveLength(1);
    // Four answers were lost, so four messages arrived twice, each time under its first id.
    const ids = dashboard.deliveries;
    expect(ids).toHaveLength(5 + 4);
    expect(new Set(ids).size).toBe(5);
  });

  it("claims again after a restart with the claim's id, and learns from the answer which command it had claimed", async () => {
    dashboard.push(command("c11"));
    // Every answer lost until the agent stops.
    dashboard.dropAnswers.set("claim", Number.MAX_SAFE_INTEGER);
    await dashboard.stop();
    const before = openOutbox();
    const stopping = new AbortController();
    const claiming = before.claim("c11", stopping.signal);
    await dashboard.start();
    await until("the claim to be applied", () => dashboard.claims.length === 1);
    // The agent stops before it hears the answer.
    stopping.abort();
    expect(await claiming).toEqual({ claimed: false, command: null });
    before.close();
    dashboard.dropAnswers.clear();

    const after = openOutbox();
    expect(after.unsettledClaims).toEqual(["c11"]);
    expect(await after.claim("c11", new AbortController().signal)).toEqual({ claimed: true, command: command("c11") });
    expect(dashboard.claims).toEqual(["c11"]);
    expect(new Set(dashboard.deliveries).size).toBe(1);
    expect(dashboard.deliveries.length).toBeGreaterThanOrEqual(2);
    // Once the command has started, a later restart does not claim it again.
    after.settleClaim("c11");
    after.close();
    expect(openOutbox().unsettledClaims).toEqual([]);
  });

  it("reads an outbox file written before messages had ids, giving each one", async () => {
    const progress = { commandId: "c12", step: "scan", status: "succeeded", log: "scanned\n" };
    fs.writeFileSync(path.join(dir, "outbox.json"), JSON.stringify({ version: 1, messages: [{ kind: "progress", progress }, { kind: "result", result: result("c12") }], report: null }));
    const outbox = openOutbox();
    expect(outbox.pending).toEqual({ messages: 2, report: false });
    await outbox.flush();
    expect(dashboard.progressOf("c12").map((entry) => [fieldOf(entry, "sequence"), fieldOf(entry, "log")])).toEqual([[1, "scanned\n"]]);
    expect(dashboard.resultsOf("c12")).toHaveLength(1);
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
