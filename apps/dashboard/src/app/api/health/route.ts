// Liveness for a load balancer or supervisor: the process answers. Unauthenticated, no database.
import { healthResponse } from "@cachefleet/api";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return healthResponse();
}
