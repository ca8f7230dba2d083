// The background job of automatic remediation: each tick reads the remediations, the machines
// they concern and each machine's state, asks the pure planner (@cachefleet/health) what to do
// now, and applies it — opening rounds, claiming and pushing attempts, recording how they ended —
// writing every run to the activity log and announcing remediations that gave up to webhooks.
import {
  claimRemediationAttempt,
  enqueueCommand,
  getPolicy,
  listRemediationMachines,
  listRemediations,
  listRemediationStates,
  lostCommandAfterMs,
  moveRemediationState,
  queueRemediationState,
  recordActivity,
  setRemediationCommand,
  type Db,
  type RemediationMachineRow,
  type RemediationRow,
  type RemediationStateRow,
} from "@cachefleet/db";
import { isOnline, planRemediations, type RemediationAction, type RemediationMachine, type RemediationMachineState, type RemediationPlan } from "@cachefleet/health";
import { remediationFailed } from "./machine-events.js";
import type { CommandNotifier } from "./notifier.js";

const activeCommandStatuses = new Set(["preparing", "pending", "running"]);

/** How a running state's command stands, in the planner's terms. */
function commandStanding(state: RemediationStateRow, now: Date): RemediationMachineState["command"] {
  if (state.status !== "running") return null;
  if (state.commandId === null || state.commandStatus === null) return now.getTime() - state.updatedAt.getTime() > lostCommandAfterMs ? "missing" : "running";
  if (activeCommandStatuses.has(state.commandStatus)) return "running";
  return state.commandStatus === "succeeded" ? "succeeded" : "failed";
}

/**
 * `name` when this runtime's time zone data knows it, else null. A report's zone is only checked
 * for form, and a Mac can know a zone newer than the server's data: such a machine counts as one
 * that reported no zone (it waits, named as such) rather than failing every plan it is part of.
 */
function knownTimeZone(name: string | null): string | null {
  if (name === null) return null;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return name;
  } catch {
    return null;
  }
}

/** The planner's view of a machine row whose zone planNow has already checked (knownTimeZone). */
export function plannerMachine(machine: RemediationMachineRow, now: Date, offlineAfterMinutes: number): RemediationMachine {
  return { id: machine.id, timeZone: machine.timeZone, online: isOnline(machine.lastSeenAt, now, { offlineAfterMinutes }), failingRules: machine.failingRules, reportedAt: machine.reportedAt };
}

export function plannerBinding(remediation: Pick<RemediationRow, "id" | "rule" | "windowStart" | "windowEnd" | "maxConcurrent" | "maxAttempts" | "retryBaseMinutes" | "paused">) {
  const { id, rule, windowStart, windowEnd, maxConcurrent, maxAttempts, retryBaseMinutes, paused } = remediation;
  return { id, rule, windowStart, windowEnd, maxConcurrent, maxAttempts, retryBaseMinutes, paused };
}

export interface RemediationSnapshot {
  remediations: RemediationRow[];
  machines: RemediationMachineRow[];
  states: RemediationStateRow[];
  plan: RemediationPlan;
}

/** Reads everything the planner needs and plans; `extra` adds an unsaved remediation (the dry run). */
export async function planNow(db: Db, now: Date, extra?: RemediationRow): Promise<RemediationSnapshot> {
  const saved = await listRemediations(db);
  const remediations = extra ? [...saved, extra] : saved;
  const states = await listRemediationStates(db, saved.map((remediation) => remediation.id));
  // Zones this server cannot use read as none, in the plan and in what callers show beside it.
  const machines = (
    await listRemediationMachines(
      db,
      [...new Set(remediations.map((remediation) => remediation.rule))],
      [...new Set(states.map((state) => state.machineId))],
    )
  ).map((machine) => ({ ...machine, timeZone: knownTimeZone(machine.timeZone) }));
  const { offlineAfterMinutes } = await getPolicy(db);
  const plan = planRemediations({
    bindings: remediations.map(plannerBinding),
    machines: machines.map((machine) => plannerMachine(machine, now, offlineAfterMinutes)),
    states: states.map((state) => ({ ...state, command: commandStanding(state, now) })),
    now,
  });
  return { remediations, machines, states, plan };
}

export class RemediationRunner {
  #timer: NodeJS.Timeout | null = null;
  #ticking = false;

  constructor(
    private readonly db: Db,
    private readonly notifier: CommandNotifier,
    private readonly intervalMs = 15_000,
    private readonly onError: (error: unknown) => void = (error) => console.error("automatic remediation:", error),
  ) {}

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.tick(), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One pass; returns the actions this instance applied (another may have taken some). */
  async tick(now = new Date()): Promise<RemediationAction[]> {
    if (this.#ticking) return [];
    this.#ticking = true;
    try {
      const snapshot = await planNow(this.db, now);
      const applied: RemediationAction[] = [];
      for (const action of snapshot.plan.actions) {
        if (await this.#apply(action, snapshot, now)) applied.push(action);
      }
      return applied;
    } catch (error) {
      this.onError(error);
      return [];
    } finally {
      this.#ticking = false;
    }
  }

  async #apply(action: RemediationAction, snapshot: RemediationSnapshot, now: Date): Promise<boolean> {
    const remediation = snapshot.remediations.find((candidate) => candidate.id === action.remediationId);
    const machine = snapshot.machines.find((candidate) => candidate.id === action.machineId);
    if (!remediation || !machine) return false;
    const state = snapshot.states.find((candidate) => candidate.remediationId === action.remediationId && candidate.machineId === action.machineId);
    // Runs are logged under the remediation, naming who configured it.
    const log = (what: string, detail: Record<string, unknown> = {}) =>
      recordActivity(this.db, {
        actorEmail: `remediation:${remediation.name}`,
        action: `remediation.${what}`,
        subject: remediation.id,
        detail: { machineId: machine.id, hostname: machine.hostname, rule: remediation.rule, kind: remediation.spec.kind, configuredBy: remediation.createdByEmail, ...detail },
      });
    switch (action.type) {
      case "queue":
        if (!(await queueRemediationState(this.db, remediation.id, machine.id, now))) return false;
        await log("pending");
        return true;
      case "start": {
        if (!(await claimRemediationAttempt(this.db, remediation.id, machine.id, action.attempt, now))) return false;
        const commandId = await enqueueCommand(this.db, machine.id, remediation.spec, { createdById: remediation.createdById });
        await setRemediationCommand(this.db, remediation.id, machine.id, commandId);
        this.notifier.notify(machine.id);
        await log("started", { attempt: action.attempt, commandId });
        return true;
      }
      case "fixed":
        if (!(await moveRemediationState(this.db, remediation.id, machine.id, { statuses: action.by === "command" ? ["running"] : ["pending", "failed"] }, { status: "fixed", lastError: null }, now))) return false;
        await log("fixed", { by: action.by === "command" ? "its command" : "a passing report", commandId: state?.commandId ?? null });
        return true;
      case "retry":
        if (!(await moveRemediationState(this.db, remediation.id, machine.id, { statuses: ["running"], attempts: action.attempts }, { status: "pending", nextAttemptAt: action.retryAt, lastError: action.error }, now)))
          return false;
        await log("retry-scheduled", { attempt: action.attempts, error: action.error, retryAt: action.retryAt.toISOString(), commandId: state?.commandId ?? null });
        return true;
      case "give-up":
        if (!(await moveRemediationState(this.db, remediation.id, machine.id, { statuses: ["running"], attempts: action.attempts }, { status: "failed", lastError: action.error }, now))) return false;
        await log("failed", { attempts: action.attempts, error: action.error, commandId: state?.commandId ?? null, stopped: `Gave up after ${action.attempts} attempts.` });
        await remediationFailed(this.db, { id: machine.id, hostname: machine.hostname }, { id: remediation.id, rule: remediation.rule, kind: remediation.spec.kind, attempts: action.attempts, error: action.error });
        return true;
    }
  }
}
