"use client";
// Pushes "exclude from backup" (tmutil addexclusion on each machine's own GOCACHE) to every
// machine whose cache Time Machine backs up, after a confirmation that says exactly what runs.
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
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

export function PushExcludeFromBackup({ machines }: { machines: number }) {
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
  const count = (n: number) => `${n} ${n === 1 ? "machine" : "machines"}`;
  return (
    <>
      <AlertDialog open={open} onOpenChange={setOpen}>
        <AlertDialogTrigger asChild>
          <Button type="button" size="sm" disabled={machines === 0 || push.isPending}>
            Exclude from backup
          </Button>
        </AlertDialogTrigger>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Exclude the caches of {count(machines)} from Time Machine?</AlertDialogTitle>
            <AlertDialogDescription>
              Each agent runs <code>tmutil addexclusion &lt;GOCACHE&gt;</code> on its own GOCACHE from <code>go env</code>, then checks it with{" "}
              <code>tmutil isexcluded</code>. Nothing is deleted; <code>tmutil removeexclusion</code> undoes it.
            </AlertDialogDescription>
          </AlertDialogHeader>
          {push.isError ? (
            <p className="text-sm text-destructive" role="alert">
              Could not push: {push.error.message}
            </p>
          ) : null}
          <AlertDialogFooter>
            <AlertDialogCancel data-slot="alert-dialog-cancel">Cancel</AlertDialogCancel>
            <Button type="button" disabled={push.isPending} onClick={() => push.mutate({ target: { type: "failing-rule", rule: "gocache-backed-up" }, spec: { kind: "exclude-from-backup", options: {} } })}>
              {push.isPending ? "Pushing…" : "Push the exclusion"}
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
      {push.isSuccess ? (
        <p role="status" data-testid="push-result" className="w-full text-sm">
          Exclusion pushed to {count(push.data.commandIds.length)}.{" "}
          <Link href={`/batches/${push.data.batchId}`} className="font-medium underline underline-offset-4">
            Follow the batch
          </Link>
        </p>
      ) : null}
    </>
  );
}
