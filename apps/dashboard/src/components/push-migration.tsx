"use client";
// A migration pushed to one machine, a selection, or every machine failing a rule, confirmed first
// with what it does to each cache (back up, empty, switch to the encrypted cache, rebuild, verify)
// and whether to keep the backup: a migration empties a cache, so it never starts on one click.
import { useId, useState } from "react";
import { cacheProgMinimumGo } from "@cachefleet/contract";
import { ConfirmedPush, type PushAnswer, type PushRequest } from "~/components/confirmed-push";
import { Checkbox } from "~/components/ui/checkbox";
import { Label } from "~/components/ui/label";
import { formatBytes } from "~/format";

export interface MigrationScope {
  target: PushRequest["target"];
  /** Who it reaches, for the title: a hostname, "3 machines", "every machine failing …". */
  who: string;
  /** One machine's GOCACHE, to name it; absent for many. */
  gocache?: string | null;
  /** The bytes the backups will hold (one cache's size, or the selection's sum); null when unknown. */
  cacheBytes?: number | null;
  /** Free disk beside the cache, when one machine's is known. */
  freeBytes?: number | null;
  /** Another GOCACHEPROG on this one machine: offered to be replaced, never by default. */
  otherCacheProg?: string | null;
  /** Which machines, when the title's count does not say (e.g. those failing a check). */
  which?: string;
}

export function PushMigration({
  scope,
  label,
  variant,
  disabled,
  pushed,
  onPushed,
}: {
  scope: MigrationScope;
  label: string;
  variant?: "default" | "outline";
  disabled?: boolean;
  /** Say where it went under the button (many machines); one machine's page shows the command itself. */
  pushed?: boolean;
  onPushed?: (answer: PushAnswer) => void;
}) {
  const backupId = useId();
  const replaceId = useId();
  const [backup, setBackup] = useState(true);
  const [replaceOther, setReplaceOther] = useState(false);
  const one = scope.gocache !== undefined;
  const size = scope.cacheBytes === null || scope.cacheBytes === undefined ? null : formatBytes(scope.cacheBytes);
  const its = one ? "its" : "each machine's";

  return (
    <ConfirmedPush
      label={label}
      variant={variant}
      size={one ? "default" : "sm"}
      disabled={disabled}
      title={`Migrate ${scope.who}?`}
      confirmLabel="Push the migration"
      pushed={pushed ? "Migration" : undefined}
      onPushed={onPushed}
      wide
      request={() => ({
        target: scope.target,
        spec: { kind: "migrate", options: scope.otherCacheProg ? { backup, replaceOtherCacheProg: replaceOther } : { backup } },
      })}
      description={
        <>
          {scope.which ? <p>{scope.which}</p> : null}
          <p>The migration empties {its} build cache and rebuilds it encrypted, in this order, stopping at the first step that fails:</p>
          <ol className="list-decimal space-y-1 pl-5" data-testid="migration-plan">
            <li>
              {backup ? (
                <>
                  <strong>Back up</strong> {one && scope.gocache ? <code>{scope.gocache}</code> : "GOCACHE"}
                  {size ? <> ({size}{one ? "" : " in all"})</> : null} to a dated copy beside it, verified by file count and bytes before anything is deleted;
                  the backup stays until you prune it.
                  {scope.freeBytes !== null && scope.freeBytes !== undefined ? <> {formatBytes(scope.freeBytes)} free there.</> : null}
                </>
              ) : (
                <>
                  <strong>No backup</strong>: {size ? <>the {size} of entries are</> : "the entries are"} deleted for good.
                </>
              )}
            </li>
            <li>
              <strong>Clean</strong> the cache: <code>go clean -cache</code>.
            </li>
            <li>
              <strong>Enable the encrypted cache</strong>: <code>go env -w GOCACHEPROG=…</code> (Cachefleet&apos;s helper), creating the key if it is missing.
            </li>
            <li>
              <strong>Rebuild</strong> the standard library into it (<code>go list std</code>) and <strong>verify</strong> that builds hit it and nothing is plaintext.
            </li>
          </ol>
          <p>
            {one ? "Go" : "A machine whose Go is"} older than {cacheProgMinimumGo} refuses before touching anything.
            {one ? "" : " Offline machines run it when they reconnect."}
          </p>
        </>
      }
    >
      <div className="flex items-center gap-2">
        <Checkbox id={backupId} checked={backup} onCheckedChange={(checked) => setBackup(checked === true)} />
        <Label htmlFor={backupId}>Keep a backup{one ? "" : " of each cache"}</Label>
      </div>
      {scope.otherCacheProg ? (
        <div className="space-y-1">
          <div className="flex items-center gap-2">
            <Checkbox id={replaceId} checked={replaceOther} onCheckedChange={(checked) => setReplaceOther(checked === true)} />
            <Label htmlFor={replaceId}>Replace the other cache helper</Label>
          </div>
          <p className="text-sm text-muted-foreground">
            GOCACHEPROG runs <code>{scope.otherCacheProg}</code>; unticked, the agent leaves it in place and refuses the migration before any step.
          </p>
        </div>
      ) : null}
      {!backup ? <p className="text-sm text-destructive">Without a backup, the old cache entries are deleted for good.</p> : null}
    </ConfirmedPush>
  );
}

