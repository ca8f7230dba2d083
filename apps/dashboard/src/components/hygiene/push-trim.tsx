"use client";
// Pushes a trim (Go's own rule: entries unused for 5 days and more) to every machine whose trim
// has stalled, or to one machine; the dialog says how many bytes it frees before anything runs.
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
import { formatBytes } from "~/format";
import { useTRPC } from "~/trpc/client";

export type TrimTarget = { type: "failing-rule"; rule: "stale-trim" } | { type: "machines"; machineIds: [string] };

export function PushTrim({ target, machines, freesBytes, label }: { target: TrimTarget; machines: number; freesBytes: number; label: string }) {
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
            {label}
          </Button>
        </AlertDialogTrigger>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Trim {count(machines)}?</AlertDialogTitle>
            <AlertDialogDescription>
              Frees <strong data-testid="trim-frees">{formatBytes(freesBytes)}</strong>. Each agent deletes exactly the entries Go&apos;s own trim would: build
              results unused for more than 5 days. No backup is kept, because Go itself deletes them; the next build rebuilds anything it still needs.
            </AlertDialogDescription>
          </AlertDialogHeader>
          {push.isError ? (
            <p className="text-sm text-destructive" role="alert">
              Could not push: {push.error.message}
            </p>
          ) : null}
          <AlertDialogFooter>
            <AlertDialogCancel data-slot="alert-dialog-cancel">Cancel</AlertDialogCancel>
            <Button type="button" disabled={push.isPending} onClick={() => push.mutate({ target, spec: { kind: "trim", options: { olderThanDays: 5 } } })}>
              {push.isPending ? "Pushing…" : "Push the trim"}
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
      {push.isSuccess ? (
        <p role="status" data-testid="push-result" className="w-full text-sm">
          Trim pushed to {count(push.data.commandIds.length)}.{" "}
          <Link href={`/batches/${push.data.batchId}`} className="font-medium underline underline-offset-4">
            Follow the batch
          </Link>
        </p>
      ) : null}
    </>
  );
}
