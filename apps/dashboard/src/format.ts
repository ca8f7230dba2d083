// How the dashboard writes sizes, counts and times for people.
const byteUnits = ["B", "KB", "MB", "GB", "TB", "PB"];

/** 1536 → "1.5 KB"; binary multiples, as du and Go's own tools report cache sizes. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "—";
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < byteUnits.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${byteUnits[unit] ?? "B"}`;
}

export function formatCount(count: number | null | undefined): string {
  return count === null || count === undefined ? "—" : count.toLocaleString("en-US");
}

/** 1 → "1 machine", 1234 → "1,234 machines": a count with its noun, singular for exactly one. */
export function formatQuantity(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : plural}`;
}

/** 0.873 → "87%": a share of 0–1, as hit rates are kept. */
export function formatPercent(share: number | null | undefined): string {
  return share === null || share === undefined ? "—" : `${Math.round(share * 100)}%`;
}

const relativeSteps: [limitSeconds: number, unitSeconds: number, unit: Intl.RelativeTimeFormatUnit][] = [
  [60, 1, "second"],
  [3600, 60, "minute"],
  [86_400, 3600, "hour"],
  [86_400 * 30, 86_400, "day"],
  [86_400 * 365, 86_400 * 30, "month"],
  [Infinity, 86_400 * 365, "year"],
];
const relativeFormat = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "2 minutes ago"; "just now" within a few seconds, so clock skew never shows "in 1 second". */
export function formatRelative(iso: string | null | undefined, now: number): string {
  if (!iso) return "never";
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (Math.abs(seconds) < 5) return "just now";
  for (const [limit, unitSeconds, unit] of relativeSteps) {
    if (Math.abs(seconds) < limit) return relativeFormat.format(Math.round(seconds / unitSeconds), unit);
  }
  return new Date(iso).toISOString();
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
