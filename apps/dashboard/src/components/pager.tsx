"use client";
// Where you are in a server-paginated list, previous / next, and (where the list lets you) how
// many rows a page holds: the one pager of every list page.
import { ChevronLeftIcon, ChevronRightIcon } from "lucide-react";
import { Choice } from "~/components/choice";
import { Button } from "~/components/ui/button";
import { formatCount, formatQuantity } from "~/format";

export interface PageSizeChoice {
  sizes: readonly number[];
  onPageSize: (size: number) => void;
}

export function Pager({
  label,
  noun,
  page,
  total,
  pageSize,
  onPage,
  pageSizeChoice,
}: {
  /** Names the navigation landmark, e.g. "Pages of machines". */
  label: string;
  /** What the list holds, singular and plural, for "1–50 of 120 machines". */
  noun: readonly [singular: string, plural: string];
  page: number;
  total: number;
  pageSize: number;
  onPage: (page: number) => void;
  pageSizeChoice?: PageSizeChoice;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  // Nothing to move between and nothing to choose: the list's own count says enough.
  if (pages <= 1 && !pageSizeChoice) return null;
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  // The size in use stays a choice even when a shared link asked for one not offered.
  const sizes = pageSizeChoice ? [...new Set([...pageSizeChoice.sizes, pageSize])].sort((a, b) => a - b) : [];
  return (
    <nav aria-label={label} data-slot="pager" className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm">
      <span className="text-muted-foreground tabular-nums" data-testid="pager-range">
        {formatCount(first)}–{formatCount(last)} of {formatQuantity(total, ...noun)} · page {formatCount(page)} of {formatCount(pages)}
      </span>
      <div className="flex flex-wrap items-center gap-2">
        {pageSizeChoice ? (
          <Choice
            inline
            size="sm"
            label="Rows per page"
            value={String(pageSize)}
            options={sizes.map((size) => [String(size), String(size)] as const)}
            onChange={(size) => size && pageSizeChoice.onPageSize(Number(size))}
            triggerClassName="min-w-20"
          />
        ) : null}
        <Button type="button" variant="outline" size="sm" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          <ChevronLeftIcon aria-hidden />
          Previous<span className="sr-only"> page</span>
        </Button>
        <Button type="button" variant="outline" size="sm" disabled={page >= pages} onClick={() => onPage(page + 1)}>
          Next<span className="sr-only"> page</span>
          <ChevronRightIcon aria-hidden />
        </Button>
      </div>
    </nav>
  );
}
