"use client";
// The live view of one machine, polled every second so a running migration shows its progress.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { Role } from "@cachefleet/db";
import { EmptyState } from "~/components/empty-state";
import { ErrorState } from "~/components/error-state";
import { LoadingState } from "~/components/loading-state";
import { PageHeader } from "~/components/page-header";
import { StatusBadge } from "~/components/status-badge";
import { Button } from "~/components/ui/button";
import { useTRPC } from "~/trpc/client";
import { trpcErrorCode } from "~/trpc/error-code";
import { CacheComposition } from "./cache-composition";
import { CommandHistory } from "./command-history";
import { Findings } from "./findings";
import { RemediationStatus } from "./remediation-status";
import { GoTools } from "./go-tools";
import { HistoryCharts } from "./history-charts";
import { HygienePanel } from "./hygiene-panel";
import { PersistEnvPanel } from "./persist-env-panel";
import { MachineSummary } from "./machine-summary";
import { MigratePanel } from "./migrate-panel";
import { ProbeGroups } from "./probe-groups";

export function MachineView({
  machineId,
  role,
}: {
  machineId: string;
  /** From the server page: the query result does not say who is asking. */
  role: Role;
}) {
  const trpc = useTRPC();
  // The server page prefetched this query, so it starts with the machine in the cache.
  const query = useQuery(trpc.machines.detail.queryOptions({ machineId }, { refetchInterval: 1000 }));

  if (query.isPending) return <LoadingState label="Loading machine…" />;
  if (query.isError && query.data === undefined) {
    return <MachineError code={trpcErrorCode(query.error)} message={query.error.message} onRetry={() => void query.refetch()} />;
  }
  const machine = query.data;
  const report = machine.latestReport;
  return (
    <>
      <PageHeader
        back={{ href: "/", label: "Fleet" }}
        title={machine.hostname}
        description={machine.username ? `${machine.username} · ${machine.platform} ${machine.arch}` : undefined}
        actions={<StatusBadge kind="presence" value={machine.online ? "online" : "offline"} />}
      />
      {query.isError ? (
        <ErrorState className="mb-4" title="Could not refresh" message={`${query.error.message}; showing what was last loaded.`} />
      ) : null}
      <MachineSummary machine={machine} />
      <Findings machine={machine} />
      <RemediationStatus machineId={machineId} />
      {report ? <ProbeGroups names={machine} report={report} /> : null}
      {report ? <CacheComposition scan={report.scan} /> : null}
      <HistoryCharts machineId={machineId} latestReportId={report?.id ?? null} />
      <HygienePanel machineId={machineId} canTrim={role === "admin"} />
      {report ? <PersistEnvPanel machineId={machineId} report={report} canPush={role === "admin"} /> : null}
      {report ? <GoTools tools={report.probes.tools} /> : null}
      <MigratePanel machine={machine} canMigrate={role === "admin"} />
      <CommandHistory commands={machine.commands} canControl={role === "admin"} />
    </>
  );
}

function MachineError({ code, message, onRetry }: { code: string | undefined; message: string; onRetry: () => void }) {
  if (code === "NOT_FOUND" || code === "BAD_REQUEST") {
    return (
      <div data-testid="machine-not-found">
        <EmptyState
          title="Machine not found"
          description="There is no machine with this id. It may have been removed."
          action={
            <Button asChild variant="outline">
              <Link href="/">Back to the fleet</Link>
            </Button>
          }
        />
      </div>
    );
  }
  if (code === "UNAUTHORIZED") {
    return (
      <ErrorState
        title="Your session has ended"
        message={
          <>
            <a href="/signin" className="font-medium underline underline-offset-4">Sign in again</a> to see this machine.
          </>
        }
      />
    );
  }
  return <ErrorState title="Could not load this machine" message={message} onRetry={onRetry} />;
}
