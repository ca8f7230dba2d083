"use client";
// Pushes a migration to this machine, with or without a backup (admins only).
import { useId, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "~/components/ui/button";
import { Card, CardContent } from "~/components/ui/card";
import { Checkbox } from "~/components/ui/checkbox";
import { Label } from "~/components/ui/label";
import { useTRPC } from "~/trpc/client";
import { Section } from "./section";
import type { MachineDetail } from "./types";

export function MigratePanel({ machine, canMigrate }: { machine: MachineDetail; canMigrate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const backupId = useId();
  const [backup, setBackup] = useState(true);
  const migrate = useMutation(
    trpc.fleet.migrate.mutationOptions({
      // Returning the refetch keeps the mutation pending until the new command is on screen, so
      // the button cannot be pressed twice in between.
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.machines.detail.queryKey({ machineId: machine.id }) }),
    }),
  );
  const busy = machine.commands.some((command) => command.status === "pending" || command.status === "running");

  return (
    <Section
      id="migration"
      title="Migration"
      description="Migrating cleans this machine's GOCACHE and rebuilds it with the current Go toolchain, so every entry is written the same way."
    >
      <Card className="py-4">
        <CardContent className="space-y-3">
          {canMigrate ? (
            <>
              <div className="flex flex-wrap items-center gap-4">
                <div className="flex items-center gap-2">
                  <Checkbox id={backupId} checked={backup} onCheckedChange={(checked) => setBackup(checked === true)} />
                  <Label htmlFor={backupId}>Keep a backup</Label>
                </div>
                <Button type="button" disabled={busy || migrate.isPending} onClick={() => migrate.mutate({ machineId: machine.id, options: { backup } })}>
                  {migrate.isPending ? "Queueing…" : "Migrate"}
                </Button>
                {busy ? <span className="text-sm text-muted-foreground">A command is queued or running; wait for it to finish.</span> : null}
                {!busy && !machine.online ? <span className="text-sm text-muted-foreground">The agent is offline; the command waits until it reconnects.</span> : null}
              </div>
              {migrate.isError ? (
                <p className="text-sm text-destructive" role="alert">
                  Could not queue the migration: {migrate.error.message}
                </p>
              ) : null}
            </>
          ) : (
            <p className="text-sm text-muted-foreground">Only admins can migrate a cache.</p>
          )}
        </CardContent>
      </Card>
    </Section>
  );
}
