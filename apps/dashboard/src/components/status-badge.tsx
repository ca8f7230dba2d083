// A coloured pill for a cache verdict, a health level, a command status or a machine's presence.
import { Badge } from "~/components/ui/badge";

type Tone = "success" | "warning" | "danger" | "info" | "neutral";

const tones: Record<string, Tone> = {
  "verdict-encrypted": "success",
  "verdict-plaintext": "warning",
  "verdict-mixed": "danger",
  "health-healthy": "success",
  "health-warning": "warning",
  "health-critical": "danger",
  "status-succeeded": "success",
  "status-failed": "danger",
  "status-running": "info",
  "presence-online": "success",
};

export function StatusBadge({
  kind,
  value,
  label,
  testId,
}: {
  kind: "verdict" | "health" | "status" | "presence";
  value: string | null;
  label?: string;
  testId?: string;
}) {
  const shown = value ?? "unknown";
  return (
    <Badge variant={tones[`${kind}-${shown}`] ?? "neutral"} className="rounded-full" data-testid={testId} data-value={shown}>
      {label ?? shown}
    </Badge>
  );
}
