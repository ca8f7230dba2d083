"use client";
// Pushes a migration to this machine, with or without a backup (admins only).
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/client";
import type { MachineDetail } from "./types";

export function MigratePanel({ machine, canMigrate }: { machine: MachineDetail; canMigrate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
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
    <section aria-labelledby="migration-heading">
      <h2 id="migration-heading">Migration</h2>
      <p className="muted">
        Migrating cleans this machine&apos;s GOCACHE and rebuilds it with the current Go toolchain, so every entry is written the same way.
      </p>
      {canMigrate ? (
        <>
          <div className="actions">
            <label>
              <input type="checkbox" checked={backup} onChange={(event) => setBackup(event.target.checked)} />
              Keep a backup
            </label>
            <button type="button" disabled={busy || migrate.isPending} onClick={() => migrate.mutate({ machineId: machine.id, options: { backup } })}>
              {migrate.isPending ? "Queueing…" : "Migrate"}
            </button>
            {busy ? <span className="muted">A command is queued or running; wait for it to finish.</span> : null}
            {!busy && !machine.online ? <span className="muted">The agent is offline; the command waits until it reconnects.</span> : null}
          </div>
          {migrate.isError ? (
            <p className="error" role="alert">
              Could not queue the migration: {migrate.error.message}
            </p>
          ) : null}
        </>
      ) : (
        <p className="muted">Only admins can migrate a cache.</p>
      )}
    </section>
  );
}
