// better-auth's HTTP endpoints for clients other than the dashboard's own pages (which sign in
// through server actions): only sign-in, sign-out and the session are served (see the api
// package's auth-http.ts); account changes go through the users procedures alone. This only hands
// requests over.
import { handleAuthRequest } from "@cachefleet/api";
import { getServices } from "~/server/services";

export const dynamic = "force-dynamic";

async function handler(req: Request): Promise<Response> {
  const services = await getServices();
  return handleAuthRequest(services, req);
}

export { handler as GET, handler as POST };
