// What automatic remediation does next, decided without I/O: from the remediations an admin
// configured, the machines (failing rules, time zone, online) and each machine's remediation state
// at a given moment, the actions to take — queue, start, mark fixed, retry later, give up — and
// why the machines left waiting are waiting. A background job applies the actions; the dry run
// shows the same decision before a remediation is saved.

export interface RemediationBinding {
  id: string;
  rule: string;
  /** Minutes after local midnight. Equal start and end: any time; end before start: spans midnight. */
  windowStart: number;
  windowEnd: number;
  maxConcurrent: number;
  maxAttempts: number;
  retryBaseMinutes: number;
  paused: boolean;
}

export interface RemediationMachine {
  id: string;
  /** IANA name from the agent; null from agents that do not report it. */
  timeZone: string | null;
  online: boolean;
  failingRules: readonly string[];
  /** When its latest report arrived: a fix counts only once a report after it says so. */
  reportedAt: Date | null;
}

export type RemediationStatus = "pending" | "running" | "fixed" | "failed";

export interface RemediationMachineState {
  remediationId: string;
  machineId: string;
  status: RemediationStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  updatedAt: Date;
  /** For a running state, how its command stands; "missing" when it has none. */
  command: "running" | "succeeded" | "failed" | "missing" | null;
  commandError: string | null;
  /** When that command ended: the machine is fixed only if a report after it passes the rule. */
  commandFinishedAt: Date | null;
}

export type RemediationAction =
  /** The machine fails the rule and has no open state (never acted on, or fixed and failing again). */
  | { type: "queue"; remediationId: string; machineId: string }
  | { type: "start"; remediationId: string; machineId: string; attempt: number }
  | { type: "fixed"; remediationId: string; machineId: string; by: "command" | "report" }
  | { type: "retry"; remediationId: string; machineId: string; attempts: number; retryAt: Date; error: string | null }
  | { type: "give-up"; remediationId: string; machineId: string; attempts: number; error: string | null };

export type WaitReason = "paused" | "outside its window" | "offline" | "no time zone reported" | "at the concurrency limit" | "waiting to retry" | "busy with another remediation";

export interface RemediationPlan {
  actions: RemediationAction[];
  waiting: { remediationId: string; machineId: string; reason: WaitReason }[];
}

/** The local minute of the day at `now` in `timeZone`. */
export function localMinuteOfDay(now: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(now);
  const hour = Number(parts.find((part) => part.type === "hour")?.value ?? "0");
  const minute = Number(parts.find((part) => part.type === "minute")?.value ?? "0");
  return (hour % 24) * 60 + minute;
}

export function inWindow(minute: number, start: number, end: number): boolean {
  if (start === end) return true;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * A command that succeeded but whose machine sent no report since (it went offline, or runs an
 * agent that does not report after commands) counts as a fix after this long.
 */
export const reportAfterCommandWithinMs = 30 * 60_000;

/** Attempt n (1-based) that failed waits base × 2^(n-1) minutes before the next. */
export function remediationRetryDelayMs(attempts: number, baseMinutes: number): number {
  return baseMinutes * 60_000 * 2 ** Math.max(0, attempts - 1);
}

export function planRemediations(input: {
  bindings: readonly RemediationBinding[];
  machines: readonly RemediationMachine[];
  states: readonly RemediationMachineState[];
  now: Date;
}): RemediationPlan {
  const { now } = input;
  const actions: RemediationAction[] = [];
  const waiting: RemediationPlan["waiting"] = [];
  const machines = new Map(input.machines.map((machine) => [machine.id, machine]));
  // A machine runs one remediation at a time, whichever binding it is for.
  const busy = new Set(input.states.filter((state) => state.status === "running" && state.command === "running").map((state) => state.machineId));

  for (const binding of input.bindings) {
    const states = new Map(input.states.filter((state) => state.remediationId === binding.id).map((state) => [state.machineId, state]));
    const ids = { remediationId: binding.id };
    let running = 0;
    const candidates: { machine: RemediationMachine; attempts: number; due: number }[] = [];

    for (const state of states.values()) {
      const machine = machines.get(state.machineId);
      if (state.status === "running") {
        if (state.command === "running") {
          running++;
          continue;
        }
        const finishedAt = state.commandFinishedAt?.getTime() ?? now.getTime();
        const reportedAt = machine?.reportedAt ?? null;
        const reportedAfter = reportedAt !== null && reportedAt.getTime() > finishedAt;
        const stillFailing = reportedAfter && (machine?.failingRules.includes(binding.rule) ?? false);
        if (state.command === "succeeded" && !stillFailing) {
          if (reportedAfter || now.getTime() - finishedAt >= reportAfterCommandWithinMs) actions.push({ type: "fixed", ...ids, machineId: state.machineId, by: "command" });
          // Until the machine's next report says whether the rule passes, the attempt holds its slot.
          else running++;
        } else {
          const error =
            state.command === "missing" ? "The command was lost before it ran." : state.command === "succeeded" ? `The command succeeded but the machine still fails ${binding.rule}.` : state.commandError;
          if (state.attempts >= binding.maxAttempts) actions.push({ type: "give-up", ...ids, machineId: state.machineId, attempts: state.attempts, error });
          else
            actions.push({
              type: "retry",
              ...ids,
              machineId: state.machineId,
              attempts: state.attempts,
              retryAt: new Date(now.getTime() + remediationRetryDelayMs(state.attempts, binding.retryBaseMinutes)),
              error,
            });
        }
        continue;
      }
      if (!machine) continue;
      const failing = machine.failingRules.includes(binding.rule);
      const reportedSince = machine.reportedAt !== null && machine.reportedAt > state.updatedAt;
      if (!failing) {
        // Passing now, by its own report after the last change: nothing left to do.
        if ((state.status === "pending" || state.status === "failed") && reportedSince) actions.push({ type: "fixed", ...ids, machineId: machine.id, by: "report" });
        continue;
      }
      if (state.status === "fixed") {
        // Failing again in a report made after the fix: a new round, with fresh attempts.
        if (reportedSince) {
          actions.push({ type: "queue", ...ids, machineId: machine.id });
          candidates.push({ machine, attempts: 0, due: now.getTime() });
        }
      } else if (state.status === "pending") {
        const due = state.nextAttemptAt?.getTime() ?? 0;
        if (due > now.getTime()) waiting.push({ ...ids, machineId: machine.id, reason: "waiting to retry" });
        else candidates.push({ machine, attempts: state.attempts, due });
      }
      // failed: it gave up after its last attempt, and stays so until a report shows it passing.
    }

    for (const machine of input.machines) {
      if (states.has(machine.id) || !machine.failingRules.includes(binding.rule)) continue;
      actions.push({ type: "queue", ...ids, machineId: machine.id });
      candidates.push({ machine, attempts: 0, due: now.getTime() });
    }

    candidates.sort((a, b) => a.due - b.due || a.machine.id.localeCompare(b.machine.id));
    for (const { machine, attempts } of candidates) {
      const reason = waitReason(binding, machine, now, busy, running);
      if (reason) {
        waiting.push({ ...ids, machineId: machine.id, reason });
        continue;
      }
      actions.push({ type: "start", ...ids, machineId: machine.id, attempt: attempts + 1 });
      busy.add(machine.id);
      running++;
    }
  }
  return { actions, waiting };
}

function waitReason(binding: RemediationBinding, machine: RemediationMachine, now: Date, busy: ReadonlySet<string>, running: number): WaitReason | null {
  if (binding.paused) return "paused";
  if (!machine.online) return "offline";
  if (machine.timeZone === null) return "no time zone reported";
  if (!inWindow(localMinuteOfDay(now, machine.timeZone), binding.windowStart, binding.windowEnd)) return "outside its window";
  if (busy.has(machine.id)) return "busy with another remediation";
  if (running >= binding.maxConcurrent) return "at the concurrency limit";
  return null;
}
