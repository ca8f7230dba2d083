"use client";
// Cancel and retry for one command, shown to admins wherever a command is listed.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CircleStopIcon, RotateCwIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { Tooltip, TooltipContent, TooltipTrigger } from "~/components/ui/tooltip";
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
    <span data-slot="command-actions" className="ml-auto inline-flex flex-wrap items-center gap-2">
      {status === "pending" || status === "running" ? (
        <Tooltip>
          <TooltipTrigger asChild>
            <Button
              type="button"
              variant="outline"
              size="sm"
              disabled={cancel.isPending || cancelRequested}
              onClick={() => cancel.mutate({ commandId })}
            >
              <CircleStopIcon aria-hidden />
              {cancelRequested ? "Cancelling…" : "Cancel"}
            </Button>
          </TooltipTrigger>
          <TooltipContent>
            {status === "running" ? "Stops at the next safe point; any backup is kept." : "Drops the command before it starts."}
          </TooltipContent>
        </Tooltip>
      ) : null}
      {finished.has(status) && status !== "succeeded" ? (
        <Button type="button" variant="outline" size="sm" disabled={retry.isPending} onClick={() => retry.mutate({ commandId })}>
          <RotateCwIcon aria-hidden />
          Retry
        </Button>
      ) : null}
      {error ? (
        <span className="text-sm text-destructive" role="alert">
          {error.message}
        </span>
      ) : null}
    </span>
  );
}
