"use client";
// The per-machine status table of a bulk push, polled every second while commands run.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { SearchXIcon } from "lucide-react";
import { CommandActions } from "~/components/command-actions";
import { EmptyState } from "~/components/empty-state";
import { ErrorState } from "~/components/error-state";
import { LoadingState } from "~/components/loading-state";
import { LogBlock } from "~/components/log-block";
import { PageHeader } from "~/components/page-header";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { Card, CardContent } from "~/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { formatCount, formatQuantity } from "~/format";
import { useTRPC } from "~/trpc/client";
import { trpcErrorCode } from "~/trpc/error-code";

const fleetLink = { href: "/", label: "Fleet" };

export function BatchView({ batchId, canControl }: { batchId: string; canControl: boolean }) {
  const trpc = useTRPC();
  const batch = useQuery(trpc.commands.batch.queryOptions({ batchId }, { refetchInterval: 1000 }));

  if (batch.isPending) {
    return (
      <>
        <PageHeader back={fleetLink} title="Push" />
        <LoadingState label="Loading this push…" />
      </>
    );
  }
  if (batch.isError) {
    return (
      <>
        <PageHeader back={fleetLink} title="Push" />
        {trpcErrorCode(batch.error) === "NOT_FOUND" ? (
          <EmptyState
            icon={SearchXIcon}
            title="No such push"
            description="There is no push with this id. The link may be wrong."
          />
        ) : (
          <ErrorState title="Could not load this push" message={batch.error.message} onRetry={() => void batch.refetch()} />
        )}
      </>
    );
  }

  const { data } = batch;
  const total = data.commands.length;
  const done = data.commands.filter((command) => !["pending", "running"].includes(command.status)).length;
  return (
    <>
      <PageHeader
        back={fleetLink}
        title={
          <span className="inline-block first-letter:uppercase">
            {data.kind} on {formatQuantity(total, "machine")}
          </span>
        }
        description={
          <>
            {data.target === "selection" ? "Selected machines" : `Every machine failing ${data.target.slice("rule:".length)}`}, pushed by{" "}
            {data.createdBy ?? "an account since deleted"} <RelativeTime iso={data.createdAt} />.{" "}
            <span data-testid="batch-progress">
              {formatCount(done)} of {formatCount(total)} finished.
            </span>
          </>
        }
      />
      {total === 0 ? (
        <EmptyState title="No machines in this push" description="The rule matched no machine when it was pushed." />
      ) : (
        <Card className="py-0">
          <CardContent className="px-0">
            <Table>
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead className="pl-4">Machine</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead className="w-1/2">Steps</TableHead>
                  <TableHead>Result</TableHead>
                  {canControl ? (
                    <TableHead className="pr-4">
                      <span className="sr-only">Actions</span>
                    </TableHead>
                  ) : null}
                </TableRow>
              </TableHeader>
              <TableBody>
                {data.commands.map((command) => (
                  <TableRow key={command.id} data-testid="batch-row" className="align-top">
                    <TableCell className="pl-4 align-top font-medium">
                      <Link href={`/machines/${command.machineId}`} className="rounded-sm underline-offset-4 outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50">
                        {command.hostname}
                      </Link>
                    </TableCell>
                    <TableCell className="align-top">
                      <StatusBadge kind="status" value={command.status} testId="batch-status" />
                    </TableCell>
                    <TableCell className="align-top whitespace-normal">
                      <ol className="grid max-w-xl gap-2">
                        {command.steps.map((step) => (
                          <li key={step.step} data-testid={`batch-step-${step.step}`}>
                            <div className="flex items-center gap-2">
                              <span className="min-w-16 text-sm font-medium capitalize">{step.step}</span>
                              <StatusBadge kind="status" value={step.status} />
                            </div>
                            <LogBlock log={step.log} failed={step.status === "failed"} className="max-h-32 text-[0.7rem]" testId={`batch-log-${step.step}`} />
                          </li>
                        ))}
                      </ol>
                    </TableCell>
                    <TableCell className="align-top whitespace-normal">
                      {command.error ? <span className="text-sm text-destructive">{command.error}</span> : null}
                      {command.result?.after ? (
                        <span className="text-sm tabular-nums">{formatCount(command.result.after.count)} entries after</span>
                      ) : null}
                    </TableCell>
                    {canControl ? (
                      <TableCell className="pr-4 align-top">
                        <CommandActions commandId={command.id} status={command.status} cancelRequested={false} />
                      </TableCell>
                    ) : null}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      )}
    </>
  );
}
