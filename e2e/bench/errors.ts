// How the benches print an error: its message with its causes, on one line. Kept apart from
// stats.ts so the benches' worker threads can use it without loading the database client.
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause === undefined ? error.message : `${error.message} (${describeError(error.cause)})`;
}
