"use client";
// A timestamp shown as "3 minutes ago" that keeps itself current while the page stays open.
import { useEffect, useState } from "react";
import { formatRelative } from "~/format";
import { cn } from "~/lib/utils";

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function RelativeTime({ iso, fallback = "never", className }: { iso: string | null; fallback?: string; className?: string }) {
  const now = useNow(10_000);
  if (!iso) return <span className={cn("text-muted-foreground", className)}>{fallback}</span>;
  // The server renders with its own clock and time zone; the browser's rendering wins.
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()} className={cn("whitespace-nowrap", className)} suppressHydrationWarning>
      {formatRelative(iso, now)}
    </time>
  );
}
