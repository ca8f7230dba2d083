"use client";
// A migration to many machines at once: the ones ticked on this page, or every machine failing a
// rule. Each asks first (a migration empties caches), then opens the batch's page to follow it.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ruleTitles } from "@cachefleet/health";
import { Choice } from "~/components/choice";
import { PushMigration } from "~/components/push-migration";
import { formatQuantity } from "~/format";
import type { FleetMachine } from "./types";

/** Rules an admin can target with one push: the ones a migration fixes. */
const pushableRules = ["mixed-cache", "plaintext-cache"] as const;
type PushableRule = (typeof pushableRules)[number];

export function BulkPush({ selected }: { selected: FleetMachine[] }) {
  const router = useRouter();
  const [rule, setRule] = useState<PushableRule>("mixed-cache");
  const toBatch = ({ batchId }: { batchId: string }) => router.push(`/batches/${batchId}`);
  // The selection's caches, when every one of them has been scanned.
  const selectedBytes = selected.every((machine) => machine.cacheBytes !== null) ? selected.reduce((sum, machine) => sum + (machine.cacheBytes ?? 0), 0) : null;

  return (
    <div className="flex flex-wrap items-center gap-3 rounded-lg border bg-card px-3 py-2 text-sm" role="group" aria-label="Push a migration to many machines">
      <PushMigration
        label={`Migrate selected (${selected.length})`}
        disabled={selected.length === 0}
        onPushed={toBatch}
        scope={{
          target: { type: "machines", machineIds: selected.map((machine) => machine.id) },
          who: selected.length === 1 ? (selected[0]?.hostname ?? "1 machine") : formatQuantity(selected.length, "machine"),
          cacheBytes: selectedBytes,
        }}
      />
      <span className="text-muted-foreground">or</span>
      <Choice
        inline
        size="sm"
        label="every machine failing"
        value={rule}
        options={pushableRules.map((name) => [name, ruleTitles[name]] as const)}
        onChange={(chosen) => chosen && setRule(chosen)}
      />
      <PushMigration
        label="Migrate them"
        variant="outline"
        onPushed={toBatch}
        scope={{
          target: { type: "failing-rule", rule },
          who: `every machine failing “${ruleTitles[rule]}”`,
        }}
      />
    </div>
  );
}
