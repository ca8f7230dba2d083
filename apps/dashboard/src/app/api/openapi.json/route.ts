// The OpenAPI document of the automation API (fleet, audit, machines, commands), generated from
// the procedures' zod schemas, with this dashboard's origin as its server. Public: it describes
// the API, and every call it describes needs a token.
import { openApiDocument } from "@cachefleet/api";
import { originFromHeaders } from "~/server/request-origin";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return Response.json(openApiDocument(originFromHeaders(request.headers)), { headers: { "cache-control": "no-store" } });
}
