"use server";
// Sign-in and sign-out as server actions: the only places that write the session cookie.
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { importApi, importDb } from "./backend";
import { getServices } from "./services";

export interface SignInState {
  error: string | null;
  email: string;
}

const Credentials = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});

/**
 * Whether the browser reached us over https. Behind a TLS-terminating proxy the request Next sees
 * is plain http, so the proxy's X-Forwarded-Proto decides; a browser's Origin is the fallback.
 */
async function requestIsHttps(): Promise<boolean> {
  const requestHeaders = await headers();
  const forwarded = requestHeaders.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (forwarded) return forwarded === "https";
  return requestHeaders.get("origin")?.startsWith("https:") ?? false;
}

export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  const submittedEmail = form.get("email");
  const email = typeof submittedEmail === "string" ? submittedEmail : "";
  const credentials = Credentials.safeParse({ email, password: form.get("password") });
  if (!credentials.success) return { error: "Enter your email and password.", email };

  const [{ sessionCookieName }, { signIn }] = await Promise.all([importApi(), importDb()]);
  const session = await signIn((await getServices()).db, credentials.data.email, credentials.data.password);
  if (!session) return { error: "Wrong email or password.", email };

  (await cookies()).set(sessionCookieName, session.token, {
    httpOnly: true,
    sameSite: "lax",
    // A secure cookie is never sent back over plain http, which would lock out local http use.
    secure: await requestIsHttps(),
    expires: session.expiresAt,
    path: "/",
  });
  redirect("/");
}

export async function signOutAction(): Promise<void> {
  const [{ sessionCookieName }, { signOut }] = await Promise.all([importApi(), importDb()]);
  const cookieStore = await cookies();
  const token = cookieStore.get(sessionCookieName)?.value;
  if (token) await signOut((await getServices()).db, token);
  cookieStore.delete(sessionCookieName);
  redirect("/signin");
}
