"use client";
// Pushes a migration to every machine failing a check's rule, after a confirmation that also asks
// whether to keep a backup (admins only); then links to the batch that follows it.
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { AlertDialog } from "radix-ui";
import { useTRPC } from "~/trpc/client";

export function PushMigration({ rule, title, count }: { rule: string; title: string; count: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
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

  return (
    <>
      <AlertDialog.Root open={open} onOpenChange={setOpen}>
        <AlertDialog.Trigger asChild>
          <button type="button" disabled={count === 0 || push.isPending}>
            Migrate these machines
          </button>
        </AlertDialog.Trigger>
        <AlertDialog.Portal>
          <AlertDialog.Overlay className="dialog-overlay" />
          <AlertDialog.Content className="dialog card">
            <AlertDialog.Title>
              Migrate {count} {count === 1 ? "machine" : "machines"}?
            </AlertDialog.Title>
            <AlertDialog.Description>
              Every machine failing “{title}” gets a migration: its GOCACHE is cleaned and rebuilt with its current Go toolchain. Offline machines run it when
              they reconnect.
            </AlertDialog.Description>
            <label>
              <input type="checkbox" checked={backup} onChange={(event) => setBackup(event.target.checked)} />
              Keep a backup of each cache
            </label>
            {!backup ? <p className="error">Without a backup, the old cache entries are deleted for good.</p> : null}
            <div className="actions">
              <AlertDialog.Cancel asChild>
                <button type="button" className="button-secondary">
                  Cancel
                </button>
              </AlertDialog.Cancel>
              <button
                type="button"
                disabled={push.isPending}
                onClick={() => push.mutate({ target: { type: "failing-rule", rule }, spec: { kind: "migrate", options: { backup } } })}
              >
                {push.isPending ? "Pushing…" : "Push the migration"}
              </button>
            </div>
            {push.isError ? (
              <p className="error" role="alert">
                Could not push: {push.error.message}
              </p>
            ) : null}
          </AlertDialog.Content>
        </AlertDialog.Portal>
      </AlertDialog.Root>
      {push.isSuccess ? (
        <p role="status" data-testid="push-result">
          Migration pushed to {push.data.commandIds.length} {push.data.commandIds.length === 1 ? "machine" : "machines"}.{" "}
          <Link href={`/batches/${push.data.batchId}`}>Follow the batch</Link>
        </p>
      ) : null}
    </>
  );
}
