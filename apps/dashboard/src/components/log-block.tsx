// A step's log: monospace, scrollable, and absent from view while empty (it keeps its test id).
import type { ComponentProps } from "react";
import { cn } from "~/lib/utils";

export function LogBlock({ className, ...props }: ComponentProps<"pre">) {
  return (
    <pre
      data-slot="log-block"
      className={cn(
        "mt-1.5 max-h-72 overflow-auto rounded-md bg-neutral-950 px-3 py-2 font-mono text-xs break-words whitespace-pre-wrap text-neutral-100 empty:hidden dark:bg-neutral-900",
        className,
      )}
      {...props}
    />
  );
}
