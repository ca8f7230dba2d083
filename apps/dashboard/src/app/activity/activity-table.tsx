"use client";
import { useQuery } from "@tanstack/react-query";
import { RelativeTime } from "~/components/relative-time";
import { useTRPC } from "~/trpc/client";

function describe(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(" · ");
}

export function ActivityTable() {
  const trpc = useTRPC();
  const activity = useQuery(trpc.commands.activity.queryOptions({ take: 200 }, { refetchInterval: 5000 }));
  if (activity.isPending) return <p className="muted" role="status">Loading…</p>;
  if (activity.isError) return <p className="error" role="alert">Could not load the activity log: {activity.error.message}</p>;
  if (activity.data.length === 0) return <p className="muted">Nothing has happened yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>When</th>
          <th>Who</th>
          <th>What</th>
          <th>Subject</th>
          <th>Details</th>
        </tr>
      </thead>
      <tbody>
        {activity.data.map((event) => (
          <tr key={event.id} data-testid="activity-row">
            <td>
              <RelativeTime iso={event.at} />
            </td>
            <td>{event.actorEmail ?? "agent / system"}</td>
            <td>{event.action}</td>
            <td>
              <code>{event.subject ?? "—"}</code>
            </td>
            <td className="muted">{describe(event.detail)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
