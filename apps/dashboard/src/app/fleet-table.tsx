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
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { formatBytes, formatCount } from "~/format";
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

  return (
    <>
      <h1>Fleet</h1>
      {data?.fleetEmpty ? (
        <div className="card" data-testid="fleet-empty">
          No machines yet — start an agent with{" "}
          <code>cachefleet-agent enroll --server &lt;this dashboard&apos;s URL&gt; --secret &lt;enrollment secret&gt;</code>{" "}
          and then <code>cachefleet-agent run</code>; the machine appears here after its first report.
        </div>
      ) : (
        <>
          <VerdictChips counts={data?.counts ?? null} active={query.verdict} onChoose={(verdict) => navigate({ verdict })} />
          <div className="actions fleet-filters" role="search" aria-label="Filter machines">
            <SearchBox value={query.search ?? ""} onSearch={(search) => navigate({ search: search || undefined }, { replace: true })} />
            <FleetFilters query={query} onChange={navigate} />
            {filtered ? (
              <button type="button" className="button-secondary" onClick={() => navigate({ search: undefined, verdict: undefined, ...clearedFilters })}>
                Clear filters
              </button>
            ) : null}
          </div>
          {canPush ? <BulkPush selected={[...selected].filter((id) => rows.some((machine) => machine.id === id))} /> : null}
          {fleet.isError ? <FleetError code={trpcErrorCode(fleet.error)} message={fleet.error.message} onRetry={() => void fleet.refetch()} /> : null}
          {data === undefined ? (
            fleet.isError ? null : (
              <p className="muted" role="status">
                Loading machines…
              </p>
            )
          ) : (
            <>
              <MachineTable
                machines={rows}
                query={query}
                busy={fleet.isFetching}
                onSort={(sort, direction) => navigate({ sort, direction, page: query.page })}
                selection={canPush ? { selected, setSelected } : null}
              />
              {rows.length === 0 ? (
                <div className="card" data-testid="fleet-no-match">
                  No machine matches these filters.{" "}
                  <button type="button" className="button-secondary" onClick={() => navigate({ search: undefined, verdict: undefined, ...clearedFilters })}>
                    Clear filters
                  </button>
                </div>
              ) : null}
              <Pagination answer={data} onPage={(page) => navigate({ page })} onPageSize={(pageSize) => navigate({ pageSize })} />
            </>
          )}
        </>
      )}
    </>
  );
}

const filterKeys = ["health", "arch", "goVersion", "keychainKey", "findings", "presence"] as const;
const clearedFilters = Object.fromEntries(filterKeys.map((key) => [key, undefined])) as Partial<FleetQuery>;

function FleetError({ code, message, onRetry }: { code: string | undefined; message: string; onRetry: () => void }) {
  if (code === "UNAUTHORIZED") {
    return (
      <p className="error" role="alert">
        Your session has ended. <a href="/signin">Sign in again</a>.
      </p>
    );
  }
  return (
    <p className="error" role="alert">
      Could not load the fleet: {message}{" "}
      <button type="button" className="button-secondary" onClick={onRetry}>
        Try again
      </button>
    </p>
  );
}

const verdictLabels: Record<FleetVerdict, string> = {
  mixed: "mixed",
  plaintext: "plaintext",
  encrypted: "encrypted",
  empty: "empty",
  unscanned: "not scanned",
};

/** Machines per verdict under the other filters; each is a toggle for the verdict filter. */
function VerdictChips({ counts, active, onChoose }: { counts: Record<FleetVerdict, number> | null; active: FleetVerdict | undefined; onChoose: (verdict: FleetVerdict | undefined) => void }) {
  return (
    <div className="counts" role="group" aria-label="Machines per cache verdict">
      {fleetVerdicts.map((verdict) => (
        <button
          key={verdict}
          type="button"
          className={`badge chip verdict-${verdict === "unscanned" ? "unknown" : verdict}`}
          aria-pressed={active === verdict}
          data-testid={`verdict-count-${verdict}`}
          onClick={() => onChoose(active === verdict ? undefined : verdict)}
        >
          {counts ? counts[verdict] : "…"} {verdictLabels[verdict]}
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
    <label>
      Search{" "}
      <input type="search" value={text} maxLength={100} placeholder="hostname, user, Go or macOS version" onChange={(event) => setText(event.target.value)} />
    </label>
  );
}

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
  return (
    <label>
      {label}{" "}
      <select value={value ?? ""} onChange={(event) => onChange(options.find(([option]) => option === event.target.value)?.[0])}>
        <option value="">any</option>
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </select>
    </label>
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
    <div className="actions bulk" aria-label="Push a migration to many machines">
      <label>
        <input type="checkbox" checked={backup} onChange={(event) => setBackup(event.target.checked)} />
        Keep a backup
      </label>
      <button
        type="button"
        disabled={selected.length === 0 || push.isPending}
        onClick={() => push.mutate({ target: { type: "machines", machineIds: selected }, spec })}
      >
        Migrate selected ({selected.length})
      </button>
      <span className="muted">or</span>
      <label>
        every machine failing{" "}
        <select value={rule} onChange={(event) => setRule(pushableRules.find((name) => name === event.target.value) ?? "mixed-cache")}>
          {pushableRules.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="button-secondary" disabled={push.isPending} onClick={() => push.mutate({ target: { type: "failing-rule", rule }, spec })}>
        Migrate them
      </button>
      {push.isError ? (
        <span className="error" role="alert">
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
  return (
    <div className="table-scroll">
      <table aria-busy={busy} data-testid="fleet-table">
        <caption className="visually-hidden">Machines, sorted by {columns.find((column) => column.sort === query.sort)?.label}</caption>
        <thead>
          <tr>
            {selection ? (
              <th>
                <input
                  type="checkbox"
                  aria-label="Select every machine on this page"
                  checked={allSelected}
                  onChange={(event) => selection.setSelected(new Set(event.target.checked ? machines.map((machine) => machine.id) : []))}
                />
              </th>
            ) : null}
            {columns.map((column) => {
              const active = query.sort === column.sort;
              const next = active ? (query.direction === "asc" ? "desc" : "asc") : (column.firstDirection ?? "asc");
              return (
                <th key={column.sort} className={column.numeric ? "number" : undefined} aria-sort={active ? (query.direction === "asc" ? "ascending" : "descending") : "none"}>
                  <button type="button" className="sort-button" onClick={() => onSort(column.sort, next)}>
                    {column.label}
                    <span aria-hidden="true">{active ? (query.direction === "asc" ? " ▲" : " ▼") : ""}</span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {machines.map((machine) => (
            <tr key={machine.id} data-testid="machine-row">
              {selection ? (
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${machine.hostname}`}
                    checked={selection.selected.has(machine.id)}
                    onChange={(event) => toggle(machine.id, event.target.checked)}
                  />
                </td>
              ) : null}
              <td>
                <Link href={`/machines/${machine.id}`}>{machine.hostname}</Link>
                <div className="muted">{machine.platform}</div>
              </td>
              <td data-testid="cell-user">{machine.username || "—"}</td>
              <td>{machine.macosVersion ?? "—"}</td>
              <td>
                {machine.arch}
                {machine.rosetta ? (
                  <>
                    {" "}
                    <span className="badge verdict-plaintext">Rosetta</span>
                  </>
                ) : machine.rosetta === false ? (
                  <span className="muted"> native</span>
                ) : null}
              </td>
              <td data-testid="cell-go">
                {machine.goVersions.length === 0 ? "—" : machine.goVersions.map((version, index) => (index === 0 ? <div key={version}>{version}</div> : <div key={version} className="muted">{version}</div>))}
              </td>
              <td className="number" data-testid="cell-size">
                {formatBytes(machine.cacheBytes)}
              </td>
              <td className="number" data-testid="cell-entries">
                {formatCount(machine.cacheEntries)}
              </td>
              <td data-testid="cell-verdict">
                <StatusBadge kind="verdict" value={machine.cacheVerdict} label={machine.cacheVerdict ?? "not scanned"} />
              </td>
              <td>{machine.keychainKey === "present" ? "present" : machine.keychainKey === "missing" ? <StatusBadge kind="health" value="critical" label="missing" /> : <span className="muted">unknown</span>}</td>
              <td className="number" data-testid="cell-findings">
                <StatusBadge kind="health" value={machine.health} label={String(machine.findingsCount)} />
              </td>
              <td>
                <RelativeTime iso={machine.lastSeenAt} />{" "}
                <StatusBadge kind="presence" value={machine.online ? "online" : "offline"} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Pagination({ answer, onPage, onPageSize }: { answer: FleetAnswer; onPage: (page: number) => void; onPageSize: (size: number) => void }) {
  const first = answer.total === 0 ? 0 : (answer.page - 1) * answer.pageSize + 1;
  const last = Math.min(answer.total, answer.page * answer.pageSize);
  return (
    <nav className="actions pagination" aria-label="Pages of machines">
      <span data-testid="fleet-range">
        {formatCount(first)}–{formatCount(last)} of {formatCount(answer.total)} machines · page {answer.page} of {answer.pageCount}
      </span>
      <button type="button" className="button-secondary" disabled={answer.page <= 1} onClick={() => onPage(answer.page - 1)}>
        Previous page
      </button>
      <button type="button" className="button-secondary" disabled={answer.page >= answer.pageCount} onClick={() => onPage(answer.page + 1)}>
        Next page
      </button>
      <label>
        Rows per page{" "}
        <select value={answer.pageSize} onChange={(event) => onPageSize(Number(event.target.value))}>
          {[...new Set([...pageSizes, answer.pageSize])].sort((a, b) => a - b).map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
    </nav>
  );
}
