// The fleet events webhooks carry, queued per machine as they happen: a machine enrolled, turned
// critical, had a command fail, or went offline beyond the policy's threshold. Queuing writes
// outbox rows only when some enabled webhook wants the event.
import { getPolicy, queueWebhookEvent, takeNewlyOfflineMachines, type Db } from "@cachefleet/db";

interface MachineRef {
  id: string;
  hostname: string;
}

export async function machineEnrolled(db: Db, machine: MachineRef & { username: string; platform: string }): Promise<void> {
  await queueWebhookEvent(db, { event: "machine.enrolled", orderKey: machine.id, body: { machine } });
}

/** Queued only on the transition into critical, not on every critical report. */
export async function healthChanged(db: Db, machine: MachineRef, change: { previous: string | null; health: string; rules: readonly string[] }): Promise<void> {
  if (change.health !== "critical" || change.previous === "critical") return;
  await queueWebhookEvent(db, {
    event: "machine.critical",
    orderKey: machine.id,
    body: { machine, health: change.health, previousHealth: change.previous, rules: change.rules.join(", ") },
  });
}

const failedStatuses = new Set(["failed", "timed-out", "interrupted"]);

export async function commandEnded(
  db: Db,
  machine: MachineRef,
  command: { id: string; kind: string; status: string; failedStep: string | null; error: string | null },
): Promise<void> {
  if (!failedStatuses.has(command.status)) return;
  await queueWebhookEvent(db, { event: "command.failed", orderKey: machine.id, body: { machine, command } });
}

export async function remediationFailed(db: Db, machine: MachineRef, remediation: { id: string; rule: string; kind: string; attempts: number; error: string | null }): Promise<void> {
  await queueWebhookEvent(db, { event: "remediation.failed", orderKey: machine.id, body: { machine, remediation } });
}

/** Announces each machine's offline spell once, when it passes the policy's threshold. */
export async function announceOfflineMachines(db: Db, now: Date): Promise<void> {
  const { offlineAfterMinutes } = await getPolicy(db);
  const offline = await takeNewlyOfflineMachines(db, { now, offlineAfterMinutes, limit: 200 });
  for (const machine of offline) {
    await queueWebhookEvent(
      db,
      { event: "machine.offline", orderKey: machine.id, body: { machine: { id: machine.id, hostname: machine.hostname }, lastSeenAt: machine.lastSeenAt.toISOString(), offlineAfterMinutes } },
      { now },
    );
  }
}
