// Accounts and browser sessions, through better-auth: email and password with its own hashing,
// httpOnly session cookies, and the admin plugin's roles. Admins create every account; there is
// no public sign-up. Sign-ins, failed sign-ins and sign-outs go to the activity log from here, so
// the dashboard's server actions and the HTTP endpoint under /api/auth are logged alike, and
// limited alike: failed sign-ins per account and per client address (failure-limiter.ts).
import { randomBytes } from "node:crypto";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { parseSetCookieHeader } from "better-auth/cookies";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { admin } from "better-auth/plugins/admin";
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements } from "better-auth/plugins/admin/access";
import { isLegacyPasswordHash, recordActivity, toRole, verifyLegacyPassword, type Db, type SessionUser } from "@cachefleet/db";
import { clientAddress } from "./client-address.js";
import { createRequestLimits, type RequestLimits } from "./failure-limiter.js";

export interface AuthSettings {
  /** The database behind `db` (Prisma adapters differ slightly per provider). Default sqlite. */
  provider?: "sqlite" | "postgresql";
  /** Signs session cookies. Default: random, so sessions last only as long as the process. */
  secret?: string;
  /**
   * The dashboard's public URL (BETTER_AUTH_URL). Without it, requests to localhost, 127.0.0.1
   * and [::1] on any port are served under their own origin, so a dashboard on a random port
   * (tests) or on the default one (`pnpm start`) works unconfigured.
   */
  baseURL?: string;
  /** Failed sign-ins allowed per account and per address; default: a set of its own. */
  limits?: RequestLimits;
}

function emailTried(body: unknown): string | null {
  return typeof body === "object" && body !== null && "email" in body && typeof body.email === "string" ? body.email.trim().toLowerCase() : null;
}

const accessControl = createAccessControl(defaultStatements);

/** admin: push commands, manage users, secrets and policy. viewer: read only. */
export const roles = {
  admin: accessControl.newRole(adminAc.statements),
  viewer: accessControl.newRole({ user: [], session: [] }),
};

const loopbackHosts = ["localhost:*", "127.0.0.1:*", "[::1]:*"];

export function createAuth(db: Db, settings: AuthSettings = {}) {
  const limits = settings.limits ?? createRequestLimits();
  const addressOf = (headers: Headers | undefined) => clientAddress(headers ?? new Headers(), limits.trustedProxyHops);
  return betterAuth({
    appName: "Cachefleet",
    secret: settings.secret ?? randomBytes(32).toString("base64url"),
    baseURL: settings.baseURL ?? {
      allowedHosts: loopbackHosts,
      protocol: "http",
      // For server calls without request headers (first start, tests) and requests by other host
      // names. Cookies carry no domain, so the sign-in page works under any name; better-auth's
      // HTTP endpoints accept cookie-bearing requests only from the loopback origins above.
      fallback: "http://localhost",
    },
    database: prismaAdapter(db, { provider: settings.provider ?? "sqlite" }),
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      password: {
        hash: (password: string): Promise<string> => hashPassword(password),
        // Accounts carried over from before better-auth keep their scrypt$… hashes until they
        // change their password; new hashes are better-auth's own.
        verify: async ({ hash, password }: { hash: string; password: string }): Promise<boolean> =>
          isLegacyPasswordHash(hash) ? verifyLegacyPassword(password, hash) : verifyPassword({ hash, password }),
      },
    },
    advanced: {
      cookiePrefix: "cachefleet",
      // better-auth skips its origin check when NODE_ENV is "test"; the tests check it is on.
      disableOriginCheck: false,
    },
    plugins: [admin({ ac: accessControl, roles, defaultRole: "viewer", adminRoles: ["admin"] })],
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path === "/sign-in/email") {
          const tried = emailTried(ctx.body);
          const waitMs = Math.max(limits.signInPerAddress.retryAfterMs(addressOf(ctx.headers)), tried ? limits.signInPerAccount.retryAfterMs(tried) : 0);
          if (waitMs > 0) {
            throw new APIError("TOO_MANY_REQUESTS", { message: `Too many failed sign-ins; try again in ${Math.ceil(waitMs / 60_000)} minutes.` });
          }
          return;
        }
        // After signing out the session is gone, so whose it was is read before.
        if (ctx.path !== "/sign-out") return;
        const session = await getSessionFromCtx(ctx);
        if (session) await recordActivity(db, { actorEmail: session.user.email, action: "sign-out" });
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email") return;
        const body: unknown = ctx.body;
        const tried = emailTried(body);
        if (isAPIError(ctx.context.returned)) {
          limits.signInPerAddress.fail(addressOf(ctx.headers));
          if (tried) limits.signInPerAccount.fail(tried);
          // The email tried, never the password.
          await recordActivity(db, { actorEmail: tried, action: "sign-in.failed", detail: { reason: ctx.context.returned.message } });
        } else if (ctx.context.newSession) {
          const user = ctx.context.newSession.user;
          limits.signInPerAccount.clear(user.email);
          await recordActivity(db, { actorEmail: user.email, action: "sign-in" });
          // The password just proved right: a carried-over scrypt$… hash is replaced by better-auth's.
          const password: unknown = typeof body === "object" && body !== null && "password" in body ? body.password : null;
          if (typeof password === "string") await upgradeLegacyHash(db, user.id, password);
        }
      }),
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

async function upgradeLegacyHash(db: Db, userId: string, password: string): Promise<void> {
  const account = await db.account.findFirst({ where: { userId, providerId: "credential" } });
  if (!account?.password || !isLegacyPasswordHash(account.password)) return;
  // Conditional on the old hash, so a password changed meanwhile is never overwritten.
  await db.account.updateMany({ where: { id: account.id, password: account.password }, data: { password: await hashPassword(password) } });
}

/** The signed-in user of a request (its session cookie), or null. */
export async function sessionUserFrom(auth: Auth, headers: Headers): Promise<SessionUser | null> {
  if (!headers.get("cookie")) return null;
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  return { id: session.user.id, email: session.user.email, role: toRole(session.user.role) };
}

/** A cookie for the caller to set on its response, in the shape Next's cookies().set takes. */
export interface CookieToSet {
  name: string;
  value: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: "lax" | "strict" | "none";
  path: string;
  maxAge?: number;
}

/**
 * Whether the browser reached the dashboard over https: X-Forwarded-Proto, which `next start` sets
 * from its own socket and a TLS-terminating proxy sets too. Believing a forged "https" only makes
 * the forger's own cookie Secure, so no trust setting is needed for it.
 */
export function requestIsHttps(headers: Headers): boolean {
  return headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}

function cookiesFrom(headers: Headers | null | undefined, https = false): CookieToSet[] {
  const header = headers?.get("set-cookie");
  if (!header) return [];
  return [...parseSetCookieHeader(header)].map(([name, attributes]) => ({
    name,
    value: attributes.value,
    httpOnly: attributes.httponly === true,
    // Secure whenever served over https, even when BETTER_AUTH_URL (which better-auth decides by) is unset.
    secure: attributes.secure === true || https,
    sameSite: attributes.samesite === "strict" || attributes.samesite === "none" ? attributes.samesite : "lax",
    path: attributes.path ?? "/",
    ...(attributes["max-age"] === undefined ? {} : { maxAge: attributes["max-age"] }),
  }));
}

export type SignInOutcome = { ok: true; user: SessionUser; cookies: CookieToSet[] } | { ok: false; message: string };

/** Checks an email and password and opens a session; the caller sets the returned cookies. */
export async function signInWithPassword(auth: Auth, credentials: { email: string; password: string }, headers: Headers): Promise<SignInOutcome> {
  try {
    const { headers: responseHeaders, response } = await auth.api.signInEmail({
      body: { email: credentials.email.trim().toLowerCase(), password: credentials.password },
      headers,
      returnHeaders: true,
    });
    return {
      ok: true,
      user: { id: response.user.id, email: response.user.email, role: toRole(response.user.role) },
      cookies: cookiesFrom(responseHeaders, requestIsHttps(headers)),
    };
  } catch (error) {
    if (isAPIError(error) && (error.statusCode === 401 || error.statusCode === 400)) return { ok: false, message: "Wrong email or password." };
    if (isAPIError(error) && error.statusCode === 429) return { ok: false, message: error.message };
    if (isAPIError(error) && error.statusCode === 403) return { ok: false, message: "This account may not sign in." };
    throw error;
  }
}

/** Ends the request's session in the database; the returned cookies clear it in the browser. */
export async function signOutSession(auth: Auth, headers: Headers): Promise<CookieToSet[]> {
  if (!headers.get("cookie")) return [];
  const { headers: responseHeaders } = await auth.api.signOut({ headers, returnHeaders: true });
  return cookiesFrom(responseHeaders, requestIsHttps(headers));
}
