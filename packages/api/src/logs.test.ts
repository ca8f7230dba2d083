// The dashboard's logs through its real HTTP handlers (better-auth's and tRPC's, as the Next.js
// routes call them), at the most verbose level: a sign-in (a refused one, then the right one), an
// enrollment, a report and signed-in calls must leave JSON lines with request ids and none of the
// password, the enrollment secret, the agent's token or the session cookie.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentReport } from "@cachefleet/contract/test-support";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { bootstrapIfEmpty } from "./accounts.js";
import { handleAuthRequest, handleTrpcRequest } from "./http.js";
import { createLogger } from "./logger.js";
import { createServices } from "./services.js";
import type { Services } from "./trpc.js";

const providers = await testedProviders();
const origin = "http://localhost:3000";
const machine = { hostname: "log-mac", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" };

describe.each(providers)("logs on %s", (provider) => {
  let database: TestDatabase;
  let services: Services;
  const lines: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    services = createServices(database.db, {
      queuePollMs: 50,
      auth: { provider },
      logger: createLogger({ level: "trace", destination: { write: (line: string) => void lines.push(line) } }),
    });
  });

  afterAll(async () => {
    await database?.drop();
  });

  async function trpc(path: string, init: { input?: unknown; headers?: Record<string, string>; query?: boolean }): Promise<{ response: Response; body: unknown }> {
    const url = new URL(`/api/trpc/${path}`, origin);
    if (init.query) url.searchParams.set("input", JSON.stringify(init.input ?? {}));
    const request = new Request(url, {
      method: init.query ? "GET" : "POST",
      headers: { "content-type": "application/json", origin, ...init.headers },
      body: init.query ? undefined : JSON.stringify(init.input),
    });
    const response = await handleTrpcRequest(services, request);
    return { response, body: await response.json() };
  }

  it("writes JSON lines with request ids, and no password, enrollment secret, agent token or cookie", async () => {
    const password = "correct-horse-battery-staple-7";
    const credentials = await bootstrapIfEmpty(database.db, { adminEmail: "admin@example.com", adminPassword: password }, services.auth);
    if (!credentials) throw new Error("the fresh database already had accounts");

    const signIn = (attempt: string) =>
      handleAuthRequest(
        services,
        new Request(new URL("/api/auth/sign-in/email", origin), {
          method: "POST",
          headers: { "content-type": "application/json", origin, "x-request-id": "sign-in-1" },
          body: JSON.stringify({ email: "admin@example.com", password: attempt }),
        }),
      );
    const refused = await signIn("wrong-password-entirely");
    expect(refused.status).toBe(401);
    const signedIn = await signIn(password);
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get("x-request-id")).toBe("sign-in-1");
    const cookie = signedIn.headers.getSetCookie().map((header) => header.split(";")[0] ?? "").join("; ");
    expect(cookie).toMatch(/session_token=/);
    const cookieValues = cookie.split("; ").map((pair) => decodeURIComponent(pair.slice(pair.indexOf("=") + 1)));

    const enrolled = await trpc("agent.enroll", { input: { secret: credentials.enrollmentSecret, machine } });
    expect(enrolled.response.status).toBe(200);
    const agentToken = (enrolled.body as { result: { data: { token: string } } }).result.data.token;
    const reported = await trpc("agent.report", {
      input: agentReport({ hostname: machine.hostname, plaintext: 2, encrypted: 0, entryBytes: 10 }),
      headers: { authorization: `Bearer ${agentToken}` },
    });
    expect(reported.response.status).toBe(200);
    const listed = await trpc("fleet.list", { query: true, input: {}, headers: { cookie } });
    expect(listed.response.status).toBe(200);
    // A refused enrollment quotes nothing of what was sent.
    expect((await trpc("agent.enroll", { input: { secret: `${credentials.enrollmentSecret}x`, machine } })).response.status).toBe(403);

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.length).toBeGreaterThan(5);
    for (const entry of entries) {
      expect(typeof entry.level).toBe("number");
      expect(typeof entry.time).toBe("string");
      expect(typeof entry.msg).toBe("string");
    }
    const requests = entries.filter((entry) => entry.msg === "request");
    expect(requests.map((entry) => entry.path)).toEqual([
      "/api/auth/sign-in/email",
      "/api/auth/sign-in/email",
      "/api/trpc/agent.enroll",
      "/api/trpc/agent.report",
      "/api/trpc/fleet.list",
      "/api/trpc/agent.enroll",
    ]);
    for (const entry of requests) expect(entry.requestId).toEqual(expect.stringMatching(/^[\w.:-]+$/));
    expect(new Set(requests.map((entry) => entry.requestId)).size).toBe(5); // both sign-ins sent one id
    expect(entries.some((entry) => entry.msg === "sign-in refused" && entry.requestId === "sign-in-1")).toBe(true);

    const everything = lines.join("");
    for (const secret of [password, credentials.enrollmentSecret, agentToken, ...cookieValues]) {
      expect(secret.length).toBeGreaterThan(8);
      expect(everything).not.toContain(secret);
    }
  });
});

describe("the logger's guards", () => {
  it("redacts secret fields wherever they sit and scrubs secrets quoted in messages and errors", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } });
    logger.info({ headers: { authorization: "Bearer tok-in-header", cookie: "cachefleet.session_token=cookie-value" }, input: { secret: "cfe_in-input", password: "pw-in-input" } }, "call");
    logger.error({ err: new Error("connect to postgresql://ops:db-password@db.internal/cachefleet failed for Bearer tok-in-error") }, "query failed");
    logger.warn("enroll with %s refused", "cfe_in-argument");
    const text = lines.join("");
    for (const secret of ["tok-in-header", "cookie-value", "cfe_in-input", "pw-in-input", "db-password", "tok-in-error", "cfe_in-argument"]) {
      expect(text).not.toContain(secret);
    }
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(["call", "query failed", "enroll with cfe_[Redacted] refused"]);
    expect(text).toContain("postgresql://ops:[Redacted]@db.internal/cachefleet");
  });
});
