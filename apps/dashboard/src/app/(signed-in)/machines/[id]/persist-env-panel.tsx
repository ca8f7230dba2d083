"use client";
// Offers persist-env on a Mac whose GUI apps do not see GOBIN: shows the exact LaunchAgent the
// agent will write (the contract's fixed content), the `go env -w` it runs when GOBIN is unset, and
// how to undo both, before anything is pushed (admins only).
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { gobinLaunchAgentPlist, gobinPathLabel, persistEnvUndo } from "@cachefleet/contract";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "~/components/ui/alert-dialog";
import { Button } from "~/components/ui/button";
import { useTRPC } from "~/trpc/client";
import type { MachineReport } from "./types";

export function PersistEnvPanel({ machineId, report, canPush }: { machineId: string; report: MachineReport; canPush: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const push = useMutation(
    trpc.commands.push.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        return queryClient.invalidateQueries();
      },
    }),
  );
  const persistence = report.probes.persistence;
  if (!canPush || report.machine.platform !== "darwin" || persistence.status !== "ok" || persistence.gobin === null) return null;
  if (persistence.launchAgents.status === "ok" && persistence.launchAgents.gobinOnPath) return null;
  const gobin = persistence.gobin;
  const gobinUnset = persistence.gobinFrom !== "GOBIN";
  const plistPath = `~/Library/LaunchAgents/${gobinPathLabel}.plist`;

  return (
    <div className="mb-6 flex flex-wrap items-center gap-2">
      <AlertDialog open={open} onOpenChange={setOpen}>
        <AlertDialogTrigger asChild>
          <Button type="button" size="sm" variant="outline" disabled={push.isPending}>
            Put GOBIN on the PATH of GUI apps
          </Button>
        </AlertDialogTrigger>
        <AlertDialogContent className="sm:max-w-2xl">
          <AlertDialogHeader>
            <AlertDialogTitle>Persist GOBIN for GUI apps?</AlertDialogTitle>
            <AlertDialogDescription>
              The agent {gobinUnset ? <>runs <code>go env -w GOBIN={gobin}</code>, then </> : null}writes <code>{plistPath}</code> with exactly this content and loads it with{" "}
              <code>launchctl bootstrap</code>; IDEs started from then on see GOBIN.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <pre data-testid="persist-env-plist" className="max-h-64 overflow-auto rounded-md bg-muted p-3 text-xs">
            {gobinLaunchAgentPlist(gobin)}
          </pre>
          <p className="text-sm text-muted-foreground">
            To undo: <code>{persistEnvUndo(plistPath, !gobinUnset)}</code>
          </p>
          {push.isError ? (
            <p className="text-sm text-destructive" role="alert">
              Could not push: {push.error.message}
            </p>
          ) : null}
          <AlertDialogFooter>
            <AlertDialogCancel data-slot="alert-dialog-cancel">Cancel</AlertDialogCancel>
            <Button type="button" disabled={push.isPending} onClick={() => push.mutate({ target: { type: "machines", machineIds: [machineId] }, spec: { kind: "persist-env", options: {} } })}>
              {push.isPending ? "Pushing…" : "Push persist-env"}
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
      {push.isSuccess ? (
        <p role="status" className="text-sm">
          persist-env queued.
        </p>
      ) : null}
    </div>
  );
}
