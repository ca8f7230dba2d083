// The one tRPC endpoint, for browsers and agents alike; it only hands requests to the api package.
import { importApi } from "~/server/backend";
import { getServices } from "~/server/services";

// Agents hold command subscriptions open as server-sent events on GET, so nothing here may be
// cached or prerendered.
export const dynamic = "force-dynamic";

async function handler(req: Request): Promise<Response> {
  const [{ handleTrpcRequest }, services] = await Promise.all([importApi(), getServices()]);
  return handleTrpcRequest(services, req);
}

export { handler as GET, handler as POST };
