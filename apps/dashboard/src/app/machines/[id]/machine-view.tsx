"use client";
// The live view of one machine, polled every second so a running migration shows its progress.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { Role } from "@cachefleet/db";
import { StatusBadge } from "~/components/status-badge";
import { useTRPC } from "~/trpc/client";
import { trpcErrorCode } from "~/trpc/error-code";
import { CacheComposition } from "./cache-composition";
import { CommandHistory } from "./command-history";
import { Findings } from "./findings";
import { GoTools } from "./go-tools";
import { HistoryCharts } from "./history-charts";
import { MachineSummary } from "./machine-summary";
import { MigratePanel } from "./migrate-panel";
import { ProbeGroups } from "./probe-groups";
import type { MachineDetail } from "./types";

export function MachineView({
  machineId,
  role,
  initialData,
}: {
  machineId: string;
  /** From the server page: the query result does not say who is asking. */
  role: Role;
  initialData?: MachineDetail;
}) {
  const trpc = useTRPC();
  const query = useQuery(trpc.machines.detail.queryOptions({ machineId }, { refetchInterval: 1000, initialData }));

  if (query.isPending) {
    return (
      <p className="muted" role="status">
        Loading machine…
      </p>
    );
  }
  if (query.isError && query.data === undefined) {
    return <MachineError code={trpcErrorCode(query.error)} message={query.error.message} />;
  }
  const machine = query.data;
  const report = machine.latestReport;
  return (
    <>
      <p>
        <Link href="/">← Fleet</Link>
      </p>
      <div className="command-header">
        <h1>{machine.hostname}</h1>
        <StatusBadge kind="presence" value={machine.online ? "online" : "offline"} />
      </div>
      {query.isError ? (
        <p className="error" role="alert">
          Could not refresh ({query.error.message}); showing what was last loaded.
        </p>
      ) : null}
      <MachineSummary machine={machine} />
      <Findings machine={machine} />
      {report ? <ProbeGroups report={report} /> : null}
      {report ? <CacheComposition scan={report.scan} /> : null}
      <HistoryCharts machineId={machineId} latestReportId={machine.latestReport?.id ?? null} />
      {report ? <GoTools tools={report.probes.tools} /> : null}
      <MigratePanel machine={machine} canMigrate={role === "admin"} />
      <CommandHistory commands={machine.commands} canControl={role === "admin"} />
    </>
  );
}

function MachineError({ code, message }: { code: string | undefined; message: string }) {
  if (code === "NOT_FOUND" || code === "BAD_REQUEST") {
    return (
      <>
        <h1>Machine not found</h1>
        <p data-testid="machine-not-found">
          There is no machine with this id. It may have been removed. <Link href="/">Back to the fleet</Link>
        </p>
      </>
    );
  }
  if (code === "UNAUTHORIZED") {
    return (
      <p className="error" role="alert">
        Your session has ended. <a href="/signin">Sign in again</a>.
      </p>
    );
  }
  return (
    <p className="error" role="alert">
      Could not load this machine: {message}
    </p>
  );
}
