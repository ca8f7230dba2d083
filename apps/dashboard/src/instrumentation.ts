// Runs once when the server starts, to stop a misconfigured server at once with the reason
// instead of leaving it up to answer every request with a 500.
export async function register(): Promise<void> {
  // NEXT_RUNTIME is not configuration but a constant Next.js writes into each runtime's build of
  // this file; it keeps the Node-only check (and env.ts with it) out of the Edge build. Read
  // through env.ts it would be a value known only at run time, and the Edge build would then
  // bundle env.ts and the file system code it uses.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME === "nodejs") await import("./server/check-env");
}
