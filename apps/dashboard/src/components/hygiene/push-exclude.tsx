"use client";
// Pushes "exclude from backup" (tmutil addexclusion on each machine's own GOCACHE) to every
// machine whose cache Time Machine backs up, after a confirmation that says exactly what runs.
import { ConfirmedPush } from "~/components/confirmed-push";
import { formatQuantity } from "~/format";

export function PushExcludeFromBackup({ machines }: { machines: number }) {
  return (
    <ConfirmedPush
      label="Exclude from backup"
      disabled={machines === 0}
      title={`Exclude the caches of ${formatQuantity(machines, "machine")} from Time Machine?`}
      description={
        <p>
          Each agent runs <code>tmutil addexclusion &lt;GOCACHE&gt;</code> on its own GOCACHE from <code>go env</code>, then checks it with{" "}
          <code>tmutil isexcluded</code>. Nothing is deleted; <code>tmutil removeexclusion</code> undoes it.
        </p>
      }
      confirmLabel="Push the exclusion"
      request={() => ({ target: { type: "failing-rule", rule: "gocache-backed-up" }, spec: { kind: "exclude-from-backup", options: {} } })}
      pushed="Exclusion"
    />
  );
}
