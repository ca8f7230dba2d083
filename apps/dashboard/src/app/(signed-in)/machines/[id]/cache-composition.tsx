// What the cache holds, by class (plaintext, encrypted, unknown) and by format, from the last scan.
import type { Tally } from "@cachefleet/contract";
import { RelativeTime } from "~/components/relative-time";
import { Card, CardContent, CardHeader, CardTitle } from "~/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { formatBytes, formatCount, formatDuration } from "~/format";
import { Section } from "./section";
import type { MachineReport } from "./types";

export function CacheComposition({ scan }: { scan: MachineReport["scan"] }) {
  if (scan.status !== "ok") {
    return (
      <Section id="composition" title="Cache composition">
        <p className={scan.status === "error" ? "text-sm text-destructive" : "text-sm text-muted-foreground"}>
          {scan.status === "error" ? "The last scan failed: " : "Not scanned: "}
          {scan.message}
        </p>
      </Section>
    );
  }
  const { summary } = scan;
  const classes: [string, Tally][] = [
    ["plaintext", summary.classes.plaintext],
    ["encrypted", summary.classes.encrypted],
    ["unknown", summary.classes.unknown],
  ];
  const formats = Object.entries(summary.formats)
    .flatMap(([format, tally]): [string, Tally][] => (tally ? [[format, tally]] : []))
    .sort(([, a], [, b]) => b.bytes - a.bytes);
  const skipped = summary.skipped.symlinks + summary.skipped.unreadable + summary.skipped.other;
  return (
    <Section
      id="composition"
      title="Cache composition"
      description={
        <>
          Entries from <RelativeTime iso={summary.oldestEntryAt} fallback="—" /> to <RelativeTime iso={summary.newestEntryAt} fallback="—" />; scanned in{" "}
          {formatDuration(summary.durationMs)}
          {skipped > 0 ? `; skipped ${formatCount(summary.skipped.symlinks)} symlinks, ${formatCount(summary.skipped.unreadable)} unreadable and ${formatCount(summary.skipped.other)} other files` : ""}.
        </>
      }
    >
      <div className="grid gap-4 lg:grid-cols-2">
        <TallyTable title="By class" heading="Class" rows={classes} total={summary.entries} testIdPrefix="class" />
        <TallyTable title="By format" heading="Format" rows={formats} total={summary.entries} testIdPrefix="format" />
      </div>
    </Section>
  );
}

function share(part: number, whole: number): string {
  return whole === 0 ? "—" : `${((part / whole) * 100).toFixed(part === whole || part === 0 ? 0 : 1)} %`;
}

function TallyTable({ title, heading, rows, total, testIdPrefix }: { title: string; heading: string; rows: [string, Tally][]; total: Tally; testIdPrefix: string }) {
  return (
    <Card className="min-w-0 gap-3 py-4">
      <CardHeader>
        <CardTitle role="heading" aria-level={3}>
          {title}
        </CardTitle>
      </CardHeader>
      <CardContent>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead scope="col">{heading}</TableHead>
              <TableHead scope="col" className="text-right">
                Entries
              </TableHead>
              <TableHead scope="col" className="text-right">
                Size
              </TableHead>
              <TableHead scope="col" className="text-right">
                Share of bytes
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.length === 0 ? (
              <TableRow>
                <TableCell colSpan={4} className="text-muted-foreground">
                  None
                </TableCell>
              </TableRow>
            ) : (
              rows.map(([name, tally]) => (
                <TableRow key={name} data-testid={`${testIdPrefix}-${name}`}>
                  <TableHead scope="row" className="font-normal">
                    {name}
                  </TableHead>
                  <TableCell className="text-right tabular-nums">{formatCount(tally.count)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatBytes(tally.bytes)}</TableCell>
                  <TableCell className="text-right tabular-nums">{share(tally.bytes, total.bytes)}</TableCell>
                </TableRow>
              ))
            )}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}
