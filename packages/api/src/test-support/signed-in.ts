// Router-test fixture: one database's services with a first admin signed in through better-auth,
// a viewer account, and no one (for the "no session is refused" cases).
import type { Db } from "@cachefleet/db";
import { bootstrapIfEmpty, createAccount } from "../accounts.js";
import { signInWithPassword } from "../auth.js";
import { createServices } from "../services.js";
import type { Context, Services } from "../trpc.js";

export interface SignedIn {
  services: Services;
  admin: Context;
  viewer: Context;
  anonymous: () => Context;
  /** The first start's enrollment secret, for enrolling machines. */
  enrollmentSecret: string;
}

export async function signedIn(db: Db, options: { queuePollMs?: number; services?: Services } = {}): Promise<SignedIn> {
  const services = options.services ?? createServices(db, { queuePollMs: options.queuePollMs ?? 50 });
  const anonymous = (): Context => ({ ...services, user: null, agentToken: null });
  const credentials = await bootstrapIfEmpty(db, { adminEmail: "admin@example.com" }, services.auth);
  if (!credentials) throw new Error("The test database already had accounts.");
  const session = await signInWithPassword(services.auth, { email: credentials.adminEmail, password: credentials.adminPassword }, new Headers());
  if (!session.ok) throw new Error(`The first admin could not sign in: ${session.message}`);
  const viewer = await createAccount(services.auth, { email: "viewer@example.com", name: "Viewer", password: "viewer-password", role: "viewer" });
  return {
    services,
    admin: { ...anonymous(), user: session.user },
    viewer: { ...anonymous(), user: viewer },
    anonymous,
    enrollmentSecret: credentials.enrollmentSecret,
  };
}
