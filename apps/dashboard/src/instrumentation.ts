// Runs once when the server starts, to stop a misconfigured server at once with the reason
// instead of leaving it up to answer every request with a 500.
export async function register(): Promise<void> {
  // NEXT_RUNTIME is not configuration but a constant Next.js inlines per runtime; it keeps the
  // Node-only check out of the Edge build of this file.
  if (process.env.NEXT_RUNTIME === "nodejs") await import("./server/check-env");
}
