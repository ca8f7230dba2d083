// The machine's recent commands, each with its steps' logs, result figures, cancel and retry.
import Link from "next/link";
import { CommandActions } from "~/components/command-actions";
import { LogBlock } from "~/components/log-block";
import { EmptyState } from "~/components/empty-state";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { Card, CardContent, CardHeader } from "~/components/ui/card";
import { formatBytes, formatCount, formatDuration, formatQuantity } from "~/format";
import { Section } from "./section";
import type { MachineCommand } from "./types";

export function CommandHistory({ commands, canControl }: { commands: MachineCommand[]; canControl: boolean }) {
  return (
    <Section id="commands" title="Command history" description="The latest commands pushed to this machine, with each step's log.">
      {commands.length === 0 ? (
        <div data-testid="no-commands">
          <EmptyState title="No commands yet" description="Migrations and rescans pushed to this machine show up here." className="py-8" />
        </div>
      ) : (
        <div className="space-y-4">
          {commands.map((command) => (
            <CommandBlock key={command.id} command={command} canControl={canControl} />
          ))}
        </div>
      )}
    </Section>
  );
}

function CommandBlock({ command, canControl }: { command: MachineCommand; canControl: boolean }) {
  return (
    <Card className="gap-3 py-4" data-testid="command" role="article" aria-label={`${command.kind} command`}>
      <CardHeader className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-sm font-semibold">{command.kind}</span>
        <StatusBadge kind="status" value={command.status} testId="command-status" />
        <span className="text-sm text-muted-foreground">
          by {command.createdBy ?? "an account since deleted"}, <RelativeTime iso={command.createdAt} />
          {command.finishedAt ? (
            <>
              ; finished <RelativeTime iso={command.finishedAt} />
            </>
          ) : null}
          {command.batchId ? (
            <>
              {" "}
              · <Link href={`/batches/${command.batchId}`} className="font-medium underline underline-offset-4">batch</Link>
            </>
          ) : null}
        </span>
        {canControl ? (
          <span className="ml-auto">
            <CommandActions commandId={command.id} status={command.status} cancelRequested={command.cancelRequestedAt !== null} />
          </span>
        ) : null}
      </CardHeader>
      <CardContent className="space-y-3">
        {command.error ? (
          <p className="text-sm text-destructive" data-testid="command-error">
            {command.error}
          </p>
        ) : null}
        {command.result ? <CommandResultFigures command={command} result={command.result} /> : null}
        <ol className="space-y-2">
          {command.steps.map((step) => (
            <li key={step.step} data-testid={`step-${step.step}`}>
              <div className="flex items-center gap-2">
                <span className="font-mono text-sm">{step.step}</span>
                <StatusBadge kind="status" value={step.status} testId="step-status" />
              </div>
              <LogBlock log={step.log} failed={step.status === "failed"} />
            </li>
          ))}
        </ol>
      </CardContent>
    </Card>
  );
}

/** Steps that remove entries: a clean empties the cache, a trim removes what Go's own trim would. */
const cleaningSteps = new Set(["clean", "trim"]);

/**
 * What a command changed, in the terms of the disk: a clean that kept a backup moved the cache
 * beside it rather than freeing anything, so it says what was cleaned and where the backup is.
 */
function CommandResultFigures({ command, result }: { command: MachineCommand; result: NonNullable<MachineCommand["result"]> }) {
  const { before, after, backupPath } = result;
  const cleaned = command.steps.some((step) => cleaningSteps.has(step.step) && step.status === "succeeded");
  const freed = before && after ? before.bytes - after.bytes : null;
  return (
    <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
      {before || after ? (
        <span data-testid="result-entries">
          Entries: {before ? formatCount(before.count) : "?"} → {after ? formatCount(after.count) : "?"}
        </span>
      ) : null}
      {cleaned && before && backupPath ? (
        <span data-testid="result-cleaned">
          Cleaned {formatBytes(before.bytes)} ({formatQuantity(before.count, "entry", "entries")}) from GOCACHE{after ? `; it now holds ${formatBytes(after.bytes)}` : ""}
        </span>
      ) : cleaned && freed !== null ? (
        <span data-testid="bytes-freed">{freed >= 0 ? `Freed ${formatBytes(freed)}` : `Grew by ${formatBytes(-freed)}`}</span>
      ) : null}
      {backupPath ? (
        <span data-testid="result-backup">
          Backup{before ? ` (${formatBytes(before.bytes)}, on the same disk until pruned)` : ""}: <code className="text-xs" data-testid="backup-path">{backupPath}</code>
        </span>
      ) : null}
      {result.failedStep ? <span>Failed at: {result.failedStep}</span> : null}
      <span className="text-muted-foreground">Took {formatDuration(result.durationMs)}</span>
    </div>
  );
}
