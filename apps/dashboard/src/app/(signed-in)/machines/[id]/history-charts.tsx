"use client";
// Cache size, plaintext/encrypted entries and the encrypted cache's hit rate over the machine's
// reports. Colours come from CSS variables, so the charts follow the light or dark theme without
// re-rendering. Lines are steps: an agent reports only when its facts change (and older history
// keeps each day's last report), so a value holds until the next report instead of sloping towards it.
import { useEffect, useRef, type ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "~/components/empty-state";
import { ErrorState } from "~/components/error-state";
import { LoadingState } from "~/components/loading-state";
import { Card, CardContent, CardHeader, CardTitle } from "~/components/ui/card";
import { formatBytes, formatCount, formatPercent } from "~/format";
import { useTRPC } from "~/trpc/client";
import { Section } from "./section";
import type { HistoryPoint } from "./types";

/** Dots stay readable up to this many points; beyond it the lines speak for themselves. */
const maxDottedPoints = 60;

const axisStyle = { fontSize: 12, fill: "var(--muted-foreground)" };
const tooltipStyle = { background: "var(--popover)", border: "1px solid var(--border)", borderRadius: 8, color: "var(--popover-foreground)" };
const legendStyle = { fontSize: 12, color: "var(--muted-foreground)" };

function formatTick(time: number, spanMs: number): string {
  const date = new Date(time);
  return spanMs > 2 * 86_400_000 ? date.toLocaleDateString(undefined, { month: "short", day: "numeric" }) : date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

export function HistoryCharts({ machineId, latestReportId }: { machineId: string; latestReportId: string | null }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.machines.history.queryOptions({ machineId }));
  const { refetch } = history;
  // The page polls the machine every second; the history changes only when a report lands.
  const shownReportId = useRef(latestReportId);
  useEffect(() => {
    if (shownReportId.current === latestReportId) return;
    shownReportId.current = latestReportId;
    void refetch();
  }, [latestReportId, refetch]);

  return (
    <Section id="history" title="History" description="Cache size and entries at each full report, held until the next, and the encrypted cache's hit rate between reports (a long history is drawn from 200 evenly spread reports; after 30 days, from each day's last).">
      {history.isPending ? (
        <LoadingState label="Loading the report history…" rows={3} />
      ) : history.isError ? (
        <ErrorState title="Could not load the report history" message={history.error.message} onRetry={() => void refetch()} />
      ) : history.data.length === 0 ? (
        <EmptyState title="No reports yet" description="The charts fill in as the agent reports." className="py-8" />
      ) : (
        <Charts points={history.data} />
      )}
    </Section>
  );
}

function Charts({ points }: { points: HistoryPoint[] }) {
  const data = points.map((point) => ({ ...point, time: Date.parse(point.takenAt) }));
  const first = data[0]?.time ?? 0;
  const span = (data.at(-1)?.time ?? first) - first;
  // Dots filled with the card colour, so they read as rings in either theme.
  const dot = data.length <= maxDottedPoints ? { r: 3, fill: "var(--card)", strokeWidth: 2 } : false;
  const xAxis = (
    <XAxis dataKey="time" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={(time: number) => formatTick(time, span)} tick={axisStyle} stroke="var(--border)" />
  );
  const label = (time: unknown) => (typeof time === "number" ? new Date(time).toLocaleString() : "");
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard title="Cache size" testId="chart-size" points={data.length}>
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
            {xAxis}
            <YAxis tickFormatter={(bytes: number) => formatBytes(bytes)} tick={axisStyle} stroke="var(--border)" width={72} />
            <Tooltip contentStyle={tooltipStyle} labelFormatter={label} formatter={(value) => formatBytes(typeof value === "number" ? value : null)} />
            <Line type="stepAfter" dataKey="cacheBytes" name="Size" stroke="var(--chart-3)" strokeWidth={2} dot={dot} connectNulls isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </ChartCard>
      <ChartCard title="Plaintext and encrypted entries" testId="chart-entries" points={data.length}>
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
            {xAxis}
            <YAxis tickFormatter={(count: number) => formatCount(count)} tick={axisStyle} stroke="var(--border)" width={72} />
            <Tooltip contentStyle={tooltipStyle} labelFormatter={label} formatter={(value) => formatCount(typeof value === "number" ? value : null)} />
            <Legend wrapperStyle={legendStyle} />
            <Line type="stepAfter" dataKey="plaintextEntries" name="Plaintext" stroke="var(--chart-1)" strokeWidth={2} dot={dot} connectNulls isAnimationActive={false} />
            <Line type="stepAfter" dataKey="encryptedEntries" name="Encrypted" stroke="var(--chart-2)" strokeWidth={2} dot={dot} connectNulls isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </ChartCard>
      {data.some((point) => point.hitRate !== null) ? (
        <ChartCard title="Hit rate" testId="chart-hit-rate" points={data.length}>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
              <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
              {xAxis}
              <YAxis domain={[0, 1]} tickFormatter={(rate: number) => formatPercent(rate)} tick={axisStyle} stroke="var(--border)" width={72} />
              <Tooltip contentStyle={tooltipStyle} labelFormatter={label} formatter={(value) => formatPercent(typeof value === "number" ? value : null)} />
              <Line type="linear" dataKey="hitRate" name="Hit rate" stroke="var(--chart-4)" strokeWidth={2} dot={dot} connectNulls isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </ChartCard>
      ) : null}
    </div>
  );
}

function ChartCard({ title, testId, points, children }: { title: string; testId: string; points: number; children: ReactNode }) {
  return (
    <Card className="gap-3 py-4">
      <CardHeader>
        <CardTitle role="heading" aria-level={3}>
          {title}
        </CardTitle>
      </CardHeader>
      <CardContent className="px-2">
        <figure data-testid={testId} aria-label={`${title} over ${points} ${points === 1 ? "report" : "reports"}`}>
          {children}
        </figure>
      </CardContent>
    </Card>
  );
}
