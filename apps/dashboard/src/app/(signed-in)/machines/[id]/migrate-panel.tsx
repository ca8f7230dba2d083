"use client";
// Pushes a migration to this machine, with or without a backup (admins only), and the encrypted
// cache's other commands: switching it off again, and rotating its key.
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
  const replaceId = useId();
  const [backup, setBackup] = useState(true);
  const [replaceOther, setReplaceOther] = useState(false);
  // Returning the refetch keeps a mutation pending until the new command is on screen, so a
  // button cannot be pressed twice in between.
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.machines.detail.queryKey({ machineId: machine.id }) });
  const migrate = useMutation(trpc.fleet.migrate.mutationOptions({ onSuccess: refresh }));
  const push = useMutation(trpc.commands.push.mutationOptions({ onSuccess: refresh }));
  const busy = machine.commands.some((command) => command.status === "pending" || command.status === "running");
  const toolchain = machine.latestReport?.probes.goToolchain;
  const backend = toolchain?.status === "ok" ? toolchain.cacheBackend : null;
  const target = { type: "machines" as const, machineIds: [machine.id] };

  return (
    <Section
      id="migration"
      title="Migration"
      description="Go never encrypts its build cache by itself. Migrating backs up and cleans this machine's GOCACHE, switches the go command to Cachefleet's encrypted cache helper (GOCACHEPROG, Go 1.24 or later; the key is created if missing), rebuilds it and verifies that builds hit it."
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
                {backend?.kind === "other" ? (
                  <div className="flex items-center gap-2">
                    <Checkbox id={replaceId} checked={replaceOther} onCheckedChange={(checked) => setReplaceOther(checked === true)} />
                    <Label htmlFor={replaceId}>Replace the other cache helper</Label>
                  </div>
                ) : null}
                <Button
                  type="button"
                  disabled={busy || migrate.isPending}
                  onClick={() => migrate.mutate({ machineId: machine.id, options: backend?.kind === "other" ? { backup, replaceOtherCacheProg: replaceOther } : { backup } })}
                >
                  {migrate.isPending ? "Queueing…" : "Migrate"}
                </Button>
                {backend?.kind === "cachefleet" ? (
                  <>
                    <Button type="button" variant="outline" disabled={busy || push.isPending} onClick={() => push.mutate({ target, spec: { kind: "rotate-key", options: {} } })}>
                      Rotate key
                    </Button>
                    <Button type="button" variant="outline" disabled={busy || push.isPending} onClick={() => push.mutate({ target, spec: { kind: "disable", options: { backup } } })}>
                      Disable encrypted cache
                    </Button>
                  </>
                ) : null}
                {busy ? <span className="text-sm text-muted-foreground">A command is queued or running; wait for it to finish.</span> : null}
                {!busy && !machine.online ? <span className="text-sm text-muted-foreground">The agent is offline; the command waits until it reconnects.</span> : null}
              </div>
              {backend?.kind === "other" ? (
                <p className="text-sm text-muted-foreground">
                  GOCACHEPROG runs another cache helper (<code>{backend.commandLine}</code>); a migration leaves it in place unless you tick “Replace the other cache helper”.
                </p>
              ) : null}
              {migrate.isError ? (
                <p className="text-sm text-destructive" role="alert">
                  Could not queue the migration: {migrate.error.message}
                </p>
              ) : null}
              {push.isError ? (
                <p className="text-sm text-destructive" role="alert">
                  Could not queue the command: {push.error.message}
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
