// One machine in the fleet table: who and what it is, its cache, its health, when it last reported.
import Link from "next/link";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { Badge } from "~/components/ui/badge";
import { Checkbox } from "~/components/ui/checkbox";
import { TableCell, TableRow } from "~/components/ui/table";
import { cn } from "~/lib/utils";
import { formatBytes, formatCount, formatPercent, formatQuantity } from "~/format";
import type { FleetMachine } from "./types";

const healthLabels: Record<string, string> = { healthy: "ok", warning: "warning", critical: "critical" };

export function MachineRow({ machine, selected, onSelect }: { machine: FleetMachine; selected: boolean | null; onSelect: (on: boolean) => void }) {
  return (
    <TableRow data-testid="machine-row" data-state={selected ? "selected" : undefined}>
      {selected !== null ? (
        <TableCell className="pl-3">
          <Checkbox aria-label={`Select ${machine.hostname}`} checked={selected} onCheckedChange={(checked) => onSelect(checked === true)} />
        </TableCell>
      ) : null}
      <TableCell>
        <Link href={`/machines/${machine.id}`} className="font-medium text-primary underline-offset-4 hover:underline">
          {machine.hostname}
        </Link>
        <div className="text-xs text-muted-foreground">{machine.platform}</div>
      </TableCell>
      <TableCell data-testid="cell-user">{machine.username || "—"}</TableCell>
      <TableCell>{machine.macosVersion ?? <span className="text-muted-foreground">—</span>}</TableCell>
      <TableCell>
        <div className="font-mono text-xs">{machine.arch}</div>
        {machine.rosetta ? <Badge variant="warning">Rosetta</Badge> : machine.rosetta === false ? <div className="text-xs text-muted-foreground">native</div> : null}
      </TableCell>
      <TableCell data-testid="cell-go" className="font-mono text-xs">
        {machine.goVersions.length === 0 ? (
          <span className="text-muted-foreground">—</span>
        ) : (
          machine.goVersions.map((version, index) => (
            <div key={version} className={cn(index > 0 && "text-muted-foreground")}>
              {version}
            </div>
          ))
        )}
      </TableCell>
      <TableCell className="text-right tabular-nums" data-testid="cell-size">
        {formatBytes(machine.cacheBytes)}
      </TableCell>
      <TableCell className="text-right tabular-nums" data-testid="cell-entries">
        {formatCount(machine.cacheEntries)}
      </TableCell>
      <TableCell className="text-right tabular-nums" data-testid="cell-growth">
        {machine.cacheGrowthPerDay === null ? "—" : `${machine.cacheGrowthPerDay < 0 ? "−" : ""}${formatBytes(Math.abs(machine.cacheGrowthPerDay))}`}
      </TableCell>
      <TableCell data-testid="cell-verdict">
        <StatusBadge kind="verdict" value={machine.cacheVerdict} label={machine.cacheVerdict ?? "not scanned"} />
        {machine.hitRate !== null ? (
          <div className="text-xs text-muted-foreground" data-testid="cell-hit-rate">
            {formatPercent(machine.hitRate)} hits
          </div>
        ) : null}
      </TableCell>
      <TableCell data-testid="cell-keychain">
        <KeychainKey platform={machine.platform} keychainKey={machine.keychainKey} />
      </TableCell>
      <TableCell>
        <span data-testid="cell-health">
          <StatusBadge kind="health" value={machine.health} label={machine.health === null ? "not reported" : (healthLabels[machine.health] ?? machine.health)} />
        </span>
        {machine.findingsCount > 0 ? (
          <div className="text-xs text-muted-foreground tabular-nums" data-testid="cell-findings">
            {formatQuantity(machine.findingsCount, "finding")}
          </div>
        ) : null}
      </TableCell>
      <TableCell>
        <StatusBadge kind="presence" value={machine.online ? "online" : "offline"} />
        <div className="text-xs text-muted-foreground">
          <RelativeTime iso={machine.lastSeenAt} />
        </div>
      </TableCell>
    </TableRow>
  );
}

/**
 * The Keychain exists on macOS only: elsewhere the column says so, whatever the probe answered
 * (an agent with a key file reports that file as its key, shown below for what it is).
 */
function KeychainKey({ platform, keychainKey }: { platform: string; keychainKey: string | null }) {
  if (platform !== "darwin") {
    return (
      <>
        <span className="text-muted-foreground">not applicable</span>
        {keychainKey === "present" || keychainKey === "missing" ? <div className="text-xs text-muted-foreground">key file {keychainKey}</div> : null}
      </>
    );
  }
  if (keychainKey === "present") return <StatusBadge kind="health" value="healthy" label="present" />;
  if (keychainKey === "missing") return <StatusBadge kind="health" value="critical" label="missing" />;
  return <span className="text-muted-foreground">unknown</span>;
}
