// Machines per cache verdict under the other filters; each chip toggles the verdict filter.
import { fleetVerdicts, type FleetVerdict } from "@cachefleet/contract";
import { cn } from "~/lib/utils";
import { formatCount } from "~/format";

const verdictLabels: Record<FleetVerdict, string> = {
  mixed: "mixed",
  plaintext: "plaintext",
  encrypted: "encrypted",
  empty: "empty",
  unscanned: "not scanned",
};

const verdictTones: Record<FleetVerdict, string> = {
  mixed: "bg-danger-muted text-destructive",
  plaintext: "bg-warning-muted text-warning",
  encrypted: "bg-success-muted text-success",
  empty: "bg-muted text-muted-foreground",
  unscanned: "bg-muted text-muted-foreground",
};

export function VerdictChips({
  counts,
  active,
  onChoose,
}: {
  counts: Record<FleetVerdict, number> | null;
  active: FleetVerdict | undefined;
  onChoose: (verdict: FleetVerdict | undefined) => void;
}) {
  return (
    <div className="flex flex-wrap gap-2" role="group" aria-label="Machines per cache verdict">
      {fleetVerdicts.map((verdict) => (
        <button
          key={verdict}
          type="button"
          className={cn(
            "inline-flex cursor-pointer items-center gap-1.5 rounded-full border border-transparent px-3 py-1 text-sm font-medium outline-none transition-shadow focus-visible:ring-[3px] focus-visible:ring-ring/50",
            verdictTones[verdict],
            active === verdict && "ring-2 ring-ring",
            active !== undefined && active !== verdict && "opacity-60",
          )}
          aria-pressed={active === verdict}
          data-testid={`verdict-count-${verdict}`}
          onClick={() => onChoose(active === verdict ? undefined : verdict)}
        >
          <span className="tabular-nums">{counts ? formatCount(counts[verdict]) : "…"}</span> {verdictLabels[verdict]}
        </button>
      ))}
    </div>
  );
}
