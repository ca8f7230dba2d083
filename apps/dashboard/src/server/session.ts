// Who is signed in, for server components and server actions: better-auth's session cookie,
// checked against the database on every request.
import { cache } from "react";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { sessionUserFrom } from "@cachefleet/api";
import type { SessionUser } from "@cachefleet/db";
import { getServices } from "./services";

/** The signed-in user, or null; cached per request so a page and its parts look it up once. */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const services = await getServices();
  return sessionUserFrom(services.auth, await headers());
});

/** The signed-in user; anyone else is sent to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/signin");
  return user;
}
