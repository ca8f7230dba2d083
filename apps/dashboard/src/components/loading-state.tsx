// Placeholders while data loads: grey bars in the shape of what is coming, announced to screen readers.
import { Skeleton } from "~/components/ui/skeleton";
import { cn } from "~/lib/utils";

export function LoadingState({ label = "Loading…", rows = 5, className }: { label?: string; rows?: number; className?: string }) {
  return (
    <div data-slot="loading-state" role="status" aria-live="polite" className={cn("space-y-3", className)}>
      <span className="sr-only">{label}</span>
      <Skeleton className="h-9 w-full" />
      {Array.from({ length: rows }, (_, row) => (
        <Skeleton key={row} className="h-7 w-full opacity-70" />
      ))}
    </div>
  );
}
