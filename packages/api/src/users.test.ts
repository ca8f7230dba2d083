// Accounts through better-auth and the users router, through createCaller on real databases
// (SQLite, and PostgreSQL when reachable): who may change accounts, the last-admin rule, carried
// over passwords, and the activity log of sign-ins.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashLegacyPassword, listActivity } from "@cachefleet/db";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { refuseAccountChange } from "./account-rules.js";
import { bootstrapIfEmpty, createAccount, renameLocalhostAccounts } from "./accounts.js";
import { authSecretFileName, loadAuthSecret } from "./auth-secret.js";
import { signInWithPassword, signOutSession, type CookieToSet } from "./auth.js";
import { createCaller } from "./root.js";
import { createServices } from "./services.js";
import { createContext, type Context, type Services } from "./trpc.js";

const providers = await testedProviders();

function cookieHeader(cookies: CookieToSet[]): Headers {
  return new Headers({ cookie: cookies.map((cookie) => `${cookie.name}=${encodeURIComponent(cookie.value)}`).join("; ") });
}

describe("account rules", () => {
  const admin = { id: "a", email: "a@example.com", role: "admin" as const };
  const other = { id: "b", email: "b@example.com", role: "admin" as const };
  const viewer = { id: "v", email: "v@example.com", role: "viewer" as const };

  it("refuses to remove or demote yourself", () => {
    expect(refuseAccountChange({ kind: "remove" }, "a", admin, 3)).toMatch(/your own account/);
    expect(refuseAccountChange({ kind: "set-role", role: "viewer" }, "a", admin, 3)).toMatch(/demote yourself/);
    expect(refuseAccountChange({ kind: "set-role", role: "admin" }, "a", admin, 3)).toBeNull();
  });

  it("refuses to take away the last admin", () => {
    expect(refuseAccountChange({ kind: "remove" }, "a", other, 1)).toBe("b@example.com is the last admin; make another user admin first.");
    expect(refuseAccountChange({ kind: "set-role", role: "viewer" }, "a", other, 1)).toMatch(/last admin/);
    expect(refuseAccountChange({ kind: "set-role", role: "viewer" }, "a", other, 2)).toBeNull();
    expect(refuseAccountChange({ kind: "remove" }, "a", viewer, 1)).toBeNull();
  });
});

describe("the auth secret", () => {
  it("is generated once into a 0600 file in the data folder, unless BETTER_AUTH_SECRET is given", () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-secret-")), "data");
    try {
      const first = loadAuthSecret({ dataDir });
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect(fs.statSync(path.join(dataDir, authSecretFileName)).mode & 0o777).toBe(0o600);
      expect(loadAuthSecret({ dataDir })).toBe(first);
      expect(loadAuthSecret({ secret: "from-the-environment-from-the-environment", dataDir })).toBe("from-the-environment-from-the-environment");
      expect(fs.readdirSync(dataDir)).toEqual([authSecretFileName]);
    } finally {
      fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
  });
});

describe.each(providers)("accounts on %s", (provider) => {
  let database: TestDatabase;
  let services: Services;
  let admin: { email: string; password: string };
  const anonymous = (): Context => ({ ...services, user: null, agentToken: null });
  async function signedIn(email: string, password: string): Promise<{ context: Context; headers: Headers }> {
    const outcome = await signInWithPassword(services.auth, { email, password }, new Headers());
    if (!outcome.ok) throw new Error(`${email} could not sign in: ${outcome.message}`);
    const headers = cookieHeader(outcome.cookies);
    return { context: await createContext(services, headers), headers };
  }

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    services = createServices(database.db, { queuePollMs: 60_000, auth: { provider, secret: "test-secret-test-secret-test-secret" } });
    const credentials = await bootstrapIfEmpty(database.db, { adminEmail: "Admin@Example.com" }, services.auth);
    if (!credentials) throw new Error("bootstrap did nothing on an empty database");
    admin = { email: credentials.adminEmail, password: credentials.adminPassword };
  }, 60_000);

  afterAll(async () => {
    await database?.drop();
  });

  it("creates the first admin once, hashed by better-auth, and signs them in", async () => {
    expect(admin.email).toBe("admin@example.com");
    expect(await bootstrapIfEmpty(database.db, { adminEmail: "other@example.com" }, services.auth)).toBeNull();
    const account = await database.db.account.findFirstOrThrow({ where: { providerId: "credential", user: { email: admin.email } } });
    expect(account.password).not.toContain(admin.password);
    expect(account.password?.startsWith("scrypt$")).toBe(false);
    const { context } = await signedIn(admin.email, admin.password);
    expect(context.user).toMatchObject({ email: admin.email, role: "admin" });
  });

  it("refuses a wrong password and logs sign-ins and failed sign-ins, never the password", async () => {
    const refused = await signInWithPassword(services.auth, { email: admin.email, password: "not-the-password" }, new Headers());
    expect(refused).toEqual({ ok: false, message: "Wrong email or password." });
    const unknown = await signInWithPassword(services.auth, { email: "nobody@example.com", password: "whatever-it-is" }, new Headers());
    expect(unknown.ok).toBe(false);
    await signedIn(admin.email, admin.password);
    const events = await listActivity(database.db, { take: 500 });
    const failed = events.filter((event) => event.action === "sign-in.failed");
    expect(failed.map((event) => event.actorEmail)).toEqual(expect.arrayContaining([admin.email, "nobody@example.com"]));
    expect(JSON.stringify(failed)).not.toContain("not-the-password");
    expect(events.filter((event) => event.action === "sign-in" && event.actorEmail === admin.email).length).toBeGreaterThanOrEqual(1);
  });

  it("ends the session on sign-out: the old cookie no longer works", async () => {
    const { context, headers } = await signedIn(admin.email, admin.password);
    expect(context.user?.email).toBe(admin.email);
    const cleared = await signOutSession(services.auth, headers);
    expect(cleared.length).toBeGreaterThan(0);
    expect((await createContext(services, headers)).user).toBeNull();
    await expect(createCaller(await createContext(services, headers)).users.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect((await listActivity(database.db)).some((event) => event.action === "sign-out" && event.actorEmail === admin.email)).toBe(true);
  });

  it("still signs in an account carried over with an old scrypt password", async () => {
    // As the migration to better-auth's tables carried them over: accountId is the user's id.
    const user = await database.db.user.create({ data: { email: "legacy@example.com", role: "viewer" } });
    await database.db.account.create({
      data: { id: `legacy-${user.id}`, accountId: user.id, providerId: "credential", userId: user.id, password: hashLegacyPassword("carried-over-pw") },
    });
    expect((await signInWithPassword(services.auth, { email: "legacy@example.com", password: "wrong-password" }, new Headers())).ok).toBe(false);
    const { context } = await signedIn("legacy@example.com", "carried-over-pw");
    expect(context.user).toMatchObject({ email: "legacy@example.com", role: "viewer" });
    // Once proved, the old hash is replaced by better-auth's own, and the password still works.
    const upgraded = await database.db.account.findUniqueOrThrow({ where: { id: `legacy-${user.id}` } });
    expect(upgraded.password?.startsWith("scrypt$")).toBe(false);
    expect((await signedIn("legacy@example.com", "carried-over-pw")).context.user?.email).toBe("legacy@example.com");
    expect((await signInWithPassword(services.auth, { email: "legacy@example.com", password: "wrong-password" }, new Headers())).ok).toBe(false);
  });

  it("renames the old first admin admin@localhost, which better-auth would refuse, keeping the password", async () => {
    const user = await database.db.user.create({ data: { email: "first@localhost", role: "admin" } });
    await database.db.account.create({ data: { accountId: user.id, providerId: "credential", userId: user.id, password: hashLegacyPassword("first-admin-pw") } });
    expect((await signInWithPassword(services.auth, { email: "first@localhost", password: "first-admin-pw" }, new Headers())).ok).toBe(false);
    expect(await renameLocalhostAccounts(database.db)).toEqual([{ from: "first@localhost", to: "first@localhost.localdomain" }]);
    expect(await renameLocalhostAccounts(database.db)).toEqual([]);
    const { context } = await signedIn("first@localhost.localdomain", "first-admin-pw");
    expect(context.user).toMatchObject({ email: "first@localhost.localdomain", role: "admin" });
    await database.db.user.delete({ where: { id: user.id } });
  });

  it("lets an admin create, promote, demote and remove users, each in the activity log", async () => {
    const { context } = await signedIn(admin.email, admin.password);
    const caller = createCaller(context);
    const created = await caller.users.create({ email: "New.Viewer@example.com", name: "New Viewer", role: "viewer", password: "first-password" });
    expect(created).toMatchObject({ email: "new.viewer@example.com", role: "viewer" });
    await expect(caller.users.create({ email: "new.viewer@example.com", name: "Again", role: "viewer", password: "first-password" })).rejects.toMatchObject({ code: "CONFLICT" });

    const viewer = await signedIn("new.viewer@example.com", "first-password");
    expect(viewer.context.user?.role).toBe("viewer");
    const listed = await caller.users.list();
    expect(listed.find((user) => user.email === "new.viewer@example.com")).toMatchObject({ name: "New Viewer", role: "viewer", isYou: false });
    expect(listed.find((user) => user.email === "new.viewer@example.com")?.lastSignInAt).not.toBeNull();
    expect(listed.find((user) => user.email === admin.email)?.isYou).toBe(true);

    await caller.users.setRole({ userId: created.id, role: "admin" });
    expect((await createContext(services, viewer.headers)).user?.role).toBe("admin");
    await caller.users.setRole({ userId: created.id, role: "viewer" });
    await caller.users.remove({ userId: created.id });
    expect((await createContext(services, viewer.headers)).user).toBeNull();
    await expect(caller.users.remove({ userId: created.id })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const logged = (await listActivity(database.db, { subject: "new.viewer@example.com" })).map((event) => [event.action, event.actorEmail, event.detail]).reverse();
    expect(logged).toEqual([
      ["user.created", admin.email, { role: "viewer" }],
      ["user.role-changed", admin.email, { from: "viewer", to: "admin" }],
      ["user.role-changed", admin.email, { from: "admin", to: "viewer" }],
      ["user.removed", admin.email, { role: "viewer" }],
    ]);
  });

  it("refuses bad input and changes nothing", async () => {
    const caller = createCaller((await signedIn(admin.email, admin.password)).context);
    const before = await database.db.user.count();
    await expect(caller.users.create({ email: "not-an-email", name: "X", role: "viewer", password: "long-enough" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.users.create({ email: "short@example.com", name: "X", role: "viewer", password: "short" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // @ts-expect-error: a role that does not exist
    await expect(caller.users.create({ email: "owner@example.com", name: "X", role: "owner", password: "long-enough" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await database.db.user.count()).toBe(before);
  });

  it("refuses to remove or demote yourself, which would also leave no admin", async () => {
    const { context } = await signedIn(admin.email, admin.password);
    const caller = createCaller(context);
    const self = context.user?.id ?? "";
    await expect(caller.users.setRole({ userId: self, role: "viewer" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: "You cannot demote yourself; ask another admin." });
    await expect(caller.users.remove({ userId: self })).rejects.toMatchObject({ code: "BAD_REQUEST", message: "You cannot remove your own account; ask another admin." });
    expect((await createContext(services, (await signedIn(admin.email, admin.password)).headers)).user?.role).toBe("admin");
  });

  it("lets a viewer read the list and change nothing; no session is refused", async () => {
    const viewerAccount = await createAccount(services.auth, { email: "reader@example.com", name: "Reader", role: "viewer", password: "reader-password" });
    const viewer = createCaller((await signedIn("reader@example.com", "reader-password")).context);
    expect((await viewer.users.list()).map((user) => user.email)).toContain(admin.email);
    const adminId = (await database.db.user.findUniqueOrThrow({ where: { email: admin.email } })).id;
    await expect(viewer.users.create({ email: "sneaky@example.com", name: "S", role: "admin", password: "sneaky-password" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(viewer.users.setRole({ userId: viewerAccount.id, role: "admin" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(viewer.users.remove({ userId: adminId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await database.db.user.count({ where: { email: "sneaky@example.com" } })).toBe(0);
    expect((await database.db.user.findUniqueOrThrow({ where: { id: viewerAccount.id } })).role).toBe("viewer");

    const nobody = createCaller(anonymous());
    await expect(nobody.users.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(nobody.users.create({ email: "anon@example.com", name: "A", role: "admin", password: "anon-password" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(nobody.users.remove({ userId: adminId })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("serves sign-in over HTTP to the dashboard's own origin on any port, and refuses other origins", async () => {
    const signIn = (origin: string, host: string, cookie?: string) =>
      services.auth.handler(
        new Request(`http://${host}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { "content-type": "application/json", origin, host, ...(cookie ? { cookie } : {}) },
          body: JSON.stringify({ email: admin.email, password: admin.password }),
        }),
      );
    const response = await signIn("http://127.0.0.1:43817", "127.0.0.1:43817");
    expect(response.status).toBe(200);
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    const cookie = setCookie.split(";")[0] ?? "";
    expect((await createContext(services, new Headers({ cookie }))).user?.email).toBe(admin.email);
    expect((await signIn("http://localhost:3000", "localhost:3000")).status).toBe(200);
    // A page elsewhere posting with the browser's cookie is refused (CSRF).
    expect((await signIn("http://evil.example", "127.0.0.1:43817", cookie)).status).toBe(403);
  });
});
