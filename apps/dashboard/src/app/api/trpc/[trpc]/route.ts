// The one tRPC endpoint, for browsers and agents alike; it only adapts requests to the router.
import { importApi, importTrpcFetchAdapter } from "~/server/backend";
import { getServices } from "~/server/services";

// Agents hold command subscriptions open as server-sent events on GET, so nothing here may be
// cached or prerendered.
export const dynamic = "force-dynamic";

/** Errors that answer a caller's mistake; anything else is the server's fault and is logged. */
const expectedErrors = new Set(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST"]);

async function handler(req: Request): Promise<Response> {
  const [{ fetchRequestHandler }, { appRouter, createContext }, services] = await Promise.all([
    importTrpcFetchAdapter(),
    importApi(),
    getServices(),
  ]);
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ req: request }) => createContext(services, request.headers),
    onError: ({ error, path, type }) => {
      if (expectedErrors.has(error.code)) return;
      console.error(`tRPC ${type} ${path ?? "(unknown path)"} failed:`, error);
    },
  });
}

export { handler as GET, handler as POST };
