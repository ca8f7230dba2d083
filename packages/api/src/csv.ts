// CSV as spreadsheets read it (RFC 4180): every line ends in CRLF, a cell holding a comma, a quote,
// a line break or edge spaces is quoted with its quotes doubled, and text that a spreadsheet would
// run as a formula (starting with = + - @, a tab or a carriage return) is prefixed with ' so it
// stays text: hostnames and user names come from the machines, not from the team.
export type CsvValue = string | number | boolean | Date | null | undefined;

const formulaStart = /^[=+\-@\t\r]/;
const needsQuotes = /[",\r\n]|^\s|\s$/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== "string") return String(value);
  const text = formulaStart.test(value) ? `'${value}` : value;
  return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function formatCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(",")}\r\n`).join("");
}
