// Who is signed in, for server components and server actions: better-auth's session cookie,
// checked against the database on every request.
import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { sessionUserFrom } from "@cachefleet/api";
import type { SessionUser } from "@cachefleet/db";
import { getServices } from "./services";

/** The signed-in user, or null; cached per request so a page and its parts look it up once. */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  // The request first: `next build` prerenders every page to learn which are dynamic, and reading
  // the headers ends that here, before the services (database, background jobs) start in the build.
  const requestHeaders = await headers();
  const services = await getServices();
  return sessionUserFrom(services.auth, requestHeaders);
});

/** The signed-in user; anyone else is sent to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/signin");
  return user;
}
