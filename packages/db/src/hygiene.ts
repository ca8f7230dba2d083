// The fleet's cache hygiene at a glance: total cache bytes, bytes Go's trim would reclaim, and the
// machines whose trim has stalled, read from the machines' current state.
import type { Db } from "./client.js";

export interface FleetHygiene {
  machines: number;
  cacheBytes: number;
  /** What trimming every machine by Go's rule would free now. */
  reclaimableBytes: number;
  reclaimableEntries: number;
  /** Machines failing the stale-trim rule, and what trimming them would free. */
  staleTrim: { machines: number; reclaimableBytes: number };
}

export async function fleetHygiene(db: Db): Promise<FleetHygiene> {
  const live = { revokedAt: null };
  const [all, stale] = await Promise.all([
    db.machine.aggregate({ where: live, _count: { _all: true }, _sum: { cacheBytes: true, trimUnusedBytes: true, trimUnusedEntries: true } }),
    db.machine.aggregate({ where: { ...live, findingRules: { contains: ",stale-trim," } }, _count: { _all: true }, _sum: { trimUnusedBytes: true } }),
  ]);
  return {
    machines: all._count._all,
    cacheBytes: Number(all._sum.cacheBytes ?? 0),
    reclaimableBytes: Number(all._sum.trimUnusedBytes ?? 0),
    reclaimableEntries: all._sum.trimUnusedEntries ?? 0,
    staleTrim: { machines: stale._count._all, reclaimableBytes: Number(stale._sum.trimUnusedBytes ?? 0) },
  };
}

export interface MachineHygiene {
  lastTrimAt: Date | null;
  trimUnusedEntries: number | null;
  trimUnusedBytes: number | null;
  cacheBytes: number | null;
  cacheGrowthPerDay: number | null;
  diskFreeBytes: number | null;
}

/** One machine's hygiene columns; null when there is no such machine. */
export async function getMachineHygiene(db: Db, machineId: string): Promise<MachineHygiene | null> {
  const row = await db.machine.findUnique({
    where: { id: machineId },
    select: { lastTrimAt: true, trimUnusedEntries: true, trimUnusedBytes: true, cacheBytes: true, cacheGrowthPerDay: true, diskFreeBytes: true },
  });
  if (!row) return null;
  const num = (value: bigint | null): number | null => (value === null ? null : Number(value));
  return { ...row, trimUnusedBytes: num(row.trimUnusedBytes), cacheBytes: num(row.cacheBytes), diskFreeBytes: num(row.diskFreeBytes) };
}
