// Enrollment administration: named enrollment secrets (created, listed, revoked) and machines
// revoked so their token stops working. Secrets and tokens are stored as SHA-256 only; every
// change is written to the activity log.
import type { Db } from "./client.js";
import { recordActivity } from "./activity.js";
import { hashToken, newEnrollmentSecret } from "./secrets.js";

export interface EnrollmentSecretView {
  id: string;
  name: string;
  createdAt: Date;
  createdByEmail: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** Machines enrolled with this secret and not revoked since. */
  machines: number;
}

export async function listEnrollmentSecrets(db: Db): Promise<EnrollmentSecretView[]> {
  const rows = await db.enrollmentSecret.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: {
      id: true,
      name: true,
      createdAt: true,
      createdByEmail: true,
      lastUsedAt: true,
      revokedAt: true,
      _count: { select: { machines: { where: { revokedAt: null } } } },
    },
  });
  return rows.map(({ _count, ...row }) => ({ ...row, machines: _count.machines }));
}

/** Creates a named secret; its plaintext is returned this once and never stored. */
export async function createNamedEnrollmentSecret(db: Db, name: string, actorEmail: string): Promise<{ id: string; name: string; secret: string }> {
  const secret = newEnrollmentSecret();
  const created = await db.enrollmentSecret.create({ data: { name, secretHash: hashToken(secret), createdByEmail: actorEmail } });
  await recordActivity(db, { actorEmail, action: "enrollment-secret.created", subject: created.id, detail: { name } });
  return { id: created.id, name, secret };
}

/** Stops a secret from enrolling more machines; machines it enrolled keep working. False when unknown. */
export async function revokeEnrollmentSecret(db: Db, secretId: string, actorEmail: string): Promise<{ revoked: boolean; name: string } | null> {
  const secret = await db.enrollmentSecret.findUnique({ where: { id: secretId }, select: { name: true } });
  if (!secret) return null;
  const { count } = await db.enrollmentSecret.updateMany({ where: { id: secretId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count > 0) await recordActivity(db, { actorEmail, action: "enrollment-secret.revoked", subject: secretId, detail: { name: secret.name } });
  return { revoked: count > 0, name: secret.name };
}

/** Notes that a secret just enrolled a machine, in the secret's row and in the activity log. */
export async function recordEnrollmentSecretUse(db: Db, secret: string, machine: { id: string; hostname: string }): Promise<void> {
  const secretHash = hashToken(secret);
  await db.enrollmentSecret.updateMany({ where: { secretHash }, data: { lastUsedAt: new Date() } });
  const used = await db.enrollmentSecret.findUnique({ where: { secretHash }, select: { name: true } });
  await recordActivity(db, { actorEmail: null, action: "machine.enrolled", subject: machine.id, detail: { hostname: machine.hostname, secretName: used?.name ?? null } });
}

export interface EnrolledMachineView {
  id: string;
  hostname: string;
  username: string;
  platform: string;
  enrolledAt: Date;
  lastSeenAt: Date | null;
  revokedAt: Date | null;
  enrolledWith: string | null;
}

export async function listEnrolledMachines(
  db: Db,
  options: { page: number; pageSize: number; includeRevoked?: boolean },
): Promise<{ machines: EnrolledMachineView[]; total: number }> {
  const where = options.includeRevoked ? {} : { revokedAt: null };
  const [rows, total] = await Promise.all([
    db.machine.findMany({
      where,
      orderBy: [{ enrolledAt: "desc" }, { id: "desc" }],
      skip: (options.page - 1) * options.pageSize,
      take: options.pageSize,
      select: {
        id: true,
        hostname: true,
        username: true,
        platform: true,
        enrolledAt: true,
        lastSeenAt: true,
        revokedAt: true,
        enrolledWith: { select: { name: true } },
      },
    }),
    db.machine.count({ where }),
  ]);
  return { machines: rows.map(({ enrolledWith, ...row }) => ({ ...row, enrolledWith: enrolledWith?.name ?? null })), total };
}

/** Revokes a machine: its token is refused from now on. Null when there is no such machine. */
export async function revokeMachine(db: Db, machineId: string, actorEmail: string): Promise<{ revoked: boolean; hostname: string } | null> {
  const machine = await db.machine.findUnique({ where: { id: machineId }, select: { hostname: true } });
  if (!machine) return null;
  const { count } = await db.machine.updateMany({ where: { id: machineId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count > 0) await recordActivity(db, { actorEmail, action: "machine.revoked", subject: machineId, detail: { hostname: machine.hostname } });
  return { revoked: count > 0, hostname: machine.hostname };
}

/** The machines revoked at or after `since` (indexed): a queue watcher ends their streams on its instance. */
export async function machinesRevokedSince(db: Db, since: Date): Promise<string[]> {
  return (await db.machine.findMany({ where: { revokedAt: { gte: since } }, select: { id: true } })).map((machine) => machine.id);
}

/** Whether a machine may still talk to the dashboard (exists and is not revoked). */
export async function isMachineActive(db: Db, machineId: string): Promise<boolean> {
  const machine = await db.machine.findUnique({ where: { id: machineId }, select: { revokedAt: true } });
  return machine !== null && machine.revokedAt === null;
}
