// prune-backups: removes this cache's own backups (`<GOCACHE>.backup-YYYYMMDD-HHMMSS`) older than
// N days. Only folders next to GOCACHE whose names match that exact pattern are ever touched, and
// never one taken within the last day, whatever age the command asks for: the dashboard checks the
// option, and so does the agent, but a backup made for a migration that is still being looked at
// is worth a second guard.
import fs from "node:fs";
import path from "node:path";

export interface BackupFolder {
  path: string;
  takenAt: Date;
}

/** The youngest backup prune may remove, in days, whatever the command says. */
export const minimumPruneAgeDays = 1;

export function listBackups(gocache: string): BackupFolder[] {
  const parent = path.dirname(path.resolve(gocache));
  const pattern = new RegExp(`^${path.basename(gocache).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.backup-(\\d{4})(\\d{2})(\\d{2})-(\\d{2})(\\d{2})(\\d{2})$`);
  const backups: BackupFolder[] = [];
  for (const entry of fs.readdirSync(parent, { withFileTypes: true })) {
    const match = pattern.exec(entry.name);
    if (!match || !entry.isDirectory()) continue;
    const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
    if (year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined || second === undefined) continue;
    backups.push({ path: path.join(parent, entry.name), takenAt: new Date(year, month - 1, day, hour, minute, second) });
  }
  return backups.sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime());
}

/** Backups taken more than `days` days before `now`, and never any of the last day. */
export function backupsOlderThan(backups: readonly BackupFolder[], days: number, now: Date): BackupFolder[] {
  const safeDays = Number.isFinite(days) ? Math.max(days, minimumPruneAgeDays) : Number.POSITIVE_INFINITY;
  const cutoff = now.getTime() - safeDays * 24 * 60 * 60 * 1000;
  return backups.filter((backup) => backup.takenAt.getTime() < cutoff);
}
