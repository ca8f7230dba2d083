// The Prometheus scrape: 404 unless CACHEFLEET_METRICS_TOKEN is set, then only for that bearer token.
import { env } from "~/env";
import { metricsResponse } from "@cachefleet/api";
import { getServices } from "~/server/services";

export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  const services = await getServices();
  return metricsResponse(services, req, env.CACHEFLEET_METRICS_TOKEN);
}
