"use client";
// The fleet table: one page at a time from the server, sorted, filtered and searched there, with
// the state in the URL. It refreshes when the server says a report landed (a subscription over
// server-sent events), and slowly on its own so online/offline stays true without reports.
import { usePathname, useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import type { FleetQuery } from "@cachefleet/contract";
import { EmptyState } from "~/components/empty-state";
import { LoadingState } from "~/components/loading-state";
import { PageHeader } from "~/components/page-header";
import { Pager } from "~/components/pager";
import { Button } from "~/components/ui/button";
import { formatPercent, formatQuantity } from "~/format";
import { useTRPC } from "~/trpc/client";
import { trpcErrorCode } from "~/trpc/error-code";
import { queryFromSearchParams, searchFromQuery } from "../fleet-url";
import { BulkPush } from "./bulk-push";
import { FleetError } from "./fleet-error";
import { FleetFilters, filterKeys } from "./fleet-filters";
import { MachineTable } from "./machine-table";
import { SearchBox } from "./search-box";
import { VerdictChips } from "./verdict-chips";

const pageSizes = [25, 50, 100, 200] as const;
const clearedFilters = Object.fromEntries(filterKeys.map((key) => [key, undefined])) as Partial<FleetQuery>;

/** The first page comes from the server page's prefetch, already in the query cache. */
export function FleetTable({ canPush }: { canPush: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const searchParams = useSearchParams();
  const query = useMemo(() => queryFromSearchParams(searchParams), [searchParams]);
  const pathname = usePathname();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const fleet = useQuery(
    trpc.fleet.list.queryOptions(query, {
      placeholderData: keepPreviousData,
      // Online and offline change with time alone; reports themselves arrive through `changes`.
      refetchInterval: 60_000,
    }),
  );

  // Live: refresh the rows shown when a report lands, and each time the stream starts: the rows
  // were read before it, so a change in between (a heartbeat while the page was loading, or while
  // the stream was down) would otherwise only show at the next minute's refetch.
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.fleet.list.pathKey() });
  useSubscription(
    trpc.fleet.changes.subscriptionOptions(undefined, {
      onStarted: refresh,
      onData: refresh,
    }),
  );

  /** Shows another view: in the URL (pushed, so Back returns to the previous view). */
  const navigate = (changes: Partial<FleetQuery>, options: { replace?: boolean } = {}) => {
    const next: FleetQuery = { ...query, page: 1, ...changes };
    const url = `${pathname}${searchFromQuery(next)}`;
    if (options.replace) window.history.replaceState(null, "", url);
    else window.history.pushState(null, "", url);
  };

  const filtered = query.search !== undefined || filterKeys.some((key) => query[key] !== undefined) || query.verdict !== undefined;
  const data = fleet.data;
  const rows = data?.rows ?? [];

  const clearFilters = () => navigate({ search: undefined, verdict: undefined, ...clearedFilters });

  return (
    <>
      <PageHeader
        title="Fleet"
        description={
          data && !data.fleetEmpty
            ? `${formatQuantity(data.total, "machine")}${filtered ? (data.total === 1 ? " matches" : " match") : ""}`
            : "Every enrolled machine and the state of its Go build cache."
        }
      />
      {data?.fleetEmpty ? (
        <EmptyState
          title="No machines yet"
          description={
            <>
              Start an agent with <code className="font-mono">cachefleet-agent enroll --server &lt;this dashboard&apos;s URL&gt; --secret &lt;enrollment secret&gt;</code>{" "}
              and then <code className="font-mono">cachefleet-agent run</code>; the machine appears here after its first report.
            </>
          }
          className="bg-card"
        />
      ) : (
        <div className="space-y-4">
          <VerdictChips counts={data?.counts ?? null} active={query.verdict} onChoose={(verdict) => navigate({ verdict })} />
          {data && data.teamHitRate !== null ? (
            <p className="text-sm text-muted-foreground" data-testid="team-hit-rate">
              Team hit rate: <span className="font-medium text-foreground tabular-nums">{formatPercent(data.teamHitRate)}</span> of the encrypted caches&apos; lookups
            </p>
          ) : null}
          <div className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter machines">
            <SearchBox value={query.search ?? ""} onSearch={(search) => navigate({ search: search || undefined }, { replace: true })} />
            <FleetFilters query={query} onChange={navigate} />
            {filtered ? (
              <Button type="button" variant="ghost" onClick={clearFilters}>
                Clear filters
              </Button>
            ) : null}
          </div>
          {canPush ? <BulkPush selected={rows.filter((machine) => selected.has(machine.id))} /> : null}
          {fleet.isError ? <FleetError code={trpcErrorCode(fleet.error)} message={fleet.error.message} onRetry={() => void fleet.refetch()} /> : null}
          {data === undefined ? (
            fleet.isError ? null : <LoadingState label="Loading machines…" rows={8} />
          ) : (
            <>
              <MachineTable
                machines={rows}
                query={query}
                busy={fleet.isFetching}
                onSort={(sort, direction) => navigate({ sort, direction })}
                selection={canPush ? { selected, setSelected } : null}
              />
              {rows.length === 0 ? (
                <EmptyState
                  title="No machine matches these filters"
                  description="Try another search, or clear the filters to see the whole fleet."
                  action={
                    <Button type="button" variant="outline" onClick={clearFilters}>
                      Clear filters
                    </Button>
                  }
                />
              ) : null}
              <Pager
                label="Pages of machines"
                noun={["machine", "machines"]}
                page={data.page}
                total={data.total}
                pageSize={data.pageSize}
                onPage={(page) => navigate({ page })}
                pageSizeChoice={{ sizes: pageSizes, onPageSize: (pageSize) => navigate({ pageSize }) }}
              />
            </>
          )}
        </div>
      )}
    </>
  );
}
