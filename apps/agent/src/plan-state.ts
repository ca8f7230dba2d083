// The state machine of one command's plan, free of I/O so every rule is unit-tested: steps run in
// order; a failed step stops the plan; a cancel takes effect between steps (the safe points); a
// timeout fails the running step; and clean never starts unless the backup before it succeeded or
// the admin chose no backup.
import { planSteps, type CommandSpec, type StepName, type StepStatus } from "@cachefleet/contract";

export type PlanOutcome = "succeeded" | "failed" | "cancelled" | "timed-out";

export interface PlanState {
  steps: { step: StepName; status: StepStatus }[];
  cancelRequested: boolean;
  outcome: PlanOutcome | null;
  failedStep: StepName | null;
  error: string | null;
}

export type PlanEvent =
  | { type: "step-succeeded"; step: StepName }
  | { type: "step-failed"; step: StepName; error: string }
  | { type: "cancel-requested" }
  | { type: "timed-out"; error: string };

export function initialPlan(spec: CommandSpec): PlanState {
  return {
    steps: planSteps(spec).map(({ step, skipped }) => ({ step, status: skipped ? "skipped" : "pending" })),
    cancelRequested: false,
    outcome: null,
    failedStep: null,
    error: null,
  };
}

export function runningStep(state: PlanState): StepName | null {
  return state.steps.find((entry) => entry.status === "running")?.step ?? null;
}

function withStatus(state: PlanState, step: StepName, status: StepStatus): PlanState["steps"] {
  return state.steps.map((entry) => (entry.step === step ? { ...entry, status } : entry));
}

function cancelRemaining(steps: PlanState["steps"]): PlanState["steps"] {
  return steps.map((entry) => (entry.status === "pending" ? { ...entry, status: "cancelled" } : entry));
}

/** Why a step may not start now, or null when it may. */
export function refusalToStart(state: PlanState, step: StepName): string | null {
  if (step !== "clean") return null;
  const backup = state.steps.find((entry) => entry.step === "backup");
  if (backup && backup.status !== "succeeded" && backup.status !== "skipped") {
    return "Refusing to clean: the backup did not verify.";
  }
  return null;
}

/**
 * Starts the next pending step, or ends the plan: succeeded when nothing is left, cancelled when a
 * cancel arrived. Returns the step to run (null when the plan ended).
 */
export function advance(state: PlanState): { state: PlanState; next: StepName | null } {
  if (state.outcome) return { state, next: null };
  if (state.cancelRequested) {
    return {
      state: { ...state, steps: cancelRemaining(state.steps), outcome: "cancelled", error: "Cancelled by an admin; stopped at a safe point." },
      next: null,
    };
  }
  const next = state.steps.find((entry) => entry.status === "pending");
  if (!next) return { state: { ...state, outcome: "succeeded" }, next: null };
  const refusal = refusalToStart(state, next.step);
  if (refusal) {
    return { state: { ...state, steps: withStatus(state, next.step, "failed"), outcome: "failed", failedStep: next.step, error: refusal }, next: null };
  }
  return { state: { ...state, steps: withStatus(state, next.step, "running") }, next: next.step };
}

export function reduce(state: PlanState, event: PlanEvent): PlanState {
  if (state.outcome) return state;
  switch (event.type) {
    case "cancel-requested":
      return { ...state, cancelRequested: true };
    case "step-succeeded":
      if (runningStep(state) !== event.step) return state;
      return { ...state, steps: withStatus(state, event.step, "succeeded") };
    case "step-failed":
      if (runningStep(state) !== event.step) return state;
      return { ...state, steps: withStatus(state, event.step, "failed"), outcome: "failed", failedStep: event.step, error: event.error };
    case "timed-out": {
      const step = runningStep(state);
      return {
        ...state,
        steps: step ? withStatus(state, step, "failed") : state.steps,
        outcome: "timed-out",
        failedStep: step,
        error: event.error,
      };
    }
  }
}
