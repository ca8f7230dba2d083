// The remediation planner with a simulated clock: maintenance windows in several time zones, the
// concurrency cap, retries with backoff, giving up, fixed-then-failing-again, and pause.
import { describe, expect, it } from "vitest";
import {
  inWindow,
  localMinuteOfDay,
  planRemediations,
  type RemediationBinding,
  type RemediationMachine,
  type RemediationMachineState,
} from "./remediation.js";

const at = (iso: string) => new Date(iso);

/** mixed-cache → migrate, 01:00–05:00 local, two at a time, three attempts, 15 min base. */
const nightly: RemediationBinding = { id: "r1", rule: "mixed-cache", windowStart: 60, windowEnd: 300, maxConcurrent: 2, maxAttempts: 3, retryBaseMinutes: 15, paused: false };

function mac(id: string, timeZone: string | null, overrides: Partial<RemediationMachine> = {}): RemediationMachine {
  return { id, timeZone, online: true, failingRules: ["mixed-cache"], reportedAt: at("2026-12-01T00:00:00Z"), ...overrides };
}

function state(machineId: string, overrides: Partial<RemediationMachineState>): RemediationMachineState {
  return { remediationId: "r1", machineId, status: "pending", attempts: 0, nextAttemptAt: null, updatedAt: at("2026-12-01T00:00:00Z"), command: null, commandError: null, commandFinishedAt: null, ...overrides };
}

const started = (plan: ReturnType<typeof planRemediations>) => plan.actions.filter((action) => action.type === "start").map((action) => action.machineId);

describe("maintenance windows in local time", () => {
  it("reads the local minute of the day in each time zone", () => {
    const now = at("2026-12-01T02:30:00Z");
    expect(localMinuteOfDay(now, "UTC")).toBe(150);
    expect(localMinuteOfDay(now, "Europe/Paris")).toBe(210); // UTC+1 in December
    expect(localMinuteOfDay(now, "America/New_York")).toBe(21 * 60 + 30); // UTC−5, the day before
    expect(localMinuteOfDay(now, "Asia/Kolkata")).toBe(8 * 60); // UTC+5:30
  });

  it("handles windows that span midnight and all-day windows", () => {
    expect(inWindow(23 * 60, 22 * 60, 6 * 60)).toBe(true);
    expect(inWindow(3 * 60, 22 * 60, 6 * 60)).toBe(true);
    expect(inWindow(12 * 60, 22 * 60, 6 * 60)).toBe(false);
    expect(inWindow(12 * 60, 0, 0)).toBe(true);
    expect(inWindow(5 * 60, 60, 300)).toBe(false);
  });

  it("acts only on the machines whose local clock is inside the window", () => {
    const machines = [mac("paris", "Europe/Paris"), mac("new-york", "America/New_York"), mac("tokyo", "Asia/Tokyo"), mac("unknown", null)];
    // 02:30 UTC: 03:30 in Paris (inside), 21:30 in New York, 11:30 in Tokyo.
    const plan = planRemediations({ bindings: [nightly], machines, states: [], now: at("2026-12-01T02:30:00Z") });
    expect(started(plan)).toEqual(["paris"]);
    expect(plan.waiting).toEqual(
      expect.arrayContaining([
        { remediationId: "r1", machineId: "new-york", reason: "outside its window" },
        { remediationId: "r1", machineId: "tokyo", reason: "outside its window" },
        { remediationId: "r1", machineId: "unknown", reason: "no time zone reported" },
      ]),
    );
    // Seven hours later it is 04:30 in New York.
    expect(started(planRemediations({ bindings: [nightly], machines, states: [], now: at("2026-12-01T09:30:00Z") }))).toEqual(["new-york"]);
  });

  it("queues every failing machine, in or out of its window, and skips those passing or offline", () => {
    const machines = [mac("a", "UTC"), mac("b", "UTC", { failingRules: ["plaintext-cache"] }), mac("c", "UTC", { online: false })];
    const plan = planRemediations({ bindings: [nightly], machines, states: [], now: at("2026-12-01T02:00:00Z") });
    expect(plan.actions.filter((action) => action.type === "queue").map((action) => action.machineId)).toEqual(["a", "c"]);
    expect(started(plan)).toEqual(["a"]);
    expect(plan.waiting).toContainEqual({ remediationId: "r1", machineId: "c", reason: "offline" });
  });
});

describe("the concurrency cap", () => {
  it("starts at most N at once, counting those still running", () => {
    const machines = ["m1", "m2", "m3", "m4"].map((id) => mac(id, "UTC"));
    const now = at("2026-12-01T02:00:00Z");
    expect(started(planRemediations({ bindings: [nightly], machines, states: [], now }))).toEqual(["m1", "m2"]);
    const states = [state("m1", { status: "running", attempts: 1, command: "running" }), state("m2", {}), state("m3", {}), state("m4", {})];
    const plan = planRemediations({ bindings: [nightly], machines, states, now });
    expect(started(plan)).toEqual(["m2"]);
    expect(plan.waiting.filter((wait) => wait.reason === "at the concurrency limit").map((wait) => wait.machineId)).toEqual(["m3", "m4"]);
  });

  it("never runs two remediations on one machine at once", () => {
    const other: RemediationBinding = { ...nightly, id: "r2", rule: "plaintext-cache" };
    const machines = [mac("m1", "UTC", { failingRules: ["mixed-cache", "plaintext-cache"] })];
    const plan = planRemediations({ bindings: [nightly, other], machines, states: [], now: at("2026-12-01T02:00:00Z") });
    expect(plan.actions.filter((action) => action.type === "start")).toEqual([{ type: "start", remediationId: "r1", machineId: "m1", attempt: 1 }]);
    expect(plan.waiting).toContainEqual({ remediationId: "r2", machineId: "m1", reason: "busy with another remediation" });
  });
});

describe("retries", () => {
  const now = at("2026-12-01T02:00:00Z");
  const machines = [mac("m1", "UTC")];

  it("retries a failed command after a delay that doubles with each attempt", () => {
    const first = planRemediations({ bindings: [nightly], machines, states: [state("m1", { status: "running", attempts: 1, command: "failed", commandError: "disk full" })], now });
    expect(first.actions).toEqual([{ type: "retry", remediationId: "r1", machineId: "m1", attempts: 1, retryAt: at("2026-12-01T02:15:00Z"), error: "disk full" }]);
    const second = planRemediations({ bindings: [nightly], machines, states: [state("m1", { status: "running", attempts: 2, command: "failed", commandError: "disk full" })], now });
    expect(second.actions[0]).toMatchObject({ type: "retry", retryAt: at("2026-12-01T02:30:00Z") });
  });

  it("waits until the retry is due, then starts the next attempt", () => {
    const waitingState = state("m1", { attempts: 1, nextAttemptAt: at("2026-12-01T02:15:00Z") });
    expect(planRemediations({ bindings: [nightly], machines, states: [waitingState], now }).waiting).toEqual([{ remediationId: "r1", machineId: "m1", reason: "waiting to retry" }]);
    const later = planRemediations({ bindings: [nightly], machines, states: [waitingState], now: at("2026-12-01T02:15:00Z") });
    expect(later.actions).toEqual([{ type: "start", remediationId: "r1", machineId: "m1", attempt: 2 }]);
  });

  it("gives up after the last attempt and leaves a machine that keeps failing alone", () => {
    const last = planRemediations({ bindings: [nightly], machines, states: [state("m1", { status: "running", attempts: 3, command: "failed", commandError: "verify failed" })], now });
    expect(last.actions).toEqual([{ type: "give-up", remediationId: "r1", machineId: "m1", attempts: 3, error: "verify failed" }]);
    const after = planRemediations({ bindings: [nightly], machines, states: [state("m1", { status: "failed", attempts: 3 })], now: at("2026-12-02T02:00:00Z") });
    expect(after.actions).toEqual([]);
  });

  it("counts a command that was lost as a failed attempt", () => {
    const plan = planRemediations({ bindings: [nightly], machines, states: [state("m1", { status: "running", attempts: 1, command: "missing" })], now });
    expect(plan.actions[0]).toMatchObject({ type: "retry", error: "The command was lost before it ran." });
  });
});

describe("fixed, and failing again", () => {
  const now = at("2026-12-01T02:00:00Z");

  const succeeded = state("m1", { status: "running", attempts: 1, command: "succeeded", commandFinishedAt: at("2026-12-01T01:50:00Z") });

  it("marks a machine fixed when its command succeeds and its next report passes the rule", () => {
    const machines = [mac("m1", "UTC", { failingRules: [], reportedAt: at("2026-12-01T01:51:00Z") })];
    const plan = planRemediations({ bindings: [nightly], machines, states: [succeeded], now });
    expect(plan.actions).toEqual([{ type: "fixed", remediationId: "r1", machineId: "m1", by: "command" }]);
  });

  it("waits for a report after the command, holding the slot, and trusts the command after half an hour without one", () => {
    const machines = [mac("m1", "UTC", { reportedAt: at("2026-12-01T01:00:00Z") }), mac("m2", "UTC"), mac("m3", "UTC")];
    const waiting = planRemediations({ bindings: [nightly], machines, states: [succeeded], now });
    expect(waiting.actions.filter((action) => action.machineId === "m1")).toEqual([]);
    expect(started(waiting)).toEqual(["m2"]); // m1 still holds one of the two slots
    const late = planRemediations({ bindings: [nightly], machines, states: [succeeded], now: at("2026-12-01T02:20:00Z") });
    expect(late.actions[0]).toEqual({ type: "fixed", remediationId: "r1", machineId: "m1", by: "command" });
  });

  it("counts a command that succeeded without fixing the rule as a failed attempt", () => {
    const machines = [mac("m1", "UTC", { reportedAt: at("2026-12-01T01:51:00Z") })];
    const plan = planRemediations({ bindings: [nightly], machines, states: [succeeded], now });
    expect(plan.actions).toEqual([
      { type: "retry", remediationId: "r1", machineId: "m1", attempts: 1, retryAt: at("2026-12-01T02:15:00Z"), error: "The command succeeded but the machine still fails mixed-cache." },
    ]);
  });

  it("does not act again on the report from before the fix", () => {
    const fixed = state("m1", { status: "fixed", attempts: 1, updatedAt: at("2026-12-01T01:30:00Z") });
    const plan = planRemediations({ bindings: [nightly], machines: [mac("m1", "UTC", { reportedAt: at("2026-12-01T01:00:00Z") })], states: [fixed], now });
    expect(plan.actions).toEqual([]);
  });

  it("acts again, with fresh attempts, when a report after the fix fails the rule again", () => {
    const fixed = state("m1", { status: "fixed", attempts: 2, updatedAt: at("2026-12-01T01:30:00Z") });
    const plan = planRemediations({ bindings: [nightly], machines: [mac("m1", "UTC", { reportedAt: at("2026-12-01T01:45:00Z") })], states: [fixed], now });
    expect(plan.actions).toEqual([
      { type: "queue", remediationId: "r1", machineId: "m1" },
      { type: "start", remediationId: "r1", machineId: "m1", attempt: 1 },
    ]);
  });

  it("marks a waiting or given-up machine fixed once a new report passes the rule", () => {
    const machines = [mac("m1", "UTC", { failingRules: [], reportedAt: at("2026-12-01T01:45:00Z") }), mac("m2", "UTC", { failingRules: [], reportedAt: at("2026-12-01T01:45:00Z") })];
    const states = [state("m1", { status: "failed", attempts: 3, updatedAt: at("2026-12-01T01:00:00Z") }), state("m2", { attempts: 1, updatedAt: at("2026-12-01T01:00:00Z") })];
    const plan = planRemediations({ bindings: [nightly], machines, states, now });
    expect(plan.actions).toEqual([
      { type: "fixed", remediationId: "r1", machineId: "m1", by: "report" },
      { type: "fixed", remediationId: "r1", machineId: "m2", by: "report" },
    ]);
  });
});

describe("pause", () => {
  it("starts nothing while paused, but still records how running commands ended", () => {
    const paused = { ...nightly, paused: true };
    const machines = [mac("m1", "UTC", { failingRules: [], reportedAt: at("2026-12-01T01:51:00Z") }), mac("m2", "UTC")];
    const states = [state("m1", { status: "running", attempts: 1, command: "succeeded", commandFinishedAt: at("2026-12-01T01:50:00Z") })];
    const plan = planRemediations({ bindings: [paused], machines, states, now: at("2026-12-01T02:00:00Z") });
    expect(plan.actions).toEqual([
      { type: "fixed", remediationId: "r1", machineId: "m1", by: "command" },
      { type: "queue", remediationId: "r1", machineId: "m2" },
    ]);
    expect(plan.waiting).toEqual([{ remediationId: "r1", machineId: "m2", reason: "paused" }]);
    // Resumed: it starts.
    expect(started(planRemediations({ bindings: [nightly], machines: [mac("m2", "UTC")], states: [state("m2", {})], now: at("2026-12-01T02:00:00Z") }))).toEqual(["m2"]);
  });
});
