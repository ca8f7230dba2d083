import { describe, expect, it } from "vitest";
import { advance, initialPlan, reduce, refusalToStart, type PlanState } from "./plan-state.js";

function runToEnd(state: PlanState, fail?: { step: string; error: string }): PlanState {
  let current = state;
  for (;;) {
    const { state: advanced, next } = advance(current);
    current = advanced;
    if (!next) return current;
    current = fail && fail.step === next ? reduce(current, { type: "step-failed", step: next, error: fail.error }) : reduce(current, { type: "step-succeeded", step: next });
  }
}

describe("plan state machine", () => {
  it("runs a migration's steps in order", () => {
    const order: string[] = [];
    let state = initialPlan({ kind: "migrate", options: { backup: true } });
    for (;;) {
      const { state: advanced, next } = advance(state);
      state = advanced;
      if (!next) break;
      order.push(next);
      expect(state.steps.filter((s) => s.status === "running")).toHaveLength(1);
      state = reduce(state, { type: "step-succeeded", step: next });
    }
    expect(order).toEqual(["backup", "clean", "enable", "reinit", "verify"]);
    expect(state.outcome).toBe("succeeded");
  });

  it("skips the backup only when the admin chose no backup", () => {
    const state = runToEnd(initialPlan({ kind: "migrate", options: { backup: false } }));
    expect(state.steps.map((s) => [s.step, s.status])).toEqual([["backup", "skipped"], ["clean", "succeeded"], ["enable", "succeeded"], ["reinit", "succeeded"], ["verify", "succeeded"]]);
  });

  it("stops at a failed step and never cleans after a failed backup", () => {
    const state = runToEnd(initialPlan({ kind: "migrate", options: { backup: true } }), { step: "backup", error: "Not enough free disk" });
    expect(state).toMatchObject({ outcome: "failed", failedStep: "backup", error: "Not enough free disk" });
    expect(state.steps.map((s) => s.status)).toEqual(["failed", "pending", "pending", "pending", "pending"]);
  });

  it("refuses to start clean unless the backup succeeded or was skipped", () => {
    const state = initialPlan({ kind: "clean", options: { backup: true } });
    expect(refusalToStart(state, "clean")).toMatch(/backup did not verify/);
    // A plan whose backup is somehow still pending when clean comes up fails instead of cleaning.
    const forced: PlanState = { ...state, steps: [{ step: "backup", status: "failed" }, { step: "clean", status: "pending" }] };
    expect(advance(forced).next).toBeNull();
    expect(advance(forced).state).toMatchObject({ outcome: "failed", failedStep: "clean" });
    expect(refusalToStart(initialPlan({ kind: "clean", options: { backup: false } }), "clean")).toBeNull();
  });

  it("applies a cancel at the next safe point, between steps", () => {
    let { state, next } = advance(initialPlan({ kind: "migrate", options: { backup: true } }));
    expect(next).toBe("backup");
    state = reduce(state, { type: "cancel-requested" });
    expect(state.outcome).toBeNull(); // the running step finishes first
    state = reduce(state, { type: "step-succeeded", step: "backup" });
    ({ state, next } = advance(state));
    expect(next).toBeNull();
    expect(state.outcome).toBe("cancelled");
    expect(state.steps.map((s) => s.status)).toEqual(["succeeded", "cancelled", "cancelled", "cancelled", "cancelled"]);
  });

  it("fails the running step on a timeout", () => {
    let { state } = advance(advance(reduce(advance(initialPlan({ kind: "migrate", options: { backup: true } })).state, { type: "step-succeeded", step: "backup" })).state);
    state = reduce(state, { type: "timed-out", error: "Ran past its 600 s limit." });
    expect(state).toMatchObject({ outcome: "timed-out", failedStep: "clean" });
    expect(reduce(state, { type: "step-succeeded", step: "clean" })).toBe(state);
  });

  it("plans every allowlisted kind", () => {
    expect(initialPlan({ kind: "rescan", options: {} }).steps.map((s) => s.step)).toEqual(["scan"]);
    expect(initialPlan({ kind: "prune-backups", options: { olderThanDays: 3 } }).steps.map((s) => s.step)).toEqual(["prune"]);
    expect(initialPlan({ kind: "clean", options: { backup: true } }).steps.map((s) => s.step)).toEqual(["backup", "clean"]);
    expect(initialPlan({ kind: "disable", options: { backup: true } }).steps.map((s) => s.step)).toEqual(["backup", "disable", "clean"]);
    expect(initialPlan({ kind: "rotate-key", options: {} }).steps.map((s) => s.step)).toEqual(["rotate-key"]);
  });

  it("never cleans after switching the helper off unless the backup before it verified", () => {
    const state = runToEnd(initialPlan({ kind: "disable", options: { backup: true } }), { step: "backup", error: "Not enough free disk" });
    expect(state.steps.map((s) => [s.step, s.status])).toEqual([["backup", "failed"], ["disable", "pending"], ["clean", "pending"]]);
  });
});
