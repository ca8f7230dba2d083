"use client";
// The fleet table: one page at a time from the server, sorted, filtered and searched there, with
// the state in the URL. It refreshes when the server says a report landed (a subscription over
// server-sent events), and slowly on its own so online/offline stays true without reports.
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import type { RouterOutputs } from "@cachefleet/api";
import { fleetVerdicts, type FleetQuery, type FleetSortColumn, type FleetVerdict } from "@cachefleet/contract";
import { ArrowDownIcon, ArrowUpDownIcon, ArrowUpIcon, ChevronLeftIcon, ChevronRightIcon, SearchIcon } from "lucide-react";
import { EmptyState } from "~/components/empty-state";
import { ErrorState } from "~/components/error-state";
import { LoadingState } from "~/components/loading-state";
import { PageHeader } from "~/components/page-header";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Checkbox } from "~/components/ui/checkbox";
import { Input } from "~/components/ui/input";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { cn } from "~/lib/utils";
import { formatBytes, formatCount, formatPercent } from "~/format";
import { useTRPC } from "~/trpc/client";
import { trpcErrorCode } from "~/trpc/error-code";
import { queryFromSearchParams, searchFromQuery } from "./fleet-url";

type FleetAnswer = RouterOutputs["fleet"]["list"];
type FleetMachine = FleetAnswer["rows"][number];

/** Rules an admin can target with one push. */
const pushableRules = ["mixed-cache", "plaintext-cache"] as const;
const pageSizes = [25, 50, 100, 200] as const;
const searchDelayMs = 300;

interface Props {
  canPush: boolean;
  initialQuery: FleetQuery;
  /** The page the server answered for initialQuery; null when that failed. */
  initial: FleetAnswer | null;
}

export function FleetTable({ canPush, initialQuery, initial }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const searchParams = useSearchParams();
  const query = useMemo(() => queryFromSearchParams(searchParams), [searchParams]);
  const pathname = usePathname();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const initialSearch = useMemo(() => searchFromQuery(initialQuery), [initialQuery]);
  const fleet = useQuery(
    trpc.fleet.list.queryOptions(query, {
      initialData: initial && searchFromQuery(query) === initialSearch ? initial : undefined,
      placeholderData: keepPreviousData,
      // Online and offline change with time alone; reports themselves arrive through `changes`.
      refetchInterval: 60_000,
    }),
  );

  // Live: refresh the rows shown when a report lands, and after a reconnect (changes may have
  // been missed while the stream was down).
  const connectedBefore = useRef(false);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.fleet.list.pathKey() });
  useSubscription(
    trpc.fleet.changes.subscriptionOptions(undefined, {
      onStarted: () => {
        if (connectedBefore.current) refresh();
        connectedBefore.current = true;
      },
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
            ? `${formatCount(data.total)} ${data.total === 1 ? "machine" : "machines"}${filtered ? (data.total === 1 ? " matches" : " match") : ""}`
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
          {canPush ? <BulkPush selected={[...selected].filter((id) => rows.some((machine) => machine.id === id))} /> : null}
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
              <Pagination answer={data} onPage={(page) => navigate({ page })} onPageSize={(pageSize) => navigate({ pageSize })} />
            </>
          )}
        </div>
      )}
    </>
  );
}

const filterKeys = ["health", "arch", "goVersion", "keychainKey", "findings", "presence"] as const;
const clearedFilters = Object.fromEntries(filterKeys.map((key) => [key, undefined])) as Partial<FleetQuery>;

function FleetError({ code, message, onRetry }: { code: string | undefined; message: string; onRetry: () => void }) {
  if (code === "UNAUTHORIZED") {
    return (
      <ErrorState
        title="Your session has ended"
        message={
          <a className="underline" href="/signin">
            Sign in again
          </a>
        }
      />
    );
  }
  return <ErrorState title="Could not load the fleet" message={message} onRetry={onRetry} />;
}

const verdictLabels: Record<FleetVerdict, string> = {
  mixed: "mixed",
  plaintext: "plaintext",
  encrypted: "encrypted",
  empty: "empty",
  unscanned: "not scanned",
};

const verdictTones: Record<FleetVerdict, string> = {
  mixed: "bg-danger-muted text-destructive",
  plaintext: "bg-warning-muted text-warning",
  encrypted: "bg-success-muted text-success",
  empty: "bg-muted text-muted-foreground",
  unscanned: "bg-muted text-muted-foreground",
};

/** Machines per verdict under the other filters; each is a toggle for the verdict filter. */
function VerdictChips({ counts, active, onChoose }: { counts: Record<FleetVerdict, number> | null; active: FleetVerdict | undefined; onChoose: (verdict: FleetVerdict | undefined) => void }) {
  return (
    <div className="flex flex-wrap gap-2" role="group" aria-label="Machines per cache verdict">
      {fleetVerdicts.map((verdict) => (
        <button
          key={verdict}
          type="button"
          className={cn(
            "inline-flex cursor-pointer items-center gap-1.5 rounded-full border border-transparent px-3 py-1 text-sm font-medium outline-none transition-shadow focus-visible:ring-[3px] focus-visible:ring-ring/50",
            verdictTones[verdict],
            active === verdict && "ring-2 ring-ring",
            active !== undefined && active !== verdict && "opacity-60",
          )}
          aria-pressed={active === verdict}
          data-testid={`verdict-count-${verdict}`}
          onClick={() => onChoose(active === verdict ? undefined : verdict)}
        >
          <span className="tabular-nums">{counts ? formatCount(counts[verdict]) : "…"}</span> {verdictLabels[verdict]}
        </button>
      ))}
    </div>
  );
}

function SearchBox({ value, onSearch }: { value: string; onSearch: (search: string) => void }) {
  const [text, setText] = useState(value);
  // Follows the URL when it changes from elsewhere (Back, a chip, Clear filters).
  useEffect(() => setText(value), [value]);
  // The latest callback, so a re-render (a live refresh) does not restart the typing delay.
  const search = useRef(onSearch);
  useEffect(() => {
    search.current = onSearch;
  });
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => search.current(text.trim()), searchDelayMs);
    return () => clearTimeout(timer);
  }, [text, value]);
  return (
    <div className="grid min-w-56 flex-1 gap-1.5 sm:max-w-xs">
      <label htmlFor="fleet-search" className="text-sm font-medium">
        Search
      </label>
      <div className="relative">
        <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
        <Input
          id="fleet-search"
          type="search"
          className="pl-8"
          value={text}
          maxLength={100}
          placeholder="Hostname, user, Go, macOS"
          onChange={(event) => setText(event.target.value)}
        />
      </div>
    </div>
  );
}

const nativeSelect =
  "h-9 rounded-md border border-input bg-transparent px-2 text-sm shadow-xs outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 dark:bg-input/30";

function Choice<Value extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: Value | undefined;
  options: readonly (readonly [Value, string])[];
  onChange: (value: Value | undefined) => void;
}) {
  const id = `fleet-filter-${label.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <div className="grid gap-1.5">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <select id={id} className={nativeSelect} value={value ?? ""} onChange={(event) => onChange(options.find(([option]) => option === event.target.value)?.[0])}>
        <option value="">Any</option>
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function FleetFilters({ query, onChange }: { query: FleetQuery; onChange: (changes: Partial<FleetQuery>) => void }) {
  const trpc = useTRPC();
  const goVersions = useQuery(trpc.fleet.goVersions.queryOptions(undefined, { staleTime: 60_000 }));
  const versions = goVersions.data ?? [];
  // The chosen version stays a choice even before the list arrives (or if no machine has it now).
  const goOptions = [...new Set([...(query.goVersion ? [query.goVersion] : []), ...versions])].map((version) => [version, version] as const);
  return (
    <>
      <Choice label="Health" value={query.health} options={[["critical", "critical"], ["warning", "warning"], ["healthy", "healthy"]]} onChange={(health) => onChange({ health })} />
      <Choice label="Arch" value={query.arch} options={[["native", "native"], ["rosetta", "Rosetta"], ["unknown", "unknown"]]} onChange={(arch) => onChange({ arch })} />
      <Choice label="Go version" value={query.goVersion} options={goOptions} onChange={(goVersion) => onChange({ goVersion })} />
      <Choice label="Keychain key" value={query.keychainKey} options={[["present", "present"], ["missing", "missing"], ["unknown", "unknown"]]} onChange={(keychainKey) => onChange({ keychainKey })} />
      <Choice label="Findings" value={query.findings} options={[["some", "some"], ["none", "none"]]} onChange={(findings) => onChange({ findings })} />
      <Choice label="Last seen" value={query.presence} options={[["online", "online"], ["offline", "offline"]]} onChange={(presence) => onChange({ presence })} />
    </>
  );
}

function BulkPush({ selected }: { selected: string[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [backup, setBackup] = useState(true);
  const [rule, setRule] = useState<(typeof pushableRules)[number]>("mixed-cache");
  const push = useMutation(trpc.commands.push.mutationOptions({ onSuccess: ({ batchId }) => router.push(`/batches/${batchId}`) }));
  const spec = { kind: "migrate" as const, options: { backup } };

  return (
    <div className="flex flex-wrap items-center gap-3 rounded-lg border bg-card px-3 py-2 text-sm" role="group" aria-label="Push a migration to many machines">
      <label className="flex items-center gap-2">
        <Checkbox checked={backup} onCheckedChange={(checked) => setBackup(checked === true)} />
        Keep a backup
      </label>
      <Button type="button" size="sm" disabled={selected.length === 0 || push.isPending} onClick={() => push.mutate({ target: { type: "machines", machineIds: selected }, spec })}>
        Migrate selected ({selected.length})
      </Button>
      <span className="text-muted-foreground">or</span>
      <label className="flex items-center gap-2">
        every machine failing
        <select className={nativeSelect} value={rule} onChange={(event) => setRule(pushableRules.find((name) => name === event.target.value) ?? "mixed-cache")}>
          {pushableRules.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <Button type="button" size="sm" variant="outline" disabled={push.isPending} onClick={() => push.mutate({ target: { type: "failing-rule", rule }, spec })}>
        Migrate them
      </Button>
      {push.isError ? (
        <span className="text-destructive" role="alert">
          {push.error.message}
        </span>
      ) : null}
    </div>
  );
}

interface Selection {
  selected: ReadonlySet<string>;
  setSelected: (next: ReadonlySet<string>) => void;
}

const columns: { sort: FleetSortColumn; label: string; numeric?: boolean; firstDirection?: "asc" | "desc" }[] = [
  { sort: "hostname", label: "Hostname" },
  { sort: "user", label: "User" },
  { sort: "macosVersion", label: "macOS" },
  { sort: "arch", label: "Arch" },
  { sort: "goVersion", label: "Go" },
  { sort: "cacheBytes", label: "Cache size", numeric: true, firstDirection: "desc" },
  { sort: "cacheEntries", label: "Entries", numeric: true, firstDirection: "desc" },
  { sort: "growth", label: "Growth / day", numeric: true, firstDirection: "desc" },
  { sort: "verdict", label: "Verdict" },
  { sort: "keychainKey", label: "Keychain key" },
  { sort: "findings", label: "Findings", numeric: true, firstDirection: "desc" },
  { sort: "lastSeen", label: "Last seen", firstDirection: "desc" },
];

function MachineTable({
  machines,
  query,
  busy,
  onSort,
  selection,
}: {
  machines: FleetMachine[];
  query: FleetQuery;
  busy: boolean;
  onSort: (sort: FleetSortColumn, direction: "asc" | "desc") => void;
  selection: Selection | null;
}) {
  const toggle = (id: string, on: boolean) => {
    if (!selection) return;
    const next = new Set(selection.selected);
    if (on) next.add(id);
    else next.delete(id);
    selection.setSelected(next);
  };
  const allSelected = selection !== null && machines.length > 0 && machines.every((machine) => selection.selected.has(machine.id));
  const sortedBy = columns.find((column) => column.sort === query.sort)?.label ?? query.sort;
  return (
    <div className={cn("rounded-lg border bg-card transition-opacity", busy && "opacity-70")}>
      <Table aria-busy={busy} data-testid="fleet-table">
        <TableCaption className="sr-only">
          Machines, sorted by {sortedBy}, {query.direction === "asc" ? "ascending" : "descending"}
        </TableCaption>
        <TableHeader>
          <TableRow>
            {selection ? (
              <TableHead className="w-8 pl-3">
                <Checkbox
                  aria-label="Select every machine on this page"
                  checked={allSelected}
                  onCheckedChange={(checked) => selection.setSelected(new Set(checked === true ? machines.map((machine) => machine.id) : []))}
                />
              </TableHead>
            ) : null}
            {columns.map((column) => {
              const active = query.sort === column.sort;
              const next = active ? (query.direction === "asc" ? "desc" : "asc") : (column.firstDirection ?? "asc");
              const Arrow = !active ? ArrowUpDownIcon : query.direction === "asc" ? ArrowUpIcon : ArrowDownIcon;
              return (
                <TableHead key={column.sort} className={cn(column.numeric && "text-right")} aria-sort={active ? (query.direction === "asc" ? "ascending" : "descending") : "none"}>
                  <Button type="button" variant="ghost" size="sm" className={cn("-mx-2 font-medium", !active && "text-muted-foreground")} onClick={() => onSort(column.sort, next)}>
                    {column.label}
                    <Arrow className={cn("size-3.5", !active && "opacity-40")} aria-hidden />
                  </Button>
                </TableHead>
              );
            })}
          </TableRow>
        </TableHeader>
        <TableBody>
          {machines.map((machine) => (
            <TableRow key={machine.id} data-testid="machine-row" data-state={selection?.selected.has(machine.id) ? "selected" : undefined}>
              {selection ? (
                <TableCell className="pl-3">
                  <Checkbox aria-label={`Select ${machine.hostname}`} checked={selection.selected.has(machine.id)} onCheckedChange={(checked) => toggle(machine.id, checked === true)} />
                </TableCell>
              ) : null}
              <TableCell>
                <Link href={`/machines/${machine.id}`} className="font-medium text-primary underline-offset-4 hover:underline">
                  {machine.hostname}
                </Link>
                <div className="text-xs text-muted-foreground">{machine.platform}</div>
              </TableCell>
              <TableCell data-testid="cell-user">{machine.username || "—"}</TableCell>
              <TableCell>{machine.macosVersion ?? <span className="text-muted-foreground">—</span>}</TableCell>
              <TableCell>
                <span className="font-mono text-xs">{machine.arch}</span>{" "}
                {machine.rosetta ? (
                  <Badge variant="warning">Rosetta</Badge>
                ) : machine.rosetta === false ? (
                  <span className="text-xs text-muted-foreground">native</span>
                ) : null}
              </TableCell>
              <TableCell data-testid="cell-go" className="font-mono text-xs">
                {machine.goVersions.length === 0 ? (
                  <span className="text-muted-foreground">—</span>
                ) : (
                  machine.goVersions.map((version, index) => (
                    <div key={version} className={cn(index > 0 && "text-muted-foreground")}>
                      {version}
                    </div>
                  ))
                )}
              </TableCell>
              <TableCell className="text-right tabular-nums" data-testid="cell-size">
                {formatBytes(machine.cacheBytes)}
              </TableCell>
              <TableCell className="text-right tabular-nums" data-testid="cell-entries">
                {formatCount(machine.cacheEntries)}
              </TableCell>
              <TableCell className="text-right tabular-nums" data-testid="cell-growth">
                {machine.cacheGrowthPerDay === null ? "—" : `${machine.cacheGrowthPerDay < 0 ? "−" : ""}${formatBytes(Math.abs(machine.cacheGrowthPerDay))}`}
              </TableCell>
              <TableCell data-testid="cell-verdict">
                <StatusBadge kind="verdict" value={machine.cacheVerdict} label={machine.cacheVerdict ?? "not scanned"} />
                {machine.hitRate !== null ? (
                  <div className="text-xs text-muted-foreground" data-testid="cell-hit-rate">
                    {formatPercent(machine.hitRate)} hits
                  </div>
                ) : null}
              </TableCell>
              <TableCell>
                {machine.keychainKey === "present" ? (
                  <StatusBadge kind="health" value="healthy" label="present" />
                ) : machine.keychainKey === "missing" ? (
                  <StatusBadge kind="health" value="critical" label="missing" />
                ) : (
                  <span className="text-muted-foreground">unknown</span>
                )}
              </TableCell>
              <TableCell className="text-right" data-testid="cell-findings">
                <StatusBadge kind="health" value={machine.health} label={formatCount(machine.findingsCount)} />
              </TableCell>
              <TableCell>
                <div className="flex items-center gap-2">
                  <StatusBadge kind="presence" value={machine.online ? "online" : "offline"} />
                  <span className="text-xs text-muted-foreground">
                    <RelativeTime iso={machine.lastSeenAt} />
                  </span>
                </div>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function Pagination({ answer, onPage, onPageSize }: { answer: FleetAnswer; onPage: (page: number) => void; onPageSize: (size: number) => void }) {
  const first = answer.total === 0 ? 0 : (answer.page - 1) * answer.pageSize + 1;
  const last = Math.min(answer.total, answer.page * answer.pageSize);
  return (
    <nav className="flex flex-wrap items-center justify-between gap-3 text-sm" aria-label="Pages of machines">
      <span className="text-muted-foreground tabular-nums" data-testid="fleet-range">
        {formatCount(first)}–{formatCount(last)} of {formatCount(answer.total)} machines · page {formatCount(answer.page)} of {formatCount(answer.pageCount)}
      </span>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor="fleet-page-size" className="text-muted-foreground">
          Rows per page
        </label>
        <select id="fleet-page-size" className={nativeSelect} value={answer.pageSize} onChange={(event) => onPageSize(Number(event.target.value))}>
          {[...new Set([...pageSizes, answer.pageSize])]
            .sort((a, b) => a - b)
            .map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
        </select>
        <Button type="button" variant="outline" size="sm" disabled={answer.page <= 1} onClick={() => onPage(answer.page - 1)}>
          <ChevronLeftIcon aria-hidden />
          Previous page
        </Button>
        <Button type="button" variant="outline" size="sm" disabled={answer.page >= answer.pageCount} onClick={() => onPage(answer.page + 1)}>
          Next page
          <ChevronRightIcon aria-hidden />
        </Button>
      </div>
    </nav>
  );
}
