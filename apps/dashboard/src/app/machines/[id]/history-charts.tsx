"use client";
// Cache size and plaintext/encrypted entries over the machine's reports. Colours come from CSS
// variables, so the charts follow the light or dark theme without re-rendering.
import { useEffect, useRef } from "react";
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatBytes, formatCount } from "~/format";
import { useTRPC } from "~/trpc/client";
import type { HistoryPoint } from "./types";

/** Dots stay readable up to this many points; beyond it the lines speak for themselves. */
const maxDottedPoints = 60;

const axisStyle = { fontSize: 12, fill: "var(--muted-foreground, var(--muted))" };
const tooltipStyle = { background: "var(--popover, var(--surface))", border: "1px solid var(--border)", color: "var(--popover-foreground, var(--text))" };

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
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {history.isPending ? (
        <p className="muted" role="status">
          Loading the report history…
        </p>
      ) : history.isError ? (
        <p className="error" role="alert">
          Could not load the report history: {history.error.message}
        </p>
      ) : history.data.length === 0 ? (
        <p className="muted" data-testid="history-empty">
          No reports yet: the charts fill in as the agent reports.
        </p>
      ) : (
        <Charts points={history.data} />
      )}
    </section>
  );
}

function Charts({ points }: { points: HistoryPoint[] }) {
  const data = points.map((point) => ({ ...point, time: Date.parse(point.takenAt) }));
  const first = data[0]?.time ?? 0;
  const span = (data.at(-1)?.time ?? first) - first;
  const dot = data.length <= maxDottedPoints;
  const xAxis = (
    <XAxis dataKey="time" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={(time: number) => formatTick(time, span)} tick={axisStyle} stroke="var(--border)" />
  );
  const label = (time: unknown) => (typeof time === "number" ? new Date(time).toLocaleString() : "");
  return (
    <div className="charts">
      <figure className="card chart" data-testid="chart-size" aria-label={`Cache size over ${data.length} reports`}>
        <figcaption>Cache size</figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
            {xAxis}
            <YAxis tickFormatter={(bytes: number) => formatBytes(bytes)} tick={axisStyle} stroke="var(--border)" width={72} />
            <Tooltip contentStyle={tooltipStyle} labelFormatter={label} formatter={(value) => formatBytes(typeof value === "number" ? value : null)} />
            <Line type="monotone" dataKey="cacheBytes" name="Size" stroke="var(--chart-1, #2563eb)" strokeWidth={2} dot={dot} connectNulls isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure className="card chart" data-testid="chart-entries" aria-label={`Plaintext and encrypted entries over ${data.length} reports`}>
        <figcaption>Plaintext and encrypted entries</figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
            {xAxis}
            <YAxis tickFormatter={(count: number) => formatCount(count)} tick={axisStyle} stroke="var(--border)" width={72} />
            <Tooltip contentStyle={tooltipStyle} labelFormatter={label} formatter={(value) => formatCount(typeof value === "number" ? value : null)} />
            <Legend />
            <Line type="monotone" dataKey="plaintextEntries" name="Plaintext" stroke="var(--chart-4, #d97706)" strokeWidth={2} dot={dot} connectNulls isAnimationActive={false} />
            <Line type="monotone" dataKey="encryptedEntries" name="Encrypted" stroke="var(--chart-2, #059669)" strokeWidth={2} dot={dot} connectNulls isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
