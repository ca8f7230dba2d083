// Bearer-token authentication for automation, beside the session cookie: a request carrying
// `Authorization: Bearer cfa_…` acts as the API token's principal (its name, its scope). Agent
// tokens travel in the same header but never carry the API tokens' prefix, so each is looked up
// only where it belongs.
import { apiTokenPrefix } from "@cachefleet/contract";
import { findApiTokenPrincipal, type ApiTokenPrincipal, type Db } from "@cachefleet/db";

/** The token in an `Authorization: Bearer …` header, or null. */
export function bearerToken(headers: Headers): string | null {
  const authorization = headers.get("authorization") ?? "";
  if (!authorization.startsWith("Bearer ")) return null;
  const token = authorization.slice("Bearer ".length).trim();
  return token === "" ? null : token;
}

export function isApiToken(token: string | null): token is string {
  return token !== null && token.startsWith(apiTokenPrefix);
}

/** The API token principal of a request, or null when it carries none or one that is refused. */
export async function apiTokenPrincipalFrom(db: Db, headers: Headers): Promise<ApiTokenPrincipal | null> {
  const token = bearerToken(headers);
  return isApiToken(token) ? findApiTokenPrincipal(db, token) : null;
}
