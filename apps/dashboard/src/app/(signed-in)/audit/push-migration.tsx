"use client";
// Pushes a migration to every machine failing a check's rule, after a confirmation that also asks
// whether to keep a backup (admins only); then links to the batch that follows it.
import Link from "next/link";
import { useId, useState } from "react";
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
import { Checkbox } from "~/components/ui/checkbox";
import { Label } from "~/components/ui/label";
import { useTRPC } from "~/trpc/client";

export function PushMigration({ rule, title, count }: { rule: string; title: string; count: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const backupId = useId();
  const [open, setOpen] = useState(false);
  const [backup, setBackup] = useState(true);
  const push = useMutation(
    trpc.commands.push.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        return queryClient.invalidateQueries();
      },
    }),
  );
  const machines = (n: number) => `${n} ${n === 1 ? "machine" : "machines"}`;

  return (
    <>
      <AlertDialog open={open} onOpenChange={setOpen}>
        <AlertDialogTrigger asChild>
          <Button type="button" size="sm" disabled={count === 0 || push.isPending}>
            Migrate these machines
          </Button>
        </AlertDialogTrigger>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Migrate {machines(count)}?</AlertDialogTitle>
            <AlertDialogDescription>
              Every machine failing “{title}” gets a migration: its GOCACHE is cleaned and rebuilt with its current Go toolchain. Offline machines run it when they
              reconnect.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <div className="flex items-center gap-2">
            <Checkbox id={backupId} checked={backup} onCheckedChange={(checked) => setBackup(checked === true)} />
            <Label htmlFor={backupId}>Keep a backup of each cache</Label>
          </div>
          {!backup ? <p className="text-sm text-destructive">Without a backup, the old cache entries are deleted for good.</p> : null}
          {push.isError ? (
            <p className="text-sm text-destructive" role="alert">
              Could not push: {push.error.message}
            </p>
          ) : null}
          <AlertDialogFooter>
            {/* The data-slot keeps the stylesheet's rules for bare buttons off it (dark text in the dark theme). */}
            <AlertDialogCancel data-slot="alert-dialog-cancel">Cancel</AlertDialogCancel>
            {/* Not AlertDialogAction: that closes the dialog at once, before the push is known to have worked. */}
            <Button type="button" disabled={push.isPending} onClick={() => push.mutate({ target: { type: "failing-rule", rule }, spec: { kind: "migrate", options: { backup } } })}>
              {push.isPending ? "Pushing…" : "Push the migration"}
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
      {push.isSuccess ? (
        <p role="status" data-testid="push-result" className="w-full text-sm">
          Migration pushed to {machines(push.data.commandIds.length)}. <Link href={`/batches/${push.data.batchId}`} className="font-medium underline underline-offset-4">Follow the batch</Link>
        </p>
      ) : null}
    </>
  );
}
