// A coloured pill for a cache verdict, a health level or a command status.
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
    <span className={`badge ${kind}-${shown}`} data-testid={testId}>
      {label ?? shown}
    </span>
  );
}
