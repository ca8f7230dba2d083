// A page's heading row: an optional way back, the title, a line on what the page shows, and its actions.
import type { ReactNode } from "react";
import Link from "next/link";
import { ChevronLeftIcon } from "lucide-react";
import { cn } from "~/lib/utils";

export function PageHeader({
  title,
  description,
  actions,
  back,
  className,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  back?: { href: string; label: string };
  className?: string;
}) {
  return (
    <div data-slot="page-header" className={cn("mb-6 flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between", className)}>
      <div className="min-w-0 space-y-1">
        {back ? (
          <Link
            href={back.href}
            data-slot="page-header-back"
            className="-ml-1 inline-flex items-center gap-1 rounded-md px-1 text-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50"
          >
            <ChevronLeftIcon className="size-4" aria-hidden />
            {back.label}
          </Link>
        ) : null}
        <h1 data-slot="page-header-title" className="text-2xl font-semibold tracking-tight break-words">
          {title}
        </h1>
        {description ? (
          <div data-slot="page-header-description" className="text-sm text-muted-foreground">
            {description}
          </div>
        ) : null}
      </div>
      {actions ? <div className="flex shrink-0 flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}
