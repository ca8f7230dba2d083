// Liveness for a load balancer or supervisor: the process answers. Unauthenticated, no database.
import { importApi } from "~/server/backend";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  return (await importApi()).healthResponse();
}
