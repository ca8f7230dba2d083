// The one tRPC endpoint, for browsers and agents alike; the api package's handleTrpcRequest owns
// its limits and logging, and the process's shutdown signal ends open streams when the server stops.
// Work a procedure leaves for after its answer (a push's fan-out to the agents' streams) runs
// through Next's `after`, once the answer is written.
import { after } from "next/server";
import { handleTrpcRequest } from "@cachefleet/api";
import { getServices, shutdownSignal } from "~/server/services";

// Agents hold command subscriptions open as server-sent events on GET, so nothing here may be
// cached or prerendered.
export const dynamic = "force-dynamic";

async function handler(req: Request): Promise<Response> {
  const services = await getServices();
  return handleTrpcRequest(services, req, { shutdown: shutdownSignal(), afterResponse: after });
}

export { handler as GET, handler as POST };
