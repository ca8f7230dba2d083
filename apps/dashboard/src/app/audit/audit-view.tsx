"use client";
// The audit's counts per check, the machines of the chosen one, CSV export and a migration push.
import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { AuditCheck } from "@cachefleet/db";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { useTRPC } from "~/trpc/client";
import { trpcErrorCode } from "~/trpc/error-code";
import { checkInfo, checkNames } from "./checks";
import { PushMigration } from "./push-migration";

const pageSize = 100;

export function AuditView({ check, canPush }: { check: AuditCheck; canPush: boolean }) {
  const trpc = useTRPC();
  const summary = useQuery(trpc.audit.summary.queryOptions(undefined, { refetchInterval: 10_000 }));
  const counts = new Map(summary.data?.map((row) => [row.check, row.count]));
  const info = checkInfo[check];

  return (
    <>
      <h1>Audit</h1>
      <p className="muted">Which machines still have plaintext caches, and what else keeps them from the team&apos;s policy.</p>
      {summary.isError ? <LoadError code={trpcErrorCode(summary.error)} message={summary.error.message} /> : null}
      <nav aria-label="Audit checks">
        <ul className="audit-checks">
          {checkNames.map((name) => (
            <li key={name}>
              <Link href={`/audit?check=${name}`} aria-current={name === check ? "page" : undefined} className="card audit-check" data-testid={`check-${name}`}>
                <span className="audit-check-title">{checkInfo[name].title}</span>
                <span className="audit-check-count" data-testid="check-count">
                  {summary.isPending ? "…" : (counts.get(name) ?? 0)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <p>
        <a href="/audit/export?check=all" download data-testid="export-all">
          Download every failing machine as CSV
        </a>
      </p>
      <section aria-labelledby="check-heading">
        <h2 id="check-heading">{info.title}</h2>
        <p className="muted">{info.description}</p>
        <div className="actions">
          <a href={`/audit/export?check=${check}`} download data-testid="export-check">
            Download these machines as CSV
          </a>
          {canPush && info.migrateRule !== null ? <PushMigration rule={info.migrateRule} title={info.title} count={counts.get(check) ?? 0} /> : null}
        </div>
        <CheckMachines key={check} check={check} />
      </section>
    </>
  );
}

function CheckMachines({ check }: { check: AuditCheck }) {
  const trpc = useTRPC();
  const [page, setPage] = useState(0);
  const machines = useQuery(trpc.audit.machines.queryOptions({ check, take: pageSize, skip: page * pageSize }, { refetchInterval: 10_000, placeholderData: (previous) => previous }));

  if (machines.isPending) {
    return (
      <p className="muted" role="status">
        Loading machines…
      </p>
    );
  }
  if (machines.isError) return <LoadError code={trpcErrorCode(machines.error)} message={machines.error.message} />;
  const { rows, total } = machines.data;
  if (total === 0) {
    return (
      <p className="card" data-testid="check-empty">
        No machine fails this check.
      </p>
    );
  }
  const pages = Math.ceil(total / pageSize);
  return (
    <>
      <table data-testid="audit-table">
        <caption className="muted">
          {total} {total === 1 ? "machine" : "machines"}
          {pages > 1 ? `, page ${page + 1} of ${pages}` : ""}
        </caption>
        <thead>
          <tr>
            <th scope="col">Hostname</th>
            <th scope="col">User</th>
            <th scope="col">Go version</th>
            <th scope="col">Verdict</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-testid="audit-row">
              <th scope="row">
                <Link href={`/machines/${row.id}`}>{row.hostname}</Link>
              </th>
              <td>{row.username || "—"}</td>
              <td>{row.goVersion ?? "—"}</td>
              <td>
                <StatusBadge kind="verdict" value={row.cacheVerdict} label={row.cacheVerdict ?? "not scanned"} />
              </td>
              <td>
                <RelativeTime iso={row.lastSeenAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 ? (
        <div className="actions">
          <button type="button" className="button-secondary" disabled={page === 0} onClick={() => setPage(page - 1)}>
            Previous page
          </button>
          <button type="button" className="button-secondary" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
            Next page
          </button>
        </div>
      ) : null}
    </>
  );
}

function LoadError({ code, message }: { code: string | undefined; message: string }) {
  return code === "UNAUTHORIZED" ? (
    <p className="error" role="alert">
      Your session has ended. <a href="/signin">Sign in again</a>.
    </p>
  ) : (
    <p className="error" role="alert">
      Could not load the audit: {message}
    </p>
  );
}
