"use client";
// A step's log: monospace, scrollable, and absent from view while empty (it keeps its test id).
// A long log of a step that did not fail (reinit lists ~300 packages) shows its first lines and
// "Show N more lines"; a failed step's log stays whole, since its last lines say why.
import { useState } from "react";
import { cn } from "~/lib/utils";

/** Logs longer than this many lines start collapsed... */
const collapseOver = 12;
/** ...to this many. */
const linesWhenCollapsed = 8;

export function LogBlock({ log, failed = false, className, testId }: { log: string; failed?: boolean; className?: string; testId?: string }) {
  const [expanded, setExpanded] = useState(false);
  const lines = log.endsWith("\n") ? log.slice(0, -1).split("\n") : log.split("\n");
  const collapsible = !failed && lines.length > collapseOver;
  const collapsed = collapsible && !expanded;
  const head = collapsible ? lines.slice(0, linesWhenCollapsed).join("\n") + "\n" : log;
  const rest = collapsible ? lines.slice(linesWhenCollapsed).join("\n") + "\n" : "";
  const hiddenLines = lines.length - linesWhenCollapsed;
  return (
    <div data-slot="log-block" className={cn(log !== "" && "mt-1.5")}>
      <pre
        data-testid={testId}
        className={cn(
          "max-h-72 overflow-auto rounded-md bg-neutral-950 px-3 py-2 font-mono text-xs break-words whitespace-pre-wrap text-neutral-100 empty:hidden dark:bg-neutral-900",
          className,
        )}
      >
        {head}
        {/* Kept in the page while collapsed, so find-in-page and copying the whole log still work once shown. */}
        {collapsible ? <span hidden={collapsed}>{rest}</span> : null}
      </pre>
      {collapsible ? (
        <button
          type="button"
          className="mt-1 cursor-pointer rounded-sm text-xs font-medium text-muted-foreground underline-offset-4 outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
          aria-expanded={expanded}
          data-testid="log-toggle"
          onClick={() => setExpanded(!expanded)}
        >
          {expanded ? "Show fewer lines" : `Show ${hiddenLines.toLocaleString("en-US")} more ${hiddenLines === 1 ? "line" : "lines"}`}
        </button>
      ) : null}
    </div>
  );
}
