"use client";
// Pushes a trim (Go's own rule: entries unused for 5 days and more) to every machine whose trim
// has stalled, or to one machine; the dialog says how many bytes it frees before anything runs.
import { ConfirmedPush } from "~/components/confirmed-push";
import { formatBytes, formatQuantity } from "~/format";

export type TrimTarget = { type: "failing-rule"; rule: "stale-trim" } | { type: "machines"; machineIds: [string] };

export function PushTrim({ target, machines, freesBytes, label }: { target: TrimTarget; machines: number; freesBytes: number; label: string }) {
  return (
    <ConfirmedPush
      label={label}
      disabled={machines === 0}
      title={`Trim ${formatQuantity(machines, "machine")}?`}
      description={
        <p>
          Frees <strong data-testid="trim-frees">{formatBytes(freesBytes)}</strong>. Each agent deletes exactly the entries Go&apos;s own trim would: build results
          unused for more than 5 days. No backup is kept, because Go itself deletes them; the next build rebuilds anything it still needs.
        </p>
      }
      confirmLabel="Push the trim"
      request={() => ({ target, spec: { kind: "trim", options: { olderThanDays: 5 } } })}
      pushed="Trim"
    />
  );
}
