"use client";
// The live view of one machine, polled every second so a running migration shows its progress.
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { RouterOutputs } from "@cachefleet/api";
import type { AgentProbes, Tally } from "@cachefleet/contract";
import type { Role } from "@cachefleet/db";
import { CommandActions } from "~/components/command-actions";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { formatBytes, formatCount, formatDuration } from "~/format";
import { useTRPC } from "~/trpc/client";
import { trpcErrorCode } from "~/trpc/error-code";

type Machine = RouterOutputs["fleet"]["machine"];
type Command = Machine["commands"][number];

export function MachineView({
  machineId,
  role,
  initialData,
}: {
  machineId: string;
  /** From the server page: the query result does not say who is asking. */
  role: Role;
  initialData?: Machine;
}) {
  const trpc = useTRPC();
  const query = useQuery(trpc.fleet.machine.queryOptions({ machineId }, { refetchInterval: 1000, initialData }));

  if (query.isPending) {
    return (
      <p className="muted" role="status">
        Loading machine…
      </p>
    );
  }
  if (query.isError && query.data === undefined) {
    return <MachineError code={trpcErrorCode(query.error)} message={query.error.message} />;
  }
  const machine = query.data;
  return (
    <>
      <p>
        <Link href="/">← Fleet</Link>
      </p>
      <div className="command-header">
        <h1>{machine.hostname}</h1>
        <StatusBadge kind="presence" value={machine.online ? "online" : "offline"} />
      </div>
      {query.isError ? (
        <p className="error" role="alert">
          Could not refresh ({query.error.message}); showing what was last loaded.
        </p>
      ) : null}
      <Facts machine={machine} />
      <Findings machine={machine} />
      <Probes machine={machine} />
      <Composition machine={machine} />
      <Migrate machine={machine} canMigrate={role === "admin"} />
      <CommandHistory commands={machine.commands} canControl={role === "admin"} />
    </>
  );
}

function MachineError({ code, message }: { code: string | undefined; message: string }) {
  if (code === "NOT_FOUND" || code === "BAD_REQUEST") {
    return (
      <>
        <h1>Machine not found</h1>
        <p data-testid="machine-not-found">
          There is no machine with this id. It may have been removed. <Link href="/">Back to the fleet</Link>
        </p>
      </>
    );
  }
  if (code === "UNAUTHORIZED") {
    return (
      <p className="error" role="alert">
        Your session has ended. <a href="/signin">Sign in again</a>.
      </p>
    );
  }
  return (
    <p className="error" role="alert">
      Could not load this machine: {message}
    </p>
  );
}

function Facts({ machine }: { machine: Machine }) {
  const osRelease = machine.latestReport?.machine.osRelease;
  return (
    <dl className="facts card">
      <div>
        <dt>Platform</dt>
        <dd>
          {machine.platform}
          {osRelease ? <span className="muted"> {osRelease}</span> : null}
        </dd>
      </div>
      <div>
        <dt>Architecture</dt>
        <dd>{machine.arch}</dd>
      </div>
      <div>
        <dt>User</dt>
        <dd>{machine.username || "—"}</dd>
      </div>
      <div>
        <dt>Go version</dt>
        <dd>{machine.goVersion ?? "—"}</dd>
      </div>
      <div>
        <dt>GOCACHE</dt>
        <dd>{machine.gocache ? <code>{machine.gocache}</code> : "—"}</dd>
      </div>
      <div>
        <dt>Entries</dt>
        <dd data-testid="cache-entries">{machine.cacheEntries === null ? "—" : String(machine.cacheEntries)}</dd>
      </div>
      <div>
        <dt>Size</dt>
        <dd title={machine.cacheBytes === null ? undefined : `${formatCount(machine.cacheBytes)} bytes`}>
          {formatBytes(machine.cacheBytes)}
        </dd>
      </div>
      <div>
        <dt>Verdict</dt>
        <dd>
          <StatusBadge
            kind="verdict"
            value={machine.cacheVerdict}
            label={machine.cacheVerdict ?? "not scanned"}
            testId="cache-verdict"
          />
        </dd>
      </div>
      <div>
        <dt>Health</dt>
        <dd>
          <StatusBadge kind="health" value={machine.health} />{" "}
          <span className="muted">
            {machine.findingsCount} {machine.findingsCount === 1 ? "finding" : "findings"}
          </span>
        </dd>
      </div>
      <div>
        <dt>Last seen</dt>
        <dd>
          <RelativeTime iso={machine.lastSeenAt} />{" "}
          <span className="muted">({machine.online ? "online" : "offline"})</span>
        </dd>
      </div>
      <div>
        <dt>Enrolled</dt>
        <dd>
          <RelativeTime iso={machine.enrolledAt} />
        </dd>
      </div>
    </dl>
  );
}

function Findings({ machine }: { machine: Machine }) {
  return (
    <section>
      <h2>Findings</h2>
      {machine.latestReport === null ? (
        <p className="muted">No report yet: findings appear after the agent&apos;s first report.</p>
      ) : machine.findings.length === 0 ? (
        <p className="muted">No findings: this machine follows the team&apos;s policy.</p>
      ) : (
        <ul className="findings">
          {machine.findings.map((finding) => (
            <li key={finding.rule} className={`severity-${finding.severity}`} data-testid="finding">
              <strong>{finding.title}</strong>
              <div>{finding.action}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One line per machine probe: its facts when it ran, else why not. */
function probeLines(probes: AgentProbes): [label: string, text: string, muted: boolean][] {
  const unavailable = (probe: { status: "not-applicable" | "error"; message: string }) =>
    `${probe.status === "error" ? "Could not tell" : "Not applicable"}: ${probe.message}`;
  const lines: [string, string, boolean][] = [];
  const { goToolchain, hardware, keychain, permissions, persistence, tools, versionDrift } = probes;
  if (goToolchain.status === "ok") {
    const built = goToolchain.buildInfo.status === "ok" ? ` (built with ${goToolchain.buildInfo.info.goVersion}, ${goToolchain.buildInfo.info.settings.GOARCH ?? "?"})` : "";
    const others = goToolchain.toolchains.map((t) => `${t.version ?? "unknown"}${t.active ? " (active)" : ""} at ${t.root}`).join("; ");
    lines.push(["Go toolchains", `${goToolchain.binary}${built}${others ? `; found ${others}` : ""}`, false]);
  } else lines.push(["Go toolchains", unavailable(goToolchain), true]);
  if (hardware.status === "ok") {
    const macos = hardware.macos ? `, ${hardware.macos.productName} ${hardware.macos.productVersion} (${hardware.macos.buildVersion})` : "";
    const rosetta = hardware.goUnderRosetta ? "; Go runs under Rosetta" : hardware.agentTranslated ? "; the agent runs under Rosetta" : "";
    lines.push(["Hardware", `${hardware.appleSilicon ? "Apple Silicon" : "Intel"} (${hardware.machine || "?"})${macos}${rosetta}`, false]);
  } else lines.push(["Hardware", unavailable(hardware), true]);
  if (keychain.status === "ok") lines.push(["Keychain", keychain.itemPresent ? "Encryption key item present" : "No encryption key item", false]);
  else lines.push(["Keychain", unavailable(keychain), true]);
  if (permissions.status === "ok") {
    const facts = !permissions.exists
      ? "missing"
      : [
          permissions.ownedByUser === false ? `owned by uid ${permissions.ownerUid}` : "owned by the user",
          permissions.writable === false ? "not writable" : "writable",
          permissions.hardLinks === false ? "no hard links" : "hard links work",
        ].join(", ");
    lines.push(["GOCACHE", `${facts}${permissions.disk ? `; ${formatBytes(permissions.disk.freeBytes)} free` : ""}`, false]);
  } else lines.push(["GOCACHE", unavailable(permissions), true]);
  if (persistence.status === "ok") {
    const goenv = persistence.goenv.status === "ok" ? `go env -w: ${persistence.goenv.keys.join(", ") || "nothing"}` : unavailable(persistence.goenv);
    const agents =
      persistence.launchAgents.status === "ok"
        ? `; GOBIN ${persistence.launchAgents.gobinOnPath ? "is" : "is not"} on a LaunchAgent PATH`
        : persistence.launchAgents.status === "error"
          ? `; LaunchAgents: ${persistence.launchAgents.message}`
          : "";
    lines.push(["Persistence", `${goenv}${agents}`, false]);
  } else lines.push(["Persistence", unavailable(persistence), true]);
  if (tools.status === "ok") {
    const goTools = tools.binaries.flatMap((tool) => (tool.kind === "go" ? [`${tool.module?.path ?? tool.name} ${tool.module?.version ?? ""} (${tool.goVersion})`] : []));
    lines.push(["Installed tools", tools.exists ? `${goTools.length} Go tools in ${tools.dir}${goTools.length ? `: ${goTools.join(", ")}` : ""}` : `${tools.dir} does not exist`, false]);
  } else lines.push(["Installed tools", unavailable(tools), true]);
  if (versionDrift.status === "ok") {
    const previous = versionDrift.previousVersion ? `; before: ${versionDrift.previousVersion}` : "";
    lines.push(["Go versions", `${versionDrift.currentVersion}${previous}${versionDrift.sharedAcrossVersions ? "; the cache is shared across versions" : ""}`, false]);
  } else lines.push(["Go versions", unavailable(versionDrift), true]);
  return lines;
}

function Probes({ machine }: { machine: Machine }) {
  const probes = machine.latestReport?.probes;
  if (!probes) return null;
  return (
    <section>
      <h2>Machine probes</h2>
      <dl className="facts card" data-testid="probes">
        {probeLines(probes).map(([label, text, muted]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd className={muted ? "muted" : undefined}>{text}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Composition({ machine }: { machine: Machine }) {
  const scan = machine.latestReport?.scan;
  if (!scan) return null;
  if (scan.status !== "ok") {
    return (
      <section>
        <h2>Cache composition</h2>
        <p className="muted">
          {scan.status === "error" ? "The last scan failed: " : "Not scanned: "}
          {scan.message}
        </p>
      </section>
    );
  }
  const { summary } = scan;
  const classes: [string, Tally][] = [
    ["plaintext", summary.classes.plaintext],
    ["encrypted", summary.classes.encrypted],
    ["unknown", summary.classes.unknown],
  ];
  const formats = Object.entries(summary.formats)
    .flatMap(([format, tally]): [string, Tally][] => (tally ? [[format, tally]] : []))
    .sort(([, a], [, b]) => b.bytes - a.bytes);
  const skipped = summary.skipped.symlinks + summary.skipped.unreadable + summary.skipped.other;
  return (
    <section>
      <h2>Cache composition</h2>
      <div className="composition">
        <TallyTable caption="By class" heading="Class" rows={classes} testIdPrefix="class" />
        <TallyTable caption="By format" heading="Format" rows={formats} testIdPrefix="format" />
      </div>
      <p className="muted">
        Entries from <RelativeTime iso={summary.oldestEntryAt} fallback="—" /> to{" "}
        <RelativeTime iso={summary.newestEntryAt} fallback="—" />; scanned in {formatDuration(summary.durationMs)}
        {skipped > 0
          ? `; skipped ${summary.skipped.symlinks} symlinks, ${summary.skipped.unreadable} unreadable and ${summary.skipped.other} other files`
          : ""}
        .
      </p>
    </section>
  );
}

function TallyTable({
  caption,
  heading,
  rows,
  testIdPrefix,
}: {
  caption: string;
  heading: string;
  rows: [string, Tally][];
  testIdPrefix: string;
}) {
  return (
    <table>
      <caption className="muted">{caption}</caption>
      <thead>
        <tr>
          <th>{heading}</th>
          <th className="number">Entries</th>
          <th className="number">Size</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={3} className="muted">
              None
            </td>
          </tr>
        ) : (
          rows.map(([name, tally]) => (
            <tr key={name} data-testid={`${testIdPrefix}-${name}`}>
              <td>{name}</td>
              <td className="number">{formatCount(tally.count)}</td>
              <td className="number">{formatBytes(tally.bytes)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

function Migrate({ machine, canMigrate }: { machine: Machine; canMigrate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [backup, setBackup] = useState(true);
  const migrate = useMutation(
    trpc.fleet.migrate.mutationOptions({
      // Returning the refetch keeps the mutation pending until the new command is on screen, so
      // the button cannot be pressed twice in between.
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.fleet.machine.queryKey({ machineId: machine.id }) }),
    }),
  );
  const busy = machine.commands.some((command) => command.status === "pending" || command.status === "running");

  return (
    <section>
      <h2>Migration</h2>
      <p className="muted">
        Migrating cleans this machine&apos;s GOCACHE and rebuilds it with the current Go toolchain, so every entry is
        written the same way.
      </p>
      {canMigrate ? (
        <>
          <div className="actions">
            <label>
              <input type="checkbox" checked={backup} onChange={(event) => setBackup(event.target.checked)} />
              Keep a backup
            </label>
            <button
              type="button"
              disabled={busy || migrate.isPending}
              onClick={() => migrate.mutate({ machineId: machine.id, options: { backup } })}
            >
              {migrate.isPending ? "Queueing…" : "Migrate"}
            </button>
            {busy ? <span className="muted">A command is queued or running; wait for it to finish.</span> : null}
            {!busy && !machine.online ? (
              <span className="muted">The agent is offline; the command waits until it reconnects.</span>
            ) : null}
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

function CommandHistory({ commands, canControl }: { commands: Command[]; canControl: boolean }) {
  return (
    <section>
      <h2>Command history</h2>
      {commands.length === 0 ? (
        <p className="muted">No commands yet.</p>
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

function CommandBlock({ command, canControl }: { command: Command; canControl: boolean }) {
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

function CommandResultFigures({ result }: { result: NonNullable<Command["result"]> }) {
  const { before, after } = result;
  const freed = before && after ? before.bytes - after.bytes : null;
  return (
    <div className="result">
      {before || after ? (
        <span data-testid="result-entries">
          Entries: {before ? formatCount(before.count) : "?"} → {after ? formatCount(after.count) : "?"}
        </span>
      ) : null}
      {freed !== null ? (
        <span data-testid="bytes-freed">
          {freed >= 0 ? `Freed ${formatBytes(freed)}` : `Grew by ${formatBytes(-freed)}`}
        </span>
      ) : null}
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
