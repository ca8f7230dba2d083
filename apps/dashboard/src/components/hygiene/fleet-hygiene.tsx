"use client";
// The fleet's cache hygiene in three figures: cache bytes across the team, bytes a trim by Go's
// rule would reclaim, and machines whose trim has stalled (with a bulk trim for admins).
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { Card, CardContent } from "~/components/ui/card";
import { formatBytes, formatCount } from "~/format";
import { useTRPC } from "~/trpc/client";
import { PushTrim } from "./push-trim";

export function FleetHygiene({ canPush }: { canPush: boolean }) {
  const trpc = useTRPC();
  const hygiene = useQuery(trpc.hygiene.fleet.queryOptions(undefined, { refetchInterval: 5_000 }));
  const audit = useQuery(trpc.audit.summary.queryOptions(undefined, { refetchInterval: 10_000 }));
  if (!hygiene.data) return null;
  const placement = (audit.data ?? []).filter((row) => placementChecks.has(row.check));
  const { cacheBytes, reclaimableBytes, reclaimableEntries, staleTrim } = hygiene.data;
  return (
    <section aria-labelledby="hygiene-heading" className="mb-6 space-y-3" data-testid="fleet-hygiene">
      <h2 id="hygiene-heading" data-slot="section-title" className="text-lg font-semibold tracking-tight">
        Cache hygiene
      </h2>
      <div className="grid gap-3 sm:grid-cols-3">
        <Figure label="Team cache" value={formatBytes(cacheBytes)} testId="team-cache-bytes" />
        <Figure label="Reclaimable by trimming" value={formatBytes(reclaimableBytes)} note={`${formatCount(reclaimableEntries)} entries unused for over 5 days`} testId="reclaimable-bytes" />
        <Figure label="Machines with a stale trim" value={formatCount(staleTrim.machines)} note={`${formatBytes(staleTrim.reclaimableBytes)} waiting on them`} testId="stale-trim-machines" />
      </div>
      {placement.length > 0 ? (
        <ul aria-label="Machines by placement problem" className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
          {placement.map((row) => (
            <li key={row.check} data-testid={`placement-${row.check}`}>
              <Link href={`/audit?check=${row.check}`} className="underline-offset-4 hover:underline">
                {placementLabels[row.check] ?? row.check}
              </Link>
              : <span className="font-medium tabular-nums">{formatCount(row.count)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {canPush ? (
        <div className="flex flex-wrap items-center gap-2">
          <PushTrim target={{ type: "failing-rule", rule: "stale-trim" }} machines={staleTrim.machines} freesBytes={staleTrim.reclaimableBytes} label="Trim machines with a stale trim" />
        </div>
      ) : null}
    </section>
  );
}

const placementLabels: Record<string, string> = {
  "network-fs": "network, FUSE or external disk",
  "icloud": "synced by iCloud",
  "time-machine": "in Time Machine backups",
  "spotlight": "indexed by Spotlight",
  "filevault": "FileVault off",
};
const placementChecks = new Set(Object.keys(placementLabels));

function Figure({ label, value, note, testId }: { label: string; value: string; note?: string; testId: string }) {
  return (
    <Card className="py-3">
      <CardContent className="space-y-1 px-4">
        <p className="text-sm text-muted-foreground">{label}</p>
        <p className="text-2xl font-semibold tabular-nums" data-testid={testId}>
          {value}
        </p>
        {note ? <p className="text-xs text-muted-foreground">{note}</p> : null}
      </CardContent>
    </Card>
  );
}
