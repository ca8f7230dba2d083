"use client";
// The activity log as sentences: who did what to which secret, machine, policy or command, newest
// first, one page at a time, optionally one kind of event only.
import Link from "next/link";
import { useId, useState, type ReactNode } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { RouterInputs, RouterOutputs } from "@cachefleet/api";
import { RelativeTime } from "~/components/relative-time";
import { formatBytes } from "~/format";
import { useTRPC } from "~/trpc/client";

type ActivityEvent = RouterOutputs["activity"]["list"]["events"][number];
type Kind = NonNullable<RouterInputs["activity"]["list"]["kind"]>;

const kinds: { value: Kind | ""; label: string }[] = [
  { value: "", label: "Everything" },
  { value: "sign-ins", label: "Sign-ins and users" },
  { value: "secrets", label: "Enrollment secrets" },
  { value: "machines", label: "Machines" },
  { value: "policy", label: "Policy" },
  { value: "commands", label: "Commands" },
];

const pageSize = 50;

const text = (value: unknown): string | null => (typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : null);

/** What changed between two policy snapshots, as "field: before → after". */
function policyChanges(detail: Record<string, unknown>): string {
  const before = detail.before;
  const after = detail.after;
  if (typeof before !== "object" || before === null || typeof after !== "object" || after === null) return "";
  const labels: Record<string, (value: unknown) => string> = {
    requireEncryption: (value) => (value ? "required" : "not required"),
    requireEncryptedFromGo: (value) => `from Go ${text(value) ?? "?"}`,
    cacheSizeWarningBytes: (value) => (typeof value === "number" ? formatBytes(value) : "?"),
    offlineAfterMinutes: (value) => `${text(value) ?? "?"} min`,
  };
  const names: Record<string, string> = {
    requireEncryption: "encryption",
    requireEncryptedFromGo: "encryption",
    cacheSizeWarningBytes: "size warning",
    offlineAfterMinutes: "offline after",
  };
  const changes: string[] = [];
  for (const [field, show] of Object.entries(labels)) {
    const was: unknown = Reflect.get(before, field);
    const now: unknown = Reflect.get(after, field);
    if (was !== now) changes.push(`${names[field] ?? field}: ${show(was)} → ${show(now)}`);
  }
  return changes.length > 0 ? changes.join("; ") : "no field changed";
}

/** The event as a sentence; unknown kinds fall back to their action name and details. */
function describe(event: ActivityEvent): ReactNode {
  const d = event.detail;
  const machineLink = (id: unknown, label?: unknown) => {
    const machineId = text(id);
    return machineId ? <Link href={`/machines/${machineId}`}>{text(label) ?? "a machine"}</Link> : "a machine";
  };
  switch (event.action) {
    case "sign-in":
      return "signed in";
    case "sign-out":
      return "signed out";
    case "enrollment-secret.created":
      return <>created the enrollment secret “{text(d.name) ?? event.subject}”</>;
    case "enrollment-secret.revoked":
      return <>revoked the enrollment secret “{text(d.name) ?? event.subject}”</>;
    case "machine.revoked":
      return <>revoked the machine {machineLink(event.subject, d.hostname)}</>;
    case "policy.changed":
      return <>changed the policy: {policyChanges(d)}</>;
    case "command.pushed":
      if (text(d.target) !== null && event.subject)
        return (
          <>
            pushed <strong>{text(d.kind)}</strong> to {text(d.machines) ?? "some"} machine(s) ({text(d.target)}) —{" "}
            <Link href={`/batches/${event.subject}`}>follow the batch</Link>
          </>
        );
      return (
        <>
          pushed <strong>{text(d.kind) ?? "a command"}</strong> to {machineLink(d.machineId)}
          {text(d.retryOf) ? " (a retry)" : ""}
        </>
      );
    case "command.finished":
      return (
        <>
          a command on {machineLink(d.machineId)} ended <strong>{text(d.status) ?? "?"}</strong>
          {text(d.error) ? `: ${text(d.error)}` : ""}
        </>
      );
    case "command.cancel":
      return <>asked to cancel a command ({text(d.outcome) ?? "?"})</>;
    case "command.late-result":
      return <>a result arrived after its command had ended ({text(d.status) ?? "?"})</>;
    default: {
      const rest = Object.entries(d)
        .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
        .join(" · ");
      return (
        <>
          {event.action}
          {rest ? <span className="muted"> — {rest}</span> : null}
        </>
      );
    }
  }
}

export function ActivityTable() {
  const trpc = useTRPC();
  const [kind, setKind] = useState<Kind | "">("");
  const [page, setPage] = useState(1);
  const kindId = useId();
  const activity = useQuery(
    trpc.activity.list.queryOptions({ kind: kind === "" ? undefined : kind, page, pageSize }, { refetchInterval: 5000, placeholderData: keepPreviousData }),
  );
  const pages = activity.data ? Math.max(1, Math.ceil(activity.data.total / pageSize)) : 1;

  return (
    <>
      <div className="actions">
        <label htmlFor={kindId}>Kind</label>
        <select
          id={kindId}
          value={kind}
          onChange={(event) => {
            const chosen = kinds.find((option) => option.value === event.target.value);
            setKind(chosen?.value ?? "");
            setPage(1);
          }}
        >
          {kinds.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        {activity.data ? <span className="muted">{activity.data.total} events</span> : null}
      </div>
      {activity.isPending ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : activity.isError ? (
        <p className="error" role="alert">
          Could not load the activity log: {activity.error.message}
        </p>
      ) : activity.data.events.length === 0 ? (
        <p className="muted">{kind === "" ? "Nothing has happened yet." : "Nothing of this kind has happened yet."}</p>
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
              </tr>
            </thead>
            <tbody>
              {activity.data.events.map((event) => (
                <tr key={event.id} data-testid="activity-row" data-action={event.action}>
                  <td>
                    <RelativeTime iso={event.at} />
                  </td>
                  <td>{event.actorEmail ?? <span className="muted">agent / system</span>}</td>
                  <td>{describe(event)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {pages > 1 ? (
            <nav aria-label="Activity pages" className="actions">
              <button type="button" className="button-secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                Newer
              </button>
              <span>
                Page {page} of {pages}
              </span>
              <button type="button" className="button-secondary" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                Older
              </button>
            </nav>
          ) : null}
        </>
      )}
    </>
  );
}
