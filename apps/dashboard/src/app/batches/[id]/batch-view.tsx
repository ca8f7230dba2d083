"use client";
// The per-machine status table of a bulk push, polled every second while commands run.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { CommandActions } from "~/components/command-actions";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { formatCount } from "~/format";
import { useTRPC } from "~/trpc/client";

export function BatchView({ batchId, canControl }: { batchId: string; canControl: boolean }) {
  const trpc = useTRPC();
  const batch = useQuery(trpc.commands.batch.queryOptions({ batchId }, { refetchInterval: 1000 }));

  if (batch.isPending) return <p className="muted" role="status">Loading…</p>;
  if (batch.isError) return <p className="error" role="alert">Could not load this push: {batch.error.message}</p>;

  const { data } = batch;
  const done = data.commands.filter((command) => !["pending", "running"].includes(command.status)).length;
  return (
    <>
      <p>
        <Link href="/">← Fleet</Link>
      </p>
      <h1>
        {data.kind} on {data.commands.length} {data.commands.length === 1 ? "machine" : "machines"}
      </h1>
      <p className="muted">
        {data.target === "selection" ? "Selected machines" : `Every machine failing ${data.target.slice("rule:".length)}`}, pushed by{" "}
        {data.createdBy ?? "an account since deleted"} <RelativeTime iso={data.createdAt} />. {done} of {data.commands.length} finished.
      </p>
      <table>
        <thead>
          <tr>
            <th>Machine</th>
            <th>Status</th>
            <th>Steps</th>
            <th>Result</th>
            {canControl ? <th /> : null}
          </tr>
        </thead>
        <tbody>
          {data.commands.map((command) => (
            <tr key={command.id} data-testid="batch-row">
              <td>
                <Link href={`/machines/${command.machineId}`}>{command.hostname}</Link>
              </td>
              <td>
                <StatusBadge kind="status" value={command.status} testId="batch-status" />
              </td>
              <td>
                <ol className="steps compact">
                  {command.steps.map((step) => (
                    <li key={step.step} data-testid={`batch-step-${step.step}`}>
                      <div className="step-header">
                        <span className="step-name">{step.step}</span>
                        <StatusBadge kind="status" value={step.status} />
                      </div>
                      <pre data-testid={`batch-log-${step.step}`}>{step.log}</pre>
                    </li>
                  ))}
                </ol>
              </td>
              <td>
                {command.error ? <span className="error">{command.error}</span> : null}
                {command.result?.after ? <span>{formatCount(command.result.after.count)} entries after</span> : null}
              </td>
              {canControl ? (
                <td>
                  <CommandActions commandId={command.id} status={command.status} cancelRequested={false} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
