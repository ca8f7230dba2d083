// Readiness for a load balancer: 200 while the database answers with every migration applied,
// 503 with the reason otherwise. Unauthenticated; the reason names no URL or secret.
import { readyResponse } from "@cachefleet/api";
import { getServices } from "~/server/services";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const services = await getServices();
  return readyResponse(services);
}
