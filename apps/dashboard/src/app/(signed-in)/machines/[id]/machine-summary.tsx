// The machine at a glance: who and what it is, its cache, its health and when it last reported.
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { Card, CardContent } from "~/components/ui/card";
import { formatBytes, formatCount, formatQuantity } from "~/format";
import { Fact, FactList, Muted } from "./section";
import type { MachineDetail } from "./types";

export function MachineSummary({ machine }: { machine: MachineDetail }) {
  const osRelease = machine.latestReport?.machine.osRelease;
  return (
    <Card className="py-5">
      <CardContent>
        <FactList className="lg:grid-cols-4">
          <Fact label="Platform">
            {machine.platform || "—"} {osRelease ? <Muted>{osRelease}</Muted> : null}
          </Fact>
          <Fact label="Architecture">{machine.arch || "—"}</Fact>
          <Fact label="User">{machine.username || "—"}</Fact>
          <Fact label="Go version">{machine.goVersion ?? "—"}</Fact>
          <Fact label="GOCACHE">{machine.gocache ? <code className="text-xs">{machine.gocache}</code> : "—"}</Fact>
          <Fact label="Entries" testId="cache-entries">
            {formatCount(machine.cacheEntries)}
          </Fact>
          <Fact label="Size">
            <span title={machine.cacheBytes === null ? undefined : `${formatCount(machine.cacheBytes)} bytes`}>{formatBytes(machine.cacheBytes)}</span>
          </Fact>
          <Fact label="Verdict">
            <StatusBadge kind="verdict" value={machine.cacheVerdict} label={machine.cacheVerdict ?? "not scanned"} testId="cache-verdict" />
          </Fact>
          <Fact label="Health">
            <StatusBadge kind="health" value={machine.health} />{" "}
            <Muted>
              {formatQuantity(machine.findings.length, "finding")}
            </Muted>
          </Fact>
          <Fact label="Last seen">
            <RelativeTime iso={machine.lastSeenAt} /> <Muted>({machine.online ? "online" : "offline"})</Muted>
          </Fact>
          <Fact label="Enrolled">
            <RelativeTime iso={machine.enrolledAt} />
          </Fact>
        </FactList>
      </CardContent>
    </Card>
  );
}
