"use client";
// The activity log as sentences: who did what to which secret, machine, policy or command, newest
// first, one page at a time, optionally one kind of event only.
import Link from "next/link";
import { useId, useState, type ReactNode } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { RouterInputs, RouterOutputs } from "@cachefleet/api";
import { HistoryIcon } from "lucide-react";
import { EmptyState } from "~/components/empty-state";
import { ErrorState } from "~/components/error-state";
import { LoadingState } from "~/components/loading-state";
import { Pager } from "~/components/pager";
import { RelativeTime } from "~/components/relative-time";
import { Label } from "~/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "~/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { formatBytes, formatQuantity } from "~/format";
import { useTRPC } from "~/trpc/client";

type ActivityEvent = RouterOutputs["activity"]["list"]["events"][number];
type Kind = NonNullable<RouterInputs["activity"]["list"]["kind"]>;

const kinds: { value: Kind | ""; label: string }[] = [
  { value: "", label: "Everything" },
  { value: "sign-ins", label: "Sign-ins and users" },
  { value: "secrets", label: "Secrets, tokens and webhooks" },
  { value: "machines", label: "Machines" },
  { value: "policy", label: "Policy" },
  { value: "commands", label: "Commands" },
  { value: "remediation", label: "Automatic remediation" },
];

const pageSize = 50;

/** The select's value for "no filter" (a Select item cannot have the empty string as its value). */
const everything = "all";

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
  // The machine's current name, else the name the event recorded, else (a machine since removed) a plain phrase.
  const machineLink = (id: unknown, label?: unknown) => {
    const machineId = text(id);
    const name = event.machineName ?? text(label);
    if (!machineId) return name ?? "a machine";
    if (event.machineName === null) return name ? `${name} (no longer enrolled)` : "a machine no longer enrolled";
    return <Link href={`/machines/${machineId}`} className="font-medium underline underline-offset-4">{name}</Link>;
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
    case "machine.enrolled":
      return (
        <>
          {machineLink(event.subject, d.hostname)} enrolled
          {text(d.secretName) ? <> with the secret “{text(d.secretName)}”</> : null}
        </>
      );
    case "policy.changed":
      return <>changed the policy: {policyChanges(d)}</>;
    case "command.pushed":
      if (text(d.target) !== null && event.subject)
        return (
          <>
            pushed <strong>{text(d.kind)}</strong> to {text(d.machineId) ? machineLink(d.machineId) : <>{text(d.machines) ?? "some"} machine(s) ({text(d.target)})</>} —{" "}
            <Link href={`/batches/${event.subject}`} className="font-medium underline underline-offset-4">follow the batch</Link>
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
          {rest ? <span className="text-muted-foreground"> — {rest}</span> : null}
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

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="grid gap-1.5">
          <Label htmlFor={kindId}>Kind</Label>
          <Select
            value={kind === "" ? everything : kind}
            onValueChange={(value) => {
              setKind(kinds.find((option) => option.value === value)?.value ?? "");
              setPage(1);
            }}
          >
            <SelectTrigger id={kindId} className="w-56">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {kinds.map((option) => (
                <SelectItem key={option.value || everything} value={option.value || everything}>
                  {option.label}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        {activity.data ? (
          <span className="pb-2 text-sm text-muted-foreground">
            {formatQuantity(activity.data.total, "event")}
          </span>
        ) : null}
      </div>
      {activity.isPending ? (
        <LoadingState label="Loading the activity log…" />
      ) : activity.isError ? (
        <ErrorState title="Could not load the activity log" message={activity.error.message} onRetry={() => void activity.refetch()} />
      ) : activity.data.events.length === 0 ? (
        <EmptyState icon={HistoryIcon} title={kind === "" ? "Nothing has happened yet" : "Nothing of this kind has happened yet"} />
      ) : (
        <>
          <div className="rounded-lg border">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead scope="col" className="w-36">
                    When
                  </TableHead>
                  <TableHead scope="col" className="w-56">
                    Who
                  </TableHead>
                  <TableHead scope="col">What</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {activity.data.events.map((event) => (
                  <TableRow key={event.id} data-testid="activity-row" data-action={event.action}>
                    <TableCell>
                      <RelativeTime iso={event.at} />
                    </TableCell>
                    <TableCell className="break-all whitespace-normal">{event.actorEmail ?? <span className="text-muted-foreground">agent / system</span>}</TableCell>
                    <TableCell className="whitespace-normal [&_a]:underline-offset-4 [&_a]:hover:underline">{describe(event)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <Pager label="Activity pages" noun={["event", "events"]} page={page} total={activity.data.total} pageSize={pageSize} onPage={setPage} />
        </>
      )}
    </div>
  );
}
