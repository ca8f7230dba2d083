// The machine's recent commands, each with its steps' logs, result figures, cancel and retry.
import Link from "next/link";
import { CommandActions } from "~/components/command-actions";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { formatBytes, formatCount, formatDuration } from "~/format";
import type { MachineCommand } from "./types";

export function CommandHistory({ commands, canControl }: { commands: MachineCommand[]; canControl: boolean }) {
  return (
    <section aria-labelledby="commands-heading">
      <h2 id="commands-heading">Command history</h2>
      {commands.length === 0 ? (
        <p className="muted" data-testid="no-commands">
          No commands yet.
        </p>
      ) : (
        <div className="commands">
          {commands.map((command) => (
            <CommandBlock key={command.id} command={command} canControl={canControl} />
          ))}
        </div>
      )}
    </section>
  );
}

function CommandBlock({ command, canControl }: { command: MachineCommand; canControl: boolean }) {
  return (
    <article className="card" data-testid="command">
      <div className="command-header">
        <span className="command-kind">{command.kind}</span>
        <StatusBadge kind="status" value={command.status} testId="command-status" />
        <span className="muted">
          by {command.createdBy ?? "an account since deleted"}, <RelativeTime iso={command.createdAt} />
          {command.finishedAt ? (
            <>
              ; finished <RelativeTime iso={command.finishedAt} />
            </>
          ) : null}
          {command.batchId ? (
            <>
              {" "}
              · <Link href={`/batches/${command.batchId}`}>batch</Link>
            </>
          ) : null}
        </span>
        {canControl ? <CommandActions commandId={command.id} status={command.status} cancelRequested={command.cancelRequestedAt !== null} /> : null}
      </div>
      {command.error ? (
        <p className="error" data-testid="command-error">
          {command.error}
        </p>
      ) : null}
      {command.result ? <CommandResultFigures result={command.result} /> : null}
      <ol className="steps">
        {command.steps.map((step) => (
          <li key={step.step} data-testid={`step-${step.step}`}>
            <div className="step-header">
              <span className="step-name">{step.step}</span>
              <StatusBadge kind="status" value={step.status} testId="step-status" />
            </div>
            <pre>{step.log}</pre>
          </li>
        ))}
      </ol>
    </article>
  );
}

function CommandResultFigures({ result }: { result: NonNullable<MachineCommand["result"]> }) {
  const { before, after } = result;
  const freed = before && after ? before.bytes - after.bytes : null;
  return (
    <div className="result">
      {before || after ? (
        <span data-testid="result-entries">
          Entries: {before ? formatCount(before.count) : "?"} → {after ? formatCount(after.count) : "?"}
        </span>
      ) : null}
      {freed !== null ? <span data-testid="bytes-freed">{freed >= 0 ? `Freed ${formatBytes(freed)}` : `Grew by ${formatBytes(-freed)}`}</span> : null}
      {result.backupPath ? (
        <span>
          Backup: <code data-testid="backup-path">{result.backupPath}</code>
        </span>
      ) : null}
      {result.failedStep ? <span>Failed at: {result.failedStep}</span> : null}
      <span className="muted">Took {formatDuration(result.durationMs)}</span>
    </div>
  );
}
