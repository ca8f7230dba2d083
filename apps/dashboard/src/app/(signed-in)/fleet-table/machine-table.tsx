"use client";
// The page of machines: a header that sorts on the server (aria-sort says how), a row per machine,
// and, for admins, a checkbox per row to pick machines for a push.
import type { FleetQuery, FleetSortColumn } from "@cachefleet/contract";
import { ArrowDownIcon, ArrowUpDownIcon, ArrowUpIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { Checkbox } from "~/components/ui/checkbox";
import { Table, TableBody, TableCaption, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { cn } from "~/lib/utils";
import { MachineRow } from "./machine-row";
import type { FleetMachine } from "./types";

export interface Selection {
  selected: ReadonlySet<string>;
  setSelected: (next: ReadonlySet<string>) => void;
}

interface Column {
  label: string;
  /** The server's sort key. */
  sort: FleetSortColumn;
  numeric?: boolean;
  firstDirection?: "asc" | "desc";
  /** What the order is by, where the label does not say it. */
  sortedBy?: string;
}

/** In the order MachineRow draws its cells. */
const columns: Column[] = [
  { sort: "hostname", label: "Hostname" },
  { sort: "user", label: "User" },
  { sort: "macosVersion", label: "macOS" },
  { sort: "arch", label: "Arch" },
  { sort: "goVersion", label: "Go" },
  { sort: "cacheBytes", label: "Cache size", numeric: true, firstDirection: "desc" },
  { sort: "cacheEntries", label: "Entries", numeric: true, firstDirection: "desc" },
  { sort: "growth", label: "Growth / day", numeric: true, firstDirection: "desc" },
  { sort: "verdict", label: "Verdict" },
  { sort: "keychainKey", label: "Keychain" },
  // Critical first on the first click; machines of one health in hostname order.
  { sort: "health", label: "Health", sortedBy: "worst severity" },
  { sort: "lastSeen", label: "Last seen", firstDirection: "desc" },
];

export function MachineTable({
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
  const sortColumn = columns.find((column) => column.sort === query.sort);
  const sortedBy = sortColumn ? `${sortColumn.label}${sortColumn.sortedBy ? ` (${sortColumn.sortedBy})` : ""}` : query.sort;
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
            {columns.map((column) => (
              <ColumnHead key={column.sort} column={column} query={query} onSort={onSort} />
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {machines.map((machine) => (
            <MachineRow
              key={machine.id}
              machine={machine}
              selected={selection ? selection.selected.has(machine.id) : null}
              onSelect={(on) => toggle(machine.id, on)}
            />
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function ColumnHead({ column, query, onSort }: { column: Column; query: FleetQuery; onSort: (sort: FleetSortColumn, direction: "asc" | "desc") => void }) {
  const { sort } = column;
  const active = query.sort === sort;
  const next = active ? (query.direction === "asc" ? "desc" : "asc") : (column.firstDirection ?? "asc");
  const Arrow = !active ? ArrowUpDownIcon : query.direction === "asc" ? ArrowUpIcon : ArrowDownIcon;
  return (
    <TableHead className={cn(column.numeric && "text-right")} aria-sort={active ? (query.direction === "asc" ? "ascending" : "descending") : "none"}>
      <Button
        type="button"
        variant="ghost"
        size="sm"
        className={cn("-mx-2 font-medium", !active && "text-muted-foreground")}
        title={column.sortedBy ? `Sort by ${column.sortedBy}` : undefined}
        onClick={() => onSort(sort, next)}
      >
        {column.label}
        <Arrow className={cn("size-3.5", !active && "opacity-40")} aria-hidden />
      </Button>
    </TableHead>
  );
}
