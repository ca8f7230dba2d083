// The machine at a glance: who and what it is, its cache, its health and when it last reported.
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { formatBytes, formatCount } from "~/format";
import type { MachineDetail } from "./types";

export function MachineSummary({ machine }: { machine: MachineDetail }) {
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
        <dd title={machine.cacheBytes === null ? undefined : `${formatCount(machine.cacheBytes)} bytes`}>{formatBytes(machine.cacheBytes)}</dd>
      </div>
      <div>
        <dt>Verdict</dt>
        <dd>
          <StatusBadge kind="verdict" value={machine.cacheVerdict} label={machine.cacheVerdict ?? "not scanned"} testId="cache-verdict" />
        </dd>
      </div>
      <div>
        <dt>Health</dt>
        <dd>
          <StatusBadge kind="health" value={machine.health} />{" "}
          <span className="muted">
            {machine.findings.length} {machine.findings.length === 1 ? "finding" : "findings"}
          </span>
        </dd>
      </div>
      <div>
        <dt>Last seen</dt>
        <dd>
          <RelativeTime iso={machine.lastSeenAt} /> <span className="muted">({machine.online ? "online" : "offline"})</span>
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
