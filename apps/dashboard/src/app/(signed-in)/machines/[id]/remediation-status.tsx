"use client";
// This machine under automatic remediation: for each remediation that concerns it, whether a fix
// is pending, running, done, or stopped after its tries. Nothing shows when none concerns it.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { RelativeTime } from "~/components/relative-time";
import { useTRPC } from "~/trpc/client";
import { Section } from "./section";

const labels: Record<string, string> = { pending: "remediation pending", running: "remediation running", fixed: "fixed" };

export function RemediationStatus({ machineId }: { machineId: string }) {
  const trpc = useTRPC();
  const remediations = useQuery(trpc.remediations.forMachine.queryOptions({ machineId }, { refetchInterval: 5_000 }));
  if (!remediations.data || remediations.data.length === 0) return null;
  return (
    <Section id="remediation" title="Automatic remediation" description={<Link href="/remediation" className="underline underline-offset-4">All remediations</Link>}>
      <ul className="space-y-1 text-sm">
        {remediations.data.map((row) => (
          <li key={row.remediationId} data-testid="machine-remediation">
            <span className="font-medium">{row.name}</span> ({row.rule} → {row.kind}):{" "}
            <span data-testid="machine-remediation-state">{row.status === "failed" ? `failed after ${row.attempts} tries` : labels[row.status]}</span>
            {row.status === "failed" && row.lastError ? <span className="text-muted-foreground"> — stopped: {row.lastError}</span> : null}{" "}
            <span className="text-muted-foreground">
              (<RelativeTime iso={row.updatedAt} />)
            </span>
          </li>
        ))}
      </ul>
    </Section>
  );
}
