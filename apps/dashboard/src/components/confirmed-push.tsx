"use client";
// A push that asks first: the button opens a dialog that says exactly what will run and where;
// only the dialog pushes, and it stays open until the server has accepted the push (or says why
// not). Then every query is refreshed and, where asked, a line says where it went with a link to
// follow the batch. Every confirmed push of the dashboard is this one component.
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RouterInputs, RouterOutputs } from "@cachefleet/api";
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
import { formatQuantity } from "~/format";
import { cn } from "~/lib/utils";
import { useTRPC } from "~/trpc/client";

export type PushRequest = RouterInputs["commands"]["push"];
export type PushAnswer = RouterOutputs["commands"]["push"];

export function ConfirmedPush({
  label,
  variant = "default",
  size = "sm",
  disabled = false,
  title,
  description,
  children,
  confirmLabel,
  request,
  pushed,
  onPushed,
  wide = false,
}: {
  /** The button that opens the dialog. */
  label: ReactNode;
  variant?: "default" | "outline";
  size?: "sm" | "default";
  disabled?: boolean;
  title: ReactNode;
  /** What runs, where, and what it changes. */
  description: ReactNode;
  /** Options and details below the description: a backup checkbox, the file that will be written. */
  children?: ReactNode;
  confirmLabel: string;
  /** The push, built when confirmed so that the options chosen in the dialog count. */
  request: () => PushRequest;
  /** What was pushed, for the line under the button: "Trim" gives "Trim pushed to 3 machines." */
  pushed?: string;
  /** Anything else once the server accepted the push (e.g. going to the batch's page). */
  onPushed?: (answer: PushAnswer) => void;
  wide?: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const push = useMutation(
    trpc.commands.push.mutationOptions({
      onSuccess: (answer) => {
        setOpen(false);
        onPushed?.(answer);
        // Every view of machines and commands polls; refreshing them all shows the push at once.
        // Returned, so the button stays disabled until the refreshed views are on screen.
        return queryClient.invalidateQueries();
      },
    }),
  );

  return (
    <>
      <AlertDialog open={open} onOpenChange={setOpen}>
        <AlertDialogTrigger asChild>
          <Button type="button" size={size} variant={variant} disabled={disabled || push.isPending}>
            {label}
          </Button>
        </AlertDialogTrigger>
        <AlertDialogContent className={cn(wide && "sm:max-w-2xl")}>
          <AlertDialogHeader>
            <AlertDialogTitle>{title}</AlertDialogTitle>
            <AlertDialogDescription asChild>
              <div className="space-y-2">{description}</div>
            </AlertDialogDescription>
          </AlertDialogHeader>
          {children}
          {push.isError ? (
            <p className="text-sm text-destructive" role="alert">
              Could not push: {push.error.message}
            </p>
          ) : null}
          <AlertDialogFooter>
            {/* The data-slot keeps the stylesheet's rules for bare buttons off it (dark text in the dark theme). */}
            <AlertDialogCancel data-slot="alert-dialog-cancel">Cancel</AlertDialogCancel>
            {/* Not AlertDialogAction: that closes the dialog at once, before the push is known to have worked. */}
            <Button type="button" disabled={push.isPending} onClick={() => push.mutate(request())}>
              {push.isPending ? "Pushing…" : confirmLabel}
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
      {pushed && push.isSuccess ? (
        <p role="status" data-testid="push-result" className="w-full text-sm">
          {pushed} pushed to {formatQuantity(push.data.commandIds.length, "machine")}.{" "}
          <Link href={`/batches/${push.data.batchId}`} className="font-medium underline underline-offset-4">
            Follow the batch
          </Link>
        </p>
      ) : null}
    </>
  );
}
