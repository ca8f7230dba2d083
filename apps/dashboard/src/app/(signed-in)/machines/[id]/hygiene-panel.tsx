"use client";
// This machine's cache hygiene: when Go last trimmed, what its next trim deletes, how fast the
// cache grows and when it reaches the team's size limit or fills the disk; a trim for admins.
import { useQuery } from "@tanstack/react-query";
import { PushTrim } from "~/components/hygiene/push-trim";
import { RelativeTime } from "~/components/relative-time";
import { Card, CardContent } from "~/components/ui/card";
import { formatBytes, formatCount } from "~/format";
import { useTRPC } from "~/trpc/client";
import { Section } from "./section";

function days(value: number | null): string {
  if (value === null) return "not growing";
  if (value === 0) return "already reached";
  return value < 1 ? "within a day" : `in about ${Math.round(value)} days`;
}

export function HygienePanel({ machineId, canTrim }: { machineId: string; canTrim: boolean }) {
  const trpc = useTRPC();
  const hygiene = useQuery(trpc.hygiene.machine.queryOptions({ machineId }, { refetchInterval: 5_000 }));
  if (!hygiene.data) return null;
  const h = hygiene.data;
  const growth = h.cacheGrowthPerDay;
  return (
    <Section id="hygiene" title="Cache hygiene" description="Go trims entries unused for 5 days, at most once a day; nothing else bounds the cache.">
      <Card className="py-4">
        <CardContent className="space-y-3">
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
            <dt className="text-muted-foreground">Last trim</dt>
            <dd data-testid="last-trim">{h.lastTrimAt ? <RelativeTime iso={h.lastTrimAt} /> : "never recorded"}</dd>
            <dt className="text-muted-foreground">A trim would free</dt>
            <dd data-testid="machine-reclaimable">
              {h.trimUnusedBytes === null ? "unknown" : `${formatBytes(h.trimUnusedBytes)} (${formatCount(h.trimUnusedEntries)} entries)`}
            </dd>
            <dt className="text-muted-foreground">Growth</dt>
            <dd data-testid="growth">{growth === null ? "not enough history" : `${growth < 0 ? "−" : ""}${formatBytes(Math.abs(growth))} a day`}</dd>
            <dt className="text-muted-foreground">Team size limit ({formatBytes(h.sizeLimitBytes)})</dt>
            <dd data-testid="days-to-limit">{growth === null ? "—" : days(h.daysToSizeLimit)}</dd>
            <dt className="text-muted-foreground">Disk full</dt>
            <dd data-testid="days-to-disk-full">{growth === null ? "—" : days(h.daysToDiskFull)}</dd>
          </dl>
          {canTrim ? (
            <div className="flex flex-wrap items-center gap-2">
              <PushTrim target={{ type: "machines", machineIds: [machineId] }} machines={1} freesBytes={h.trimUnusedBytes ?? 0} label="Trim this cache" />
            </div>
          ) : null}
        </CardContent>
      </Card>
    </Section>
  );
}
