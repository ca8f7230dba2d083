"use client";
// A timestamp shown as "3 minutes ago" that keeps itself current while the page stays open.
import { useEffect, useState } from "react";
import { formatRelative } from "~/format";

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function RelativeTime({ iso, fallback = "never" }: { iso: string | null; fallback?: string }) {
  const now = useNow(10_000);
  if (!iso) return <span className="muted">{fallback}</span>;
  // The server renders with its own clock and time zone; the browser's rendering wins.
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()} suppressHydrationWarning>
      {formatRelative(iso, now)}
    </time>
  );
}
