// Which of better-auth's HTTP endpoints the dashboard serves under /api/auth: signing in with a
// password, signing out and reading the session. Nothing else — in particular not the admin
// plugin's /admin/* endpoints, which would change roles and create users past the users router's
// rules and activity log. An allowlist, so an endpoint a future plugin adds stays closed too.
import type { Auth } from "./auth.js";

export const authBasePath = "/api/auth";

const servedAuthPaths: ReadonlySet<string> = new Set(["/sign-in/email", "/sign-out", "/get-session"]);

/** Whether `/api/auth<path>` is served; matched exactly, so no spelling of another path slips by. */
export function isServedAuthPath(pathname: string): boolean {
  return pathname.startsWith(`${authBasePath}/`) && servedAuthPaths.has(pathname.slice(authBasePath.length));
}

/** Hands a request to better-auth if its path is served; anything else is a 404 that reaches nothing. */
export async function serveAllowedAuthRequest(auth: Auth, request: Request): Promise<Response> {
  if (!isServedAuthPath(new URL(request.url).pathname)) return Response.json({ message: "Not found." }, { status: 404 });
  return auth.handler(request);
}
