"use client";
// Pushes a migration to this machine (admins only), and the encrypted cache's other commands:
// switching it off again, and rotating its key. Each asks first and says what it will do.
import { useId, useState } from "react";
import { ConfirmedPush } from "~/components/confirmed-push";
import { PushMigration } from "~/components/push-migration";
import { Card, CardContent } from "~/components/ui/card";
import { Checkbox } from "~/components/ui/checkbox";
import { Label } from "~/components/ui/label";
import { formatBytes } from "~/format";
import { Section } from "./section";
import type { MachineDetail } from "./types";

export function MigratePanel({ machine, canMigrate }: { machine: MachineDetail; canMigrate: boolean }) {
  const busy = machine.commands.some((command) => command.status === "pending" || command.status === "running");
  const report = machine.latestReport;
  const toolchain = report?.probes.goToolchain;
  const backend = toolchain?.status === "ok" ? toolchain.cacheBackend : null;
  const permissions = report?.probes.permissions;
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
                <PushMigration
                  label="Migrate"
                  disabled={busy}
                  scope={{
                    target,
                    who: machine.hostname,
                    gocache: machine.gocache,
                    cacheBytes: machine.cacheBytes,
                    freeBytes: permissions?.status === "ok" ? (permissions.disk?.freeBytes ?? null) : null,
                    otherCacheProg: backend?.kind === "other" ? backend.commandLine : null,
                  }}
                />
                {backend?.kind === "cachefleet" ? (
                  <>
                    <ConfirmedPush
                      label="Rotate key"
                      variant="outline"
                      size="default"
                      disabled={busy}
                      title={`Rotate the cache key of ${machine.hostname}?`}
                      description={
                        <p>
                          The agent creates a new key, seals every entry of the cache again under it, and deletes the old key last. Nothing is rebuilt; builds
                          keep hitting the cache.
                        </p>
                      }
                      confirmLabel="Push the rotation"
                      request={() => ({ target, spec: { kind: "rotate-key", options: {} } })}
                    />
                    <DisableEncryptedCache machine={machine} disabled={busy} />
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
            </>
          ) : (
            <p className="text-sm text-muted-foreground">Only admins can migrate a cache.</p>
          )}
        </CardContent>
      </Card>
    </Section>
  );
}

/** Back to Go's own disk cache: the sealed entries cannot be read without the helper, so they are cleaned. */
function DisableEncryptedCache({ machine, disabled }: { machine: MachineDetail; disabled: boolean }) {
  const backupId = useId();
  const [backup, setBackup] = useState(true);
  return (
    <ConfirmedPush
      label="Disable encrypted cache"
      variant="outline"
      size="default"
      disabled={disabled}
      title={`Disable the encrypted cache of ${machine.hostname}?`}
      description={
        <ol className="list-decimal space-y-1 pl-5">
          <li>
            {backup ? (
              <>
                <strong>Back up</strong> GOCACHE ({formatBytes(machine.cacheBytes)}) to a dated copy beside it, verified before anything is deleted.
              </>
            ) : (
              <>
                <strong>No backup</strong>: the sealed entries are deleted for good.
              </>
            )}
          </li>
          <li>
            <strong>Disable</strong> the helper: <code>go env -u GOCACHEPROG</code>; the go command uses its own plaintext disk cache again.
          </li>
          <li>
            <strong>Clean</strong> the cache (<code>go clean -cache</code>): Go cannot read the sealed entries.
          </li>
        </ol>
      }
      confirmLabel="Push the disable"
      request={() => ({ target: { type: "machines", machineIds: [machine.id] }, spec: { kind: "disable", options: { backup } } })}
    >
      <div className="flex items-center gap-2">
        <Checkbox id={backupId} checked={backup} onCheckedChange={(checked) => setBackup(checked === true)} />
        <Label htmlFor={backupId}>Keep a backup</Label>
      </div>
    </ConfirmedPush>
  );
}
