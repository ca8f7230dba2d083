"use client";
// Cancel and retry for one command, shown to admins wherever a command is listed.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/client";

const finished = new Set(["succeeded", "failed", "cancelled", "interrupted", "timed-out"]);

export function CommandActions({ commandId, status, cancelRequested }: { commandId: string; status: string; cancelRequested: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Every view of commands polls; refreshing them all at once shows the change immediately.
  const refresh = () => queryClient.invalidateQueries();
  const cancel = useMutation(trpc.commands.cancel.mutationOptions({ onSuccess: refresh }));
  const retry = useMutation(trpc.commands.retry.mutationOptions({ onSuccess: refresh }));
  const error = cancel.error ?? retry.error;

  return (
    <span className="command-actions">
      {status === "pending" || status === "running" ? (
        <button
          type="button"
          className="button-secondary"
          disabled={cancel.isPending || cancelRequested}
          onClick={() => cancel.mutate({ commandId })}
          title={status === "running" ? "Stops at the next safe point; any backup is kept." : "Drops the command before it starts."}
        >
          {cancelRequested ? "Cancelling…" : "Cancel"}
        </button>
      ) : null}
      {finished.has(status) && status !== "succeeded" ? (
        <button type="button" className="button-secondary" disabled={retry.isPending} onClick={() => retry.mutate({ commandId })}>
          Retry
        </button>
      ) : null}
      {error ? (
        <span className="error" role="alert">
          {error.message}
        </span>
      ) : null}
    </span>
  );
}
