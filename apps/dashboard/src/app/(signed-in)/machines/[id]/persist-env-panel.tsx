"use client";
// Offers persist-env on a Mac whose GUI apps do not see GOBIN: shows the exact LaunchAgent the
// agent will write (the contract's fixed content), the `go env -w` it runs when GOBIN is unset, and
// how to undo both, before anything is pushed (admins only).
import { gobinLaunchAgentPlist, gobinPathLabel, persistEnvUndo } from "@cachefleet/contract";
import { ConfirmedPush } from "~/components/confirmed-push";
import type { MachineReport } from "./types";

export function PersistEnvPanel({ machineId, report, canPush }: { machineId: string; report: MachineReport; canPush: boolean }) {
  const persistence = report.probes.persistence;
  if (!canPush || report.machine.platform !== "darwin" || persistence.status !== "ok" || persistence.gobin === null) return null;
  if (persistence.launchAgents.status === "ok" && persistence.launchAgents.gobinOnPath) return null;
  const gobin = persistence.gobin;
  const gobinUnset = persistence.gobinFrom !== "GOBIN";
  const plistPath = `~/Library/LaunchAgents/${gobinPathLabel}.plist`;

  return (
    <div className="mb-6 flex flex-wrap items-center gap-2">
      <ConfirmedPush
        label="Put GOBIN on the PATH of GUI apps"
        variant="outline"
        wide
        title="Persist GOBIN for GUI apps?"
        description={
          <p>
            The agent {gobinUnset ? <>runs <code>go env -w GOBIN={gobin}</code>, then </> : null}writes <code>{plistPath}</code> with exactly this content and loads it
            with <code>launchctl bootstrap</code>; IDEs started from then on see GOBIN.
          </p>
        }
        confirmLabel="Push persist-env"
        request={() => ({ target: { type: "machines", machineIds: [machineId] }, spec: { kind: "persist-env", options: {} } })}
        pushed="persist-env"
      >
        <pre data-testid="persist-env-plist" className="max-h-64 overflow-auto rounded-md bg-muted p-3 text-xs">
          {gobinLaunchAgentPlist(gobin)}
        </pre>
        <p className="text-sm text-muted-foreground">
          To undo: <code>{persistEnvUndo(plistPath, !gobinUnset)}</code>
        </p>
      </ConfirmedPush>
    </div>
  );
}
