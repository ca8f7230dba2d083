// What is wrong with the machine under the team's current policy, most severe first, and what to do.
import { CircleCheckIcon } from "lucide-react";
import { EmptyState } from "~/components/empty-state";
import { Badge } from "~/components/ui/badge";
import { Card, CardContent } from "~/components/ui/card";
import { Section } from "./section";
import type { MachineDetail } from "./types";

const severityTone = { critical: "danger", warning: "warning", info: "info" } as const;

export function Findings({ machine }: { machine: MachineDetail }) {
  const { policy } = machine;
  return (
    <Section
      id="findings"
      title="Findings"
      description={`Evaluated with the team policy: ${policy.requireEncryption ? `encrypted caches required from Go ${policy.requireEncryptedFromGo}` : "encrypted caches not required"}.`}
    >
      {machine.latestReport === null ? (
        <EmptyState title="No report yet" description="Findings appear after the agent's first report." />
      ) : machine.findings.length === 0 ? (
        <EmptyState icon={CircleCheckIcon} title="No findings" description="This machine follows the team's policy." className="py-8" />
      ) : (
        <ul className="space-y-3">
          {machine.findings.map((finding) => (
            <li key={finding.rule} data-testid="finding" data-rule={finding.rule}>
              <Card className="gap-2 py-4">
                <CardContent className="space-y-1.5">
                  <div className="flex flex-wrap items-start gap-2">
                    <Badge variant={severityTone[finding.severity]} data-testid="finding-severity">
                      {finding.severity}
                    </Badge>
                    <strong className="font-medium">{finding.title}</strong>
                  </div>
                  <p className="text-sm" data-testid="finding-action">
                    <span className="font-medium text-muted-foreground">What to do: </span>
                    {finding.action}
                  </p>
                </CardContent>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
