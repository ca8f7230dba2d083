// The one date convention of the API: a date leaves a procedure as an ISO 8601 string in UTC
// ("2026-12-01T17:42:12.000Z"), and no date is ever a Date on the wire. JSON has no date type,
// the HTTP link sends plain JSON (no transformer), and a string says the same thing to the
// browser, an agent and a script holding an API token. Pages turn it back into a Date where they
// compute with it.

/** A date as the API sends it. */
export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** A row with each Date field as the API sends it (ISO string); other fields unchanged. */
export type IsoDates<Row> = { [Key in keyof Row]: Date extends Row[Key] ? Exclude<Row[Key], Date> | string : Row[Key] };

/** Converts a row's Date fields for sending; for rows passed on whole (`{ ...row }`), not picked field by field. */
export function isoDates<Row extends object>(row: Row): IsoDates<Row> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value])) as IsoDates<Row>;
}
