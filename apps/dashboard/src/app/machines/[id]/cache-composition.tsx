// What the cache holds, by class (plaintext, encrypted, unknown) and by format, from the last scan.
import type { Tally } from "@cachefleet/contract";
import { RelativeTime } from "~/components/relative-time";
import { formatBytes, formatCount, formatDuration } from "~/format";
import type { MachineReport } from "./types";

export function CacheComposition({ scan }: { scan: MachineReport["scan"] }) {
  if (scan.status !== "ok") {
    return (
      <section aria-labelledby="composition-heading">
        <h2 id="composition-heading">Cache composition</h2>
        <p className={scan.status === "error" ? "error" : "muted"}>
          {scan.status === "error" ? "The last scan failed: " : "Not scanned: "}
          {scan.message}
        </p>
      </section>
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
    <section aria-labelledby="composition-heading">
      <h2 id="composition-heading">Cache composition</h2>
      <div className="composition">
        <TallyTable caption="By class" heading="Class" rows={classes} total={summary.entries} testIdPrefix="class" />
        <TallyTable caption="By format" heading="Format" rows={formats} total={summary.entries} testIdPrefix="format" />
      </div>
      <p className="muted">
        Entries from <RelativeTime iso={summary.oldestEntryAt} fallback="—" /> to <RelativeTime iso={summary.newestEntryAt} fallback="—" />; scanned in{" "}
        {formatDuration(summary.durationMs)}
        {skipped > 0 ? `; skipped ${summary.skipped.symlinks} symlinks, ${summary.skipped.unreadable} unreadable and ${summary.skipped.other} other files` : ""}.
      </p>
    </section>
  );
}

function share(part: number, whole: number): string {
  return whole === 0 ? "—" : `${((part / whole) * 100).toFixed(part === whole || part === 0 ? 0 : 1)} %`;
}

function TallyTable({ caption, heading, rows, total, testIdPrefix }: { caption: string; heading: string; rows: [string, Tally][]; total: Tally; testIdPrefix: string }) {
  return (
    <table>
      <caption className="muted">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{heading}</th>
          <th scope="col" className="number">
            Entries
          </th>
          <th scope="col" className="number">
            Size
          </th>
          <th scope="col" className="number">
            Share of bytes
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={4} className="muted">
              None
            </td>
          </tr>
        ) : (
          rows.map(([name, tally]) => (
            <tr key={name} data-testid={`${testIdPrefix}-${name}`}>
              <th scope="row">{name}</th>
              <td className="number">{formatCount(tally.count)}</td>
              <td className="number">{formatBytes(tally.bytes)}</td>
              <td className="number">{share(tally.bytes, total.bytes)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
