// API tokens through the real HTTP endpoint on real databases (SQLite, and PostgreSQL when
// reachable): scopes, revoke, expiry, last use, the activity log under the token's name, and the
// OpenAPI document's promise that queries take a read token and changes an admin one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentReport, notProbed } from "@cachefleet/contract/test-support";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { listActivity, setUserRole } from "@cachefleet/db";
import { createAccount } from "./accounts.js";
import { openApiDocument } from "./openapi.js";
import { createCaller } from "./root.js";
import { createServices } from "./services.js";
import { serveHttpEndpoint, type HttpEndpoint } from "./test-support/http-endpoint.js";
import { signedIn, type SignedIn } from "./test-support/signed-in.js";

const providers = await testedProviders();

interface Answer {
  status: number;
  body: unknown;
}

/** A field of a JSON answer, by path, or undefined. */
function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null || !(key in current)) return undefined;
    current = Object.entries(current).find(([name]) => name === key)?.[1];
  }
  return current;
}

describe.each(providers)("API tokens over HTTP on %s", (provider) => {
  let database: TestDatabase;
  let fixture: SignedIn;
  let endpoint: HttpEndpoint;
  let machineId: string;

  const query = async (token: string | null, path: string, input?: unknown): Promise<Answer> => {
    const url = new URL(`/api/trpc/${path}`, endpoint.origin);
    if (input !== undefined) url.searchParams.set("input", JSON.stringify(input));
    const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, body: await response.json() };
  };
  const mutate = async (token: string | null, path: string, input: unknown): Promise<Answer> => {
    const response = await fetch(new URL(`/api/trpc/${path}`, endpoint.origin), {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(input),
    });
    return { status: response.status, body: await response.json() };
  };
  const newToken = async (name: string, scope: "read" | "admin", expiresInDays?: number) =>
    (await createCaller(fixture.admin).apiTokens.create({ name, scope, expiresInDays })).token;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    fixture = await signedIn(database.db, { services: createServices(database.db, { queuePollMs: 1000, auth: { provider } }) });
    endpoint = await serveHttpEndpoint(fixture.services);
    const reported = agentReport({ hostname: "mac-tokens", plaintext: 5, encrypted: 0, entryBytes: 100, probes: notProbed("permissions", "persistence", "tools", "versionDrift") });
    const enrolled = await createCaller(fixture.anonymous()).agent.enroll({ secret: fixture.enrollmentSecret, machine: reported.machine });
    await createCaller({ ...fixture.anonymous(), agentToken: enrolled.token }).agent.report(reported);
    machineId = enrolled.machineId;
  });

  afterAll(async () => {
    await endpoint?.close();
    await database?.drop();
  });

  it("lets a read token list the fleet and records when it was last used", async () => {
    const token = await newToken("fleet reader", "read");
    expect(token).toMatch(/^cfa_[A-Za-z0-9_-]{43}$/);
    const answer = await query(token, "fleet.list", { pageSize: 10 });
    expect(answer.status).toBe(200);
    expect(at(answer.body, "result", "data", "total")).toBe(1);
    const listed = await createCaller(fixture.admin).apiTokens.list();
    const reader = listed.find((row) => row.name === "fleet reader");
    expect(reader?.scope).toBe("read");
    expect(reader?.lastUsedAt).not.toBeNull();
  });

  it("stores only a hash of the token", async () => {
    const token = await newToken("hash check", "read");
    const rows = await database.db.apiToken.findMany({ where: { name: "hash check" } });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token.slice(4));
  });

  it("refuses changes with a read token and pushes nothing", async () => {
    const token = await newToken("read only", "read");
    const answer = await mutate(token, "fleet.rescan", { machineId });
    expect(answer.status).toBe(403);
    expect(at(answer.body, "error", "data", "code")).toBe("FORBIDDEN");
    expect(await database.db.command.count({ where: { machineId } })).toBe(0);
  });

  it("lets an admin token push a command, recorded in Activity under the token's name", async () => {
    const token = await newToken("deploy bot", "admin");
    const answer = await mutate(token, "fleet.rescan", { machineId });
    expect(answer.status).toBe(200);
    const commandId = at(answer.body, "result", "data", "commandId");
    expect(typeof commandId).toBe("string");
    const command = await database.db.command.findUniqueOrThrow({ where: { id: String(commandId) } });
    expect(command.createdById).toBe(fixture.admin.user?.id);
    // A push to one machine is a batch of one, logged with the machine it went to.
    const pushed = (await listActivity(database.db)).find((event) => event.action === "command.pushed" && event.detail.machineId === machineId);
    expect(pushed?.actorEmail).toBe("token:deploy bot");
  });

  it("refuses a token after it is revoked, and logs the revocation", async () => {
    const token = await newToken("short lived", "read");
    expect((await query(token, "fleet.goVersions")).status).toBe(200);
    const row = await database.db.apiToken.findFirstOrThrow({ where: { name: "short lived" } });
    await createCaller(fixture.admin).apiTokens.revoke({ tokenId: row.id });
    const refused = await query(token, "fleet.goVersions");
    expect(refused.status).toBe(401);
    expect(at(refused.body, "error", "data", "code")).toBe("UNAUTHORIZED");
    const events = await listActivity(database.db, { subject: row.id });
    expect(events.map((event) => event.action)).toEqual(["api-token.revoked", "api-token.created"]);
    expect(events[0]?.actorEmail).toBe("admin@example.com");
  });

  it("refuses a token once it has expired", async () => {
    const token = await newToken("expiring", "read", 30);
    expect((await query(token, "audit.summary")).status).toBe(200);
    await database.db.apiToken.updateMany({ where: { name: "expiring" }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    expect((await query(token, "audit.summary")).status).toBe(401);
  });

  it("refuses an unknown token and a request with none", async () => {
    expect((await query("cfa_not-a-real-token", "fleet.list")).status).toBe(401);
    expect((await query(null, "fleet.list")).status).toBe(401);
  });

  it("does not let a token mint or revoke tokens", async () => {
    const token = await newToken("minter", "admin");
    const answer = await mutate(token, "apiTokens.create", { name: "child", scope: "admin" });
    expect(answer.status).toBe(403);
    expect(await database.db.apiToken.count({ where: { name: "child" } })).toBe(0);
  });

  it("acts with read rights only once its creator is no longer an admin", async () => {
    const other = await createAccount(fixture.services.auth, { email: "second-admin@example.com", name: "Second", password: "second-password", role: "admin" });
    const token = (await createCaller({ ...fixture.admin, user: other }).apiTokens.create({ name: "demoted", scope: "admin" })).token;
    await setUserRole(database.db, other.id, "viewer");
    expect((await mutate(token, "fleet.rescan", { machineId })).status).toBe(403);
    expect((await query(token, "fleet.list")).status).toBe(200);
  });

  it("lets only admins create tokens, with names unique among tokens in force", async () => {
    await expect(createCaller(fixture.viewer).apiTokens.create({ name: "viewer's", scope: "read" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await newToken("twice", "read");
    await expect(createCaller(fixture.admin).apiTokens.create({ name: "twice", scope: "read" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(createCaller(fixture.admin).apiTokens.create({ name: "-bad", scope: "read" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("serves every query of the OpenAPI document to a read token and refuses it every change", async () => {
    const document = openApiDocument(endpoint.origin);
    const paths = Object.entries(at(document, "paths") ?? {});
    expect(paths.length).toBeGreaterThan(8);
    const token = await newToken("document checker", "read");
    for (const [path, operations] of paths) {
      const procedure = path.replace("/api/trpc/", "");
      if (at(operations, "post") !== undefined) {
        // Any body: the scope is checked before the input.
        expect({ procedure, status: (await mutate(token, procedure, {})).status }).toEqual({ procedure, status: 403 });
      }
    }
    const fleetList = at(document, "paths", "/api/trpc/fleet.list", "get", "parameters");
    expect(JSON.stringify(fleetList)).toContain('"pageSize"');
  });
});
