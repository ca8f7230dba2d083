"use server";
// Sign-in and sign-out as server actions, through better-auth: it checks the password and opens
// or ends the session; these actions carry its cookies to the browser. Both work without
// JavaScript, and Next checks that a server action comes from the dashboard's own pages.
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { signInWithPassword, signOutSession, type CookieToSet } from "@cachefleet/api";
import { getServices } from "./services";

export interface SignInState {
  error: string | null;
  email: string;
}

const Credentials = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});

async function setCookies(toSet: CookieToSet[]): Promise<void> {
  const cookieStore = await cookies();
  for (const { name, value, ...attributes } of toSet) cookieStore.set(name, value, attributes);
}

export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  const submittedEmail = form.get("email");
  const email = typeof submittedEmail === "string" ? submittedEmail : "";
  const credentials = Credentials.safeParse({ email, password: form.get("password") });
  if (!credentials.success) return { error: "Enter your email and password.", email };

  const services = await getServices();
  const outcome = await signInWithPassword(services.auth, credentials.data, new Headers(await headers()));
  if (!outcome.ok) {
    services.metrics.signInFailed();
    services.logger.warn("sign-in refused");
    return { error: outcome.message, email };
  }
  await setCookies(outcome.cookies);
  redirect("/");
}

export async function signOutAction(): Promise<void> {
  const services = await getServices();
  await setCookies(await signOutSession(services.auth, new Headers(await headers())));
  redirect("/signin");
}
