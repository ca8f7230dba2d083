// Who is signed in, for server components: the session cookie checked against the database.
import { cache } from "react";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { SessionUser } from "@cachefleet/db";
import { importApi, importDb } from "./backend";
import { getServices } from "./services";

/** The signed-in user, or null; cached per request so a page and its parts look it up once. */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const [{ sessionCookieName }, { findSessionUser }] = await Promise.all([importApi(), importDb()]);
  const token = (await cookies()).get(sessionCookieName)?.value;
  return token ? findSessionUser((await getServices()).db, token) : null;
});

/** The signed-in user; anyone else is sent to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/signin");
  return user;
}
