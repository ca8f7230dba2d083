// Attacks on the dashboard's server side, through its real entry points on real databases
// (SQLite, and PostgreSQL when reachable): better-auth's admin endpoints, sign-in and enrollment
// floods, oversized and over-batched requests, streams at shutdown, reports the database cannot
// hold, another machine's report id, made-up command ids, a policy that rounds to nothing, two
// admins demoting each other at once, and cookies over https.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentPolicy, type AgentReport } from "@cachefleet/contract";
import { agentReport, resultMessage } from "@cachefleet/contract/test-support";
import { listActivity } from "@cachefleet/db";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { createAccount } from "./accounts.js";
import { serveAllowedAuthRequest } from "./auth-http.js";
import { signInWithPassword } from "./auth.js";
import { clientAddress, untrustedNetwork } from "./client-address.js";
import { handleTrpcRequest, httpLimits } from "./http.js";
import { createCaller } from "./root.js";
import { createServices } from "./services.js";
import { signedIn, type SignedIn } from "./test-support/signed-in.js";
import { createContext, maxStreamDurationMs, type Context } from "./trpc.js";

const providers = await testedProviders();
const machine = { hostname: "mac-hard", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" };
const origin = "http://127.0.0.1:43817";

/** A report as a big Mac sends it: 12 toolchains, 150 tools, long PATHs in launch agents, 40 `go env -w` keys. */
export function bigMacReport(): AgentReport {
  const base = agentReport({ plaintext: 400_000, encrypted: 0, unknown: 17, entryBytes: 60_000, goVersions: Array.from({ length: 12 }, (_, index) => `go1.${12 + index}.${index}`) });
  const home = "/Users/developer-with-a-long-name";
  const probes = base.probes;
  if (probes.tools.status === "ok") {
    probes.tools.binaries = Array.from({ length: 150 }, (_, index) => ({
      kind: "go" as const,
      name: `tool-number-${index}`,
      goVersion: "go1.23.4",
      path: `github.com/some-organisation/some-repository-${index}/cmd/tool-number-${index}`,
      module: { path: `github.com/some-organisation/some-repository-${index}`, version: `v1.${index}.0-20241105123456-abcdef123456` },
    }));
    probes.tools.total = 150;
  }
  if (probes.persistence.status === "ok") {
    if (probes.persistence.goenv.status === "ok") probes.persistence.goenv.keys = Array.from({ length: 40 }, (_, index) => `GOSETTING_${index}`);
    if (probes.persistence.launchAgents.status === "ok") {
      probes.persistence.launchAgents.paths = Array.from({ length: 10 }, (_, index) => ({
        file: `${home}/Library/LaunchAgents/com.example.agent-${index}.plist`,
        label: `com.example.agent-${index}`,
        via: "EnvironmentVariables" as const,
        path: Array.from({ length: 25 }, (_, part) => `${home}/tools/bin-${part}`).join(":"),
        holdsGobin: index === 0,
        ownAgent: false,
      }));
    }
  }
  if (probes.goToolchain.status === "ok" && probes.goToolchain.buildInfo.status === "ok") {
    probes.goToolchain.buildInfo.info.settings = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`setting-${index}`, `value-${index}-${"x".repeat(40)}`]));
  }
  return base;
}

function jsonPost(path: string, body: string, headers: Record<string, string> = {}): Request {
  return new Request(`${origin}${path}`, { method: "POST", headers: { "content-type": "application/json", origin, ...headers }, body });
}

describe("client addresses", () => {
  it("ignore X-Forwarded-For unless proxies are trusted, then read the entry the nearest trusted proxy wrote", () => {
    const headers = new Headers({ "x-forwarded-for": "6.6.6.6, 10.0.0.7, 192.168.1.2" });
    expect(clientAddress(headers, 0)).toBe(untrustedNetwork);
    expect(clientAddress(headers, 1)).toBe("192.168.1.2");
    expect(clientAddress(headers, 2)).toBe("10.0.0.7");
    expect(clientAddress(new Headers(), 1)).toBe(untrustedNetwork);
  });
});

describe.each(providers)("hardening of the api on %s", (provider) => {
  let database: TestDatabase;
  let accounts: SignedIn;
  let adminPassword: string;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    accounts = await signedIn(database.db);
    adminPassword = "second-admin-password";
    await createAccount(accounts.services.auth, { email: "second-admin@example.com", name: "Second", role: "admin", password: adminPassword });
  });

  afterAll(async () => {
    await database?.drop();
  });

  const agentFor = async (services = accounts.services) => {
    const enrolled = await createCaller({ ...accounts.anonymous(), ...services }).agent.enroll({ secret: accounts.enrollmentSecret, machine });
    return { ...enrolled, context: { ...accounts.anonymous(), ...services, agentToken: enrolled.token } satisfies Context };
  };

  it("serves none of better-auth's admin endpoints, even to a signed-in admin, and still signs in", async () => {
    const session = await signInWithPassword(accounts.services.auth, { email: "second-admin@example.com", password: adminPassword }, new Headers());
    if (!session.ok) throw new Error(session.message);
    const cookie = session.cookies.map((entry) => `${entry.name}=${encodeURIComponent(entry.value)}`).join("; ");
    const viewerId = accounts.viewer.user?.id ?? "";
    const usersBefore = await database.db.user.count();
    const attempts: [string, unknown][] = [
      ["/api/auth/admin/set-role", { userId: viewerId, role: "admin" }],
      ["/api/auth/admin/create-user", { email: "backdoor@example.com", password: "backdoor-password", name: "B", role: "admin" }],
      ["/api/auth/admin/remove-user", { userId: viewerId }],
      ["/api/auth/admin/impersonate-user", { userId: viewerId }],
      ["/api/auth//admin/set-role", { userId: viewerId, role: "admin" }],
      ["/api/auth/sign-up/email", { email: "signup@example.com", password: "signup-password", name: "S" }],
    ];
    for (const [path, body] of attempts) {
      const response = await serveAllowedAuthRequest(accounts.services.auth, jsonPost(path, JSON.stringify(body), { cookie }));
      expect([path, response.status]).toEqual([path, 404]);
    }
    const listed = await serveAllowedAuthRequest(accounts.services.auth, new Request(`${origin}/api/auth/admin/list-users`, { headers: { cookie, origin } }));
    expect(listed.status).toBe(404);
    expect(await database.db.user.count()).toBe(usersBefore);
    expect((await database.db.user.findUniqueOrThrow({ where: { id: viewerId } })).role).toBe("viewer");

    const signIn = await serveAllowedAuthRequest(accounts.services.auth, jsonPost("/api/auth/sign-in/email", JSON.stringify({ email: "second-admin@example.com", password: adminPassword })));
    expect(signIn.status).toBe(200);
    const sessionRead = await serveAllowedAuthRequest(accounts.services.auth, new Request(`${origin}/api/auth/get-session`, { headers: { cookie } }));
    expect(sessionRead.status).toBe(200);
  });

  it("lets only one of two admins demoting each other at once through the users procedures succeed", async () => {
    for (let round = 0; round < 3; round++) {
      const [first, second] = await Promise.all(
        ["a", "b"].map((name) => createAccount(accounts.services.auth, { email: `duel-${round}-${name}@example.com`, name, role: "admin", password: "duel-password" })),
      );
      if (!first || !second) throw new Error("accounts not created");
      // Every other admin steps down first, so these two are the last.
      await database.db.user.updateMany({ where: { role: "admin", id: { notIn: [first.id, second.id] } }, data: { role: "viewer" } });
      const context = (user: typeof first): Context => ({ ...accounts.anonymous(), user });
      const outcomes = await Promise.allSettled([
        createCaller(context(first)).users.setRole({ userId: second.id, role: "viewer" }),
        createCaller(context(second)).users.setRole({ userId: first.id, role: "viewer" }),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      expect(outcomes.find((outcome) => outcome.status === "rejected")).toMatchObject({ reason: { code: "BAD_REQUEST" } });
      expect(await database.db.user.count({ where: { role: "admin" } })).toBe(1);
    }
    // Put an admin back for the tests that follow.
    await database.db.user.updateMany({ where: { email: { in: ["admin@example.com", "second-admin@example.com"] } }, data: { role: "admin" } });
  });

  it("limits failed sign-ins per account, whatever address each guess claims", async () => {
    const services = createServices(database.db, { queuePollMs: 60_000 });
    await createAccount(services.auth, { email: "target@example.com", name: "T", role: "viewer", password: "right-password" });
    const limit = services.limits.signInPerAccount.limit.maxFailures;
    for (let attempt = 0; attempt < limit; attempt++) {
      // Each guess from a different claimed address: the header changes nothing.
      const headers = new Headers({ "x-forwarded-for": `203.0.113.${attempt}` });
      expect(await signInWithPassword(services.auth, { email: "target@example.com", password: `guess-${attempt}` }, headers)).toEqual({ ok: false, message: "Wrong email or password." });
    }
    const refused = await signInWithPassword(services.auth, { email: "Target@Example.com", password: "right-password" }, new Headers({ "x-forwarded-for": "198.51.100.1" }));
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/Too many failed sign-ins/) });
    // Over HTTP as well.
    const overHttp = await serveAllowedAuthRequest(services.auth, jsonPost("/api/auth/sign-in/email", JSON.stringify({ email: "target@example.com", password: "right-password" })));
    expect(overHttp.status).toBe(429);
    // Other accounts still sign in.
    expect((await signInWithPassword(services.auth, { email: "viewer@example.com", password: "viewer-password" }, new Headers())).ok).toBe(true);
  });

  it("limits failed sign-ins per address, which a forged X-Forwarded-For cannot split when no proxy is trusted", async () => {
    const services = createServices(database.db, { queuePollMs: 60_000 });
    const limit = services.limits.signInPerAddress.limit.maxFailures;
    for (let attempt = 0; attempt < limit; attempt++) {
      const headers = new Headers({ "x-forwarded-for": `198.51.100.${attempt % 250}, 10.0.${attempt}.1` });
      await signInWithPassword(services.auth, { email: `nobody-${attempt}@example.com`, password: "guess" }, headers);
    }
    const refused = await signInWithPassword(services.auth, { email: "viewer@example.com", password: "viewer-password" }, new Headers({ "x-forwarded-for": "192.0.2.77" }));
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/Too many failed sign-ins/) });
    // better-auth hashes a dummy password for unknown accounts too (no timing oracle): slow on purpose.
  }, 600_000);

  it("keeps addresses apart behind a trusted proxy, by the entry the proxy wrote", async () => {
    const services = createServices(database.db, { queuePollMs: 60_000, trustedProxyHops: 1 });
    const limit = services.limits.signInPerAddress.limit.maxFailures;
    for (let attempt = 0; attempt < limit; attempt++) {
      // The attacker writes a different first entry each time; the proxy appends the real address.
      const headers = new Headers({ "x-forwarded-for": `192.0.2.${attempt}, 203.0.113.66` });
      await signInWithPassword(services.auth, { email: `someone-${attempt}@example.com`, password: "guess" }, headers);
    }
    const attacker = await signInWithPassword(services.auth, { email: "viewer@example.com", password: "viewer-password" }, new Headers({ "x-forwarded-for": "203.0.113.66" }));
    expect(attacker).toMatchObject({ ok: false, message: expect.stringMatching(/Too many failed sign-ins/) });
    const colleague = await signInWithPassword(services.auth, { email: "viewer@example.com", password: "viewer-password" }, new Headers({ "x-forwarded-for": "203.0.113.67" }));
    expect(colleague.ok).toBe(true);
  }, 600_000);

  it("limits failed enrollment attempts per address, even with the right secret afterwards", async () => {
    const services = createServices(database.db, { queuePollMs: 60_000 });
    const limit = services.limits.enrollmentPerAddress.limit.maxFailures;
    const caller = (forwardedFor: string) => createCaller({ ...services, user: null, agentToken: null, headers: new Headers({ "x-forwarded-for": forwardedFor }) }).agent;
    for (let attempt = 0; attempt < limit; attempt++) {
      await expect(caller(`198.51.100.${attempt}`).enroll({ secret: `cfe_wrong-guess-number-${attempt}`, machine })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    const machinesBefore = await database.db.machine.count();
    await expect(caller("192.0.2.1").enroll({ secret: accounts.enrollmentSecret, machine })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(await database.db.machine.count()).toBe(machinesBefore);
  });

  it("refuses a body over 1 MiB with 413 before storing anything, whatever length it declares, and takes a big Mac's report", async () => {
    const { token, machineId } = await agentFor();
    const report = bigMacReport();
    const body = JSON.stringify(report);
    console.log(`A big Mac's report (12 toolchains, 150 tools, 10 launch-agent PATHs) is ${body.length} bytes of JSON; the limit is ${httpLimits.maxBodyBytes}.`);
    expect(body.length).toBeLessThan(httpLimits.maxBodyBytes / 4);
    const stored = await handleTrpcRequest(accounts.services, jsonPost("/api/trpc/agent.report", body, { authorization: `Bearer ${token}` }));
    expect(stored.status).toBe(200);

    const padded = agentReport({ hostname: "padded" });
    const huge = JSON.stringify({ ...padded, padding: "x".repeat(2 * 1024 * 1024) });
    const declared = await handleTrpcRequest(accounts.services, jsonPost("/api/trpc/agent.report", huge, { authorization: `Bearer ${token}` }));
    expect(declared.status).toBe(413);
    // A stream that declares no length is cut off at the limit as well.
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        if (sent > 4 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = await handleTrpcRequest(
      accounts.services,
      new Request(`${origin}/api/trpc/agent.report`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: endless, duplex: "half" } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(2 * 1024 * 1024);
    expect(await database.db.report.count({ where: { id: padded.id } })).toBe(0);
    expect((await database.db.machine.findUniqueOrThrow({ where: { id: machineId } })).latestReportId).toBe(report.id);
  });

  it("refuses a batch of more procedures than the limit, for anyone", async () => {
    const paths = (count: number) => Array.from({ length: count }, () => "fleet.list").join(",");
    const input = (count: number) => encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, index) => [index, {}]))));
    const over = await handleTrpcRequest(accounts.services, new Request(`${origin}/api/trpc/${paths(httpLimits.maxBatchSize + 1)}?batch=1&input=${input(httpLimits.maxBatchSize + 1)}`));
    expect(over.status).toBe(400);
    const within = await handleTrpcRequest(accounts.services, new Request(`${origin}/api/trpc/${paths(2)}?batch=1&input=${input(2)}`));
    // Within the limit the batch runs (and is refused per procedure for want of a session).
    expect(within.status).toBe(401);
  });

  it("ends an open command stream when the process is stopping, and caps every stream's duration", async () => {
    const { token } = await agentFor();
    const shutdown = new AbortController();
    const response = await handleTrpcRequest(accounts.services, new Request(`${origin}/api/trpc/agent.commands`, { headers: { authorization: `Bearer ${token}` } }), { shutdown: shutdown.signal });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = response.body?.getReader();
    if (!reader) throw new Error("no stream");
    await reader.read();
    shutdown.abort();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    expect(maxStreamDurationMs).toBeGreaterThan(0);
    expect(maxStreamDurationMs).toBeLessThanOrEqual(60 * 60_000);
  });

  it("refuses with BAD_REQUEST what the database cannot hold, stores nothing, and accepts the id again once fixed", async () => {
    const { context, machineId } = await agentFor();
    const agent = createCaller(context).agent;
    const good = agentReport({ hostname: "fine" });
    const hostile: AgentReport[] = [
      { ...good, machine: { ...good.machine, hostname: "nul\u0000host" } },
      { ...good, machine: { ...good.machine, username: "lone\uD800surrogate" } },
      { ...good, go: { status: "error", message: "trailing low \uDC00" } },
    ];
    if (good.scan.status === "ok") {
      hostile.push({ ...good, scan: { ...good.scan, summary: { ...good.scan.summary, entries: { count: 2 ** 31, bytes: 1 } } } });
    }
    for (const report of hostile) {
      await expect(agent.report(report)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    expect(await database.db.report.count({ where: { id: good.id } })).toBe(0);
    expect(await agent.report(good)).toMatchObject({ stored: true });
    expect((await database.db.machine.findUniqueOrThrow({ where: { id: machineId } })).hostname).toBe("fine");
  });

  it("answers another machine's report id with CONFLICT, not a server error", async () => {
    const first = await agentFor();
    const second = await agentFor();
    const report = agentReport({ hostname: "first" });
    await createCaller(first.context).agent.report(report);
    await expect(createCaller(second.context).agent.report(report)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("refuses results for made-up command ids without writing to the activity log", async () => {
    const { context } = await agentFor();
    const before = (await listActivity(database.db, { take: 500 })).length;
    for (let index = 0; index < 5; index++) {
      await expect(
        createCaller(context).agent.result(
          resultMessage({ commandId: `made-up-${index}`, status: "succeeded", error: null, failedStep: null, before: null, after: null, backupPath: null, durationMs: 1 }),
        ),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect((await listActivity(database.db, { take: 500 })).length).toBe(before);
  });

  it("refuses a size threshold that would round to 0 bytes, so agents' policy answers stay valid", async () => {
    const admin = createCaller(accounts.admin).policy;
    const current = await admin.get();
    const policy = { requireEncryption: true, requireEncryptedFromGo: "1.22", offlineAfterMinutes: 60 };
    for (const cacheSizeWarningGb of [1e-300, 1e-12, 0.4 / 1024 ** 3, 0, -1]) {
      await expect(admin.update({ ...policy, cacheSizeWarningGb })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    expect((await admin.get()).cacheSizeWarningBytes).toBe(current.cacheSizeWarningBytes);
    // One byte is the smallest threshold, stored exactly.
    await admin.update({ ...policy, cacheSizeWarningGb: 1 / 1024 ** 3 });
    const { context } = await agentFor();
    expect(AgentPolicy.parse(await createCaller(context).agent.policy()).cacheSizeWarningBytes).toBe(1);
  });

  it("makes session cookies Secure when the dashboard is reached over https", async () => {
    const overHttps = await signInWithPassword(accounts.services.auth, { email: "viewer@example.com", password: "viewer-password" }, new Headers({ "x-forwarded-proto": "https" }));
    if (!overHttps.ok) throw new Error(overHttps.message);
    expect(overHttps.cookies.length).toBeGreaterThan(0);
    expect(overHttps.cookies.every((cookie) => cookie.secure && cookie.httpOnly)).toBe(true);
    const overHttp = await signInWithPassword(accounts.services.auth, { email: "viewer@example.com", password: "viewer-password" }, new Headers({ "x-forwarded-proto": "http" }));
    if (!overHttp.ok) throw new Error(overHttp.message);
    // Plain http (localhost) cannot keep a Secure cookie, so it is not marked so.
    expect(overHttp.cookies.some((cookie) => cookie.secure)).toBe(false);
    const context = await createContext(accounts.services, new Headers({ cookie: overHttps.cookies.map((cookie) => `${cookie.name}=${encodeURIComponent(cookie.value)}`).join("; ") }));
    expect(context.user?.email).toBe("viewer@example.com");
  });
});
