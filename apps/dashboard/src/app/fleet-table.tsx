"use client";
// The fleet table, polled every few seconds so new reports show up without a reload.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { RouterOutputs } from "@cachefleet/api";
import type { CacheVerdict } from "@cachefleet/contract";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { formatBytes, formatCount } from "~/format";
import { useTRPC } from "~/trpc/client";
import { trpcErrorCode } from "~/trpc/error-code";

type FleetMachine = RouterOutputs["fleet"]["list"][number];

/** Worst first: the order an admin works through them. */
const verdictOrder = ["mixed", "plaintext", "encrypted", "empty"] as const satisfies readonly CacheVerdict[];

/** Rules an admin can target with one push. */
const pushableRules = ["mixed-cache", "plaintext-cache"] as const;

export function FleetTable({ canPush }: { canPush: boolean }) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const trpc = useTRPC();
  const fleet = useQuery(trpc.fleet.list.queryOptions(undefined, { refetchInterval: 5000 }));

  return (
    <>
      <h1>Fleet</h1>
      {fleet.isPending ? (
        <p className="muted" role="status">
          Loading machines…
        </p>
      ) : fleet.isError ? (
        <FleetError code={trpcErrorCode(fleet.error)} message={fleet.error.message} />
      ) : fleet.data.length === 0 ? (
        <div className="card" data-testid="fleet-empty">
          No machines yet — start an agent with{" "}
          <code>cachefleet-agent enroll --server &lt;this dashboard&apos;s URL&gt; --secret &lt;enrollment secret&gt;</code>{" "}
          and then <code>cachefleet-agent run</code>; the machine appears here after its first report.
        </div>
      ) : (
        <>
          <VerdictCounts machines={fleet.data} />
          {canPush ? <BulkPush selected={[...selected].filter((id) => fleet.data.some((machine) => machine.id === id))} /> : null}
          <MachineTable machines={fleet.data} selection={canPush ? { selected, setSelected } : null} />
        </>
      )}
    </>
  );
}

function FleetError({ code, message }: { code: string | undefined; message: string }) {
  if (code === "UNAUTHORIZED") {
    return (
      <p className="error" role="alert">
        Your session has ended. <a href="/signin">Sign in again</a>.
      </p>
    );
  }
  return (
    <p className="error" role="alert">
      Could not load the fleet: {message}
    </p>
  );
}

function VerdictCounts({ machines }: { machines: FleetMachine[] }) {
  const notScanned = machines.filter((machine) => machine.cacheVerdict === null).length;
  return (
    <div className="counts" aria-label="Machines per cache verdict">
      {verdictOrder.map((verdict) => (
        <StatusBadge
          key={verdict}
          kind="verdict"
          value={verdict}
          testId={`verdict-count-${verdict}`}
          label={`${machines.filter((machine) => machine.cacheVerdict === verdict).length} ${verdict}`}
        />
      ))}
      {notScanned > 0 ? <StatusBadge kind="verdict" value={null} label={`${notScanned} not scanned yet`} /> : null}
    </div>
  );
}

function BulkPush({ selected }: { selected: string[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [backup, setBackup] = useState(true);
  const [rule, setRule] = useState<(typeof pushableRules)[number]>("mixed-cache");
  const push = useMutation(trpc.commands.push.mutationOptions({ onSuccess: ({ batchId }) => router.push(`/batches/${batchId}`) }));
  const spec = { kind: "migrate" as const, options: { backup } };

  return (
    <div className="actions bulk" aria-label="Push a migration to many machines">
      <label>
        <input type="checkbox" checked={backup} onChange={(event) => setBackup(event.target.checked)} />
        Keep a backup
      </label>
      <button
        type="button"
        disabled={selected.length === 0 || push.isPending}
        onClick={() => push.mutate({ target: { type: "machines", machineIds: selected }, spec })}
      >
        Migrate selected ({selected.length})
      </button>
      <span className="muted">or</span>
      <label>
        every machine failing{" "}
        <select value={rule} onChange={(event) => setRule(pushableRules.find((name) => name === event.target.value) ?? "mixed-cache")}>
          {pushableRules.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="button-secondary" disabled={push.isPending} onClick={() => push.mutate({ target: { type: "failing-rule", rule }, spec })}>
        Migrate them
      </button>
      {push.isError ? (
        <span className="error" role="alert">
          {push.error.message}
        </span>
      ) : null}
    </div>
  );
}

interface Selection {
  selected: ReadonlySet<string>;
  setSelected: (next: ReadonlySet<string>) => void;
}

function MachineTable({ machines, selection }: { machines: FleetMachine[]; selection: Selection | null }) {
  const toggle = (id: string, on: boolean) => {
    if (!selection) return;
    const next = new Set(selection.selected);
    if (on) next.add(id);
    else next.delete(id);
    selection.setSelected(next);
  };
  const allSelected = selection !== null && machines.every((machine) => selection.selected.has(machine.id));
  return (
    <table>
      <thead>
        <tr>
          {selection ? (
            <th>
              <input
                type="checkbox"
                aria-label="Select every machine"
                checked={allSelected}
                onChange={(event) => selection.setSelected(new Set(event.target.checked ? machines.map((machine) => machine.id) : []))}
              />
            </th>
          ) : null}
          <th>Hostname</th>
          <th>User</th>
          <th>Go version</th>
          <th className="number">Entries</th>
          <th className="number">Size</th>
          <th>Verdict</th>
          <th>Health</th>
          <th>Last seen</th>
        </tr>
      </thead>
      <tbody>
        {machines.map((machine) => (
          <tr key={machine.id} data-testid="machine-row">
            {selection ? (
              <td>
                <input
                  type="checkbox"
                  aria-label={`Select ${machine.hostname}`}
                  checked={selection.selected.has(machine.id)}
                  onChange={(event) => toggle(machine.id, event.target.checked)}
                />
              </td>
            ) : null}
            <td>
              <Link href={`/machines/${machine.id}`}>{machine.hostname}</Link>
              <div className="muted">
                {machine.platform}/{machine.arch}
              </div>
            </td>
            <td>{machine.username || "—"}</td>
            <td>{machine.goVersion ?? "—"}</td>
            <td className="number">{formatCount(machine.cacheEntries)}</td>
            <td className="number">{formatBytes(machine.cacheBytes)}</td>
            <td>
              <StatusBadge kind="verdict" value={machine.cacheVerdict} label={machine.cacheVerdict ?? "not scanned"} />
            </td>
            <td>
              <StatusBadge kind="health" value={machine.health} />{" "}
              <span className="muted">
                {machine.findingsCount} {machine.findingsCount === 1 ? "finding" : "findings"}
              </span>
            </td>
            <td>
              <RelativeTime iso={machine.lastSeenAt} />{" "}
              <StatusBadge kind="presence" value={machine.online ? "online" : "offline"} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
