"use client";
// The audit's counts per check, the machines of the chosen one, CSV export and a migration push.
import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { DownloadIcon } from "lucide-react";
import type { AuditCheck } from "@cachefleet/db";
import { EmptyState } from "~/components/empty-state";
import { ErrorState } from "~/components/error-state";
import { LoadingState } from "~/components/loading-state";
import { PageHeader } from "~/components/page-header";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { Button } from "~/components/ui/button";
import { Card, CardContent } from "~/components/ui/card";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { cn } from "~/lib/utils";
import { useTRPC } from "~/trpc/client";
import { trpcErrorCode } from "~/trpc/error-code";
import { formatCount, formatQuantity } from "~/format";
import { checkInfo, checkNames } from "./checks";
import { FleetHygiene } from "~/components/hygiene/fleet-hygiene";
import { PushExcludeFromBackup } from "~/components/hygiene/push-exclude";
import { PushMigration } from "~/components/push-migration";

const pageSize = 100;

export function AuditView({ check, canPush }: { check: AuditCheck; canPush: boolean }) {
  const trpc = useTRPC();
  const summary = useQuery(trpc.audit.summary.queryOptions(undefined, { refetchInterval: 10_000 }));
  const counts = new Map(summary.data?.map((row) => [row.check, row.count]));
  const info = checkInfo[check];

  return (
    <>
      <PageHeader
        title="Audit"
        description="Which machines still have plaintext caches, and what else keeps them from the team's policy."
        actions={
          <Button asChild variant="outline" size="sm">
            <a href="/audit/export?check=all" download data-testid="export-all">
              <DownloadIcon aria-hidden />
              Every failing machine as CSV
            </a>
          </Button>
        }
      />
      {summary.isError ? <LoadError code={trpcErrorCode(summary.error)} message={summary.error.message} /> : null}
      <FleetHygiene canPush={canPush} />
      <nav aria-label="Audit checks">
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          {checkNames.map((name) => (
            <li key={name}>
              <Link
                href={`/audit?check=${name}`}
                aria-current={name === check ? "page" : undefined}
                data-testid={`check-${name}`}
                className={cn(
                  "flex h-full items-center justify-between gap-3 rounded-xl border bg-card px-4 py-3 text-card-foreground shadow-sm outline-none transition-colors hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50",
                  name === check && "border-primary ring-1 ring-primary",
                )}
              >
                <span className="text-sm font-medium">{checkInfo[name].title}</span>
                <span className="text-2xl font-semibold tabular-nums" data-testid="check-count">
                  {summary.isPending ? "…" : formatCount(counts.get(name) ?? 0)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section aria-labelledby="check-heading" className="mt-8 space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div className="space-y-1">
            <h2 id="check-heading" data-slot="section-title" className="text-lg font-semibold tracking-tight">
              {info.title}
            </h2>
            <p className="text-sm text-muted-foreground">{info.description}</p>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <Button asChild variant="outline" size="sm">
              <a href={`/audit/export?check=${check}`} download data-testid="export-check">
                <DownloadIcon aria-hidden />
                These machines as CSV
              </a>
            </Button>
            {canPush && info.migrateRule !== null ? (
              <PushMigration
                label="Migrate these machines"
                disabled={(counts.get(check) ?? 0) === 0}
                pushed
                scope={{
                  target: { type: "failing-rule", rule: info.migrateRule },
                  who: formatQuantity(counts.get(check) ?? 0, "machine"),
                  which: `Every machine failing “${info.title}” gets it.`,
                }}
              />
            ) : null}
            {canPush && check === "time-machine" ? <PushExcludeFromBackup machines={counts.get(check) ?? 0} /> : null}
          </div>
        </div>
        <CheckMachines key={check} check={check} />
      </section>
    </>
  );
}

function CheckMachines({ check }: { check: AuditCheck }) {
  const trpc = useTRPC();
  const [page, setPage] = useState(0);
  const machines = useQuery(trpc.audit.machines.queryOptions({ check, page: page + 1, pageSize }, { refetchInterval: 10_000, placeholderData: (previous) => previous }));

  if (machines.isPending) return <LoadingState label="Loading machines…" />;
  if (machines.isError) return <LoadError code={trpcErrorCode(machines.error)} message={machines.error.message} />;
  const { rows, total } = machines.data;
  if (total === 0) {
    return (
      <div data-testid="check-empty">
        <EmptyState title="No machine fails this check" description="Every machine that reported passes it." />
      </div>
    );
  }
  const pages = Math.ceil(total / pageSize);
  return (
    <Card className="py-2">
      <CardContent className="px-4">
        <Table data-testid="audit-table">
          <TableCaption className="mt-0 mb-2 caption-top text-left">
            {formatQuantity(total, "machine")}
            {pages > 1 ? `, page ${page + 1} of ${pages}` : ""}
          </TableCaption>
          <TableHeader>
            <TableRow>
              <TableHead scope="col">Hostname</TableHead>
              <TableHead scope="col">User</TableHead>
              <TableHead scope="col">Go version</TableHead>
              <TableHead scope="col">Verdict</TableHead>
              <TableHead scope="col">Last seen</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((row) => (
              <TableRow key={row.id} data-testid="audit-row">
                <TableHead scope="row" className="font-medium">
                  <Link href={`/machines/${row.id}`} className="underline-offset-4 hover:underline">
                    {row.hostname}
                  </Link>
                </TableHead>
                <TableCell>{row.username || "—"}</TableCell>
                <TableCell>{row.goVersion ?? "—"}</TableCell>
                <TableCell>
                  <StatusBadge kind="verdict" value={row.cacheVerdict} label={row.cacheVerdict ?? "not scanned"} />
                </TableCell>
                <TableCell>
                  <RelativeTime iso={row.lastSeenAt} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {pages > 1 ? (
          <div className="flex justify-end gap-2 py-2">
            <Button type="button" variant="outline" size="sm" disabled={page === 0} onClick={() => setPage(page - 1)}>
              Previous page
            </Button>
            <Button type="button" variant="outline" size="sm" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
              Next page
            </Button>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

function LoadError({ code, message }: { code: string | undefined; message: string }) {
  return code === "UNAUTHORIZED" ? (
    <ErrorState
      title="Your session has ended"
      message={
        <>
          <a href="/signin" className="font-medium underline underline-offset-4">Sign in again</a> to see the audit.
        </>
      }
    />
  ) : (
    <ErrorState title="Could not load the audit" message={message} />
  );
}
