// The authorization matrix, generated from the router itself: every procedure is called as no
// session, a viewer, an admin, an agent and another machine's agent, and must be refused or let
// through exactly as the table below decides. A procedure added without a decision fails the
// suite, as does a decision left for a procedure that no longer exists. Agent procedures also
// need an entry saying what another machine's token can do to this machine's data, proved here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentReport, claimMessage, progressMessage, resultMessage } from "@cachefleet/contract/test-support";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { appRouter, createCaller } from "./root.js";
import { signedIn, type SignedIn } from "./test-support/signed-in.js";
import type { Context } from "./trpc.js";

type Access = "public" | "user" | "admin" | "agent";

/** Who may call each procedure: the one decision to make when adding a procedure. */
const access: Record<string, Access> = {
  "agent.enroll": "public",
  "agent.report": "agent",
  "agent.heartbeat": "agent",
  "agent.policy": "agent",
  "agent.commands": "agent",
  "agent.pendingCommands": "agent",
  "agent.claim": "agent",
  "agent.progress": "agent",
  "agent.result": "agent",
  "fleet.list": "user",
  "fleet.goVersions": "user",
  "fleet.changes": "user",
  "fleet.migrate": "admin",
  "fleet.rescan": "admin",
  "commands.push": "admin",
  "commands.cancel": "admin",
  "commands.retry": "admin",
  "commands.get": "user",
  "commands.batch": "user",
  "users.list": "user",
  "users.create": "admin",
  "users.setRole": "admin",
  "users.remove": "admin",
  "machines.detail": "user",
  "machines.history": "user",
  "audit.summary": "user",
  "audit.machines": "user",
  "enrollment.secrets": "user",
  "enrollment.createSecret": "admin",
  "enrollment.revokeSecret": "admin",
  "enrollment.machines": "user",
  "enrollment.revokeMachine": "admin",
  "policy.get": "user",
  "policy.update": "admin",
  "policy.retention": "user",
  "policy.updateRetention": "admin",
  "activity.list": "user",
  "commands.probeStreams": "admin",
  "hygiene.fleet": "user",
  "hygiene.machine": "user",
  // Token management needs a signed-in admin's session (sessionAdminProcedure): for these callers, as admin.
  "apiTokens.list": "admin",
  "apiTokens.create": "admin",
  "apiTokens.revoke": "admin",
  "webhooks.list": "admin",
  "webhooks.create": "admin",
  "webhooks.signingSecret": "admin",
  "webhooks.setEnabled": "admin",
  "webhooks.delete": "admin",
  "webhooks.sendTest": "admin",
  "webhooks.deliveries": "admin",
  "remediations.list": "user",
  "remediations.machines": "user",
  "remediations.forMachine": "user",
  "remediations.preview": "admin",
  "remediations.create": "admin",
  "remediations.setPaused": "admin",
  "remediations.delete": "admin",
};

const callers = ["no session", "viewer", "admin", "agent", "another machine's agent"] as const;
type Caller = (typeof callers)[number];

/** The refusal each kind of caller must get, or null where the call must pass the access check. */
function expectedRefusal(decision: Access, caller: Caller): "UNAUTHORIZED" | "FORBIDDEN" | null {
  const isAgent = caller === "agent" || caller === "another machine's agent";
  switch (decision) {
    case "public":
      return null;
    case "agent":
      return isAgent ? null : "UNAUTHORIZED";
    case "user":
      return caller === "viewer" || caller === "admin" ? null : "UNAUTHORIZED";
    case "admin":
      return caller === "admin" ? null : caller === "viewer" ? "FORBIDDEN" : "UNAUTHORIZED";
  }
}

const routerPaths = Object.keys(appRouter._def.procedures).sort();

type Callable = (input?: unknown) => Promise<unknown>;
const isCallable = (value: unknown): value is Callable => typeof value === "function";

/** Calls `path` (e.g. "users.setRole") on a caller built from `context`, with no input. */
async function callWithoutInput(context: Context, path: string, signal: AbortSignal): Promise<unknown> {
  let target: unknown = createCaller(context, { signal });
  for (const part of path.split(".")) target = Reflect.get(Object(target), part);
  if (!isCallable(target)) throw new Error(`${path} is not a procedure of the caller`);
  return target();
}

const codeOf = (error: unknown): unknown => (typeof error === "object" && error !== null && "code" in error ? error.code : "not a tRPC error");

describe("the authorization decisions", () => {
  it("cover every procedure of the router, and nothing else", () => {
    expect(Object.keys(access).sort()).toEqual(routerPaths);
  });
});

const providers = await testedProviders();

describe.each(providers)("the authorization matrix on %s", (provider) => {
  let database: TestDatabase;
  let accounts: SignedIn;
  const contexts = {} as Record<Caller, Context>;
  let mine: { machineId: string; token: string };
  let theirs: { machineId: string; token: string };

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    accounts = await signedIn(database.db);
    const enroll = () => createCaller(accounts.anonymous()).agent.enroll({ secret: accounts.enrollmentSecret, machine: { hostname: "matrix", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" } });
    mine = await enroll();
    theirs = await enroll();
    contexts["no session"] = accounts.anonymous();
    contexts.viewer = accounts.viewer;
    contexts.admin = accounts.admin;
    contexts.agent = { ...accounts.anonymous(), agentToken: mine.token };
    contexts["another machine's agent"] = { ...accounts.anonymous(), agentToken: theirs.token };
  });

  afterAll(async () => {
    await database?.drop();
  });

  for (const path of routerPaths) {
    it.each(callers)(`${path} as %s: refused or let through as decided`, async (caller) => {
      const decision = access[path];
      if (!decision) throw new Error(`${path} has no authorization decision`);
      const abort = new AbortController();
      const outcome = await callWithoutInput(contexts[caller], path, abort.signal).then(
        () => "passed",
        (error: unknown) => codeOf(error),
      );
      abort.abort();
      const refusal = expectedRefusal(decision, caller);
      if (refusal) expect(outcome).toBe(refusal);
      // Past the access check a call without input is refused for its input or runs; never a server error.
      else expect(["passed", "BAD_REQUEST", "NOT_FOUND"]).toContain(outcome);
    });
  }

  /** What another machine's token can do to this machine's data, for every agent procedure. */
  const acrossMachines: Record<string, string | (() => Promise<void>)> = {
    "agent.enroll": "takes an enrollment secret and makes a new machine; no token, no machine's data",
    "agent.policy": "answers the team's policy, the same for every machine",
    "agent.report": async () => {
      const report = agentReport({ hostname: "mine" });
      await createCaller(contexts.agent).agent.report(report);
      await expect(createCaller(contexts["another machine's agent"]).agent.report(report)).rejects.toMatchObject({ code: "CONFLICT" });
      expect((await database.db.machine.findUniqueOrThrow({ where: { id: theirs.machineId } })).latestReportId).toBeNull();
    },
    "agent.heartbeat": async () => {
      // A heartbeat touches only the caller's own machine: this machine's last-seen time stays as it was.
      const before = (await database.db.machine.findUniqueOrThrow({ where: { id: mine.machineId } })).lastSeenAt;
      await createCaller(contexts["another machine's agent"]).agent.heartbeat({ agentVersion: "test", reportDigest: null });
      expect((await database.db.machine.findUniqueOrThrow({ where: { id: mine.machineId } })).lastSeenAt).toEqual(before);
    },
    "agent.pendingCommands": async () => {
      const { commandId } = await createCaller(contexts.admin).fleet.rescan({ machineId: mine.machineId });
      const seen = await createCaller(contexts["another machine's agent"]).agent.pendingCommands();
      expect(seen.map((command) => command.id)).not.toContain(commandId);
    },
    "agent.commands": async () => {
      const abort = new AbortController();
      const stream = await createCaller(contexts["another machine's agent"], { signal: abort.signal }).agent.commands();
      const iterator = stream[Symbol.asyncIterator]();
      const first = iterator.next();
      const mineQueued = await createCaller(contexts.admin).fleet.rescan({ machineId: mine.machineId });
      const theirsQueued = await createCaller(contexts.admin).fleet.rescan({ machineId: theirs.machineId });
      const delivered = await first;
      const ids = Array.isArray(delivered.value) ? delivered.value : [];
      expect(ids[0]).toBe(theirsQueued.commandId);
      expect(ids[0]).not.toBe(mineQueued.commandId);
      abort.abort();
      await iterator.return?.();
    },
    "agent.claim": async () => {
      const { commandId } = await createCaller(contexts.admin).fleet.rescan({ machineId: mine.machineId });
      await expect(createCaller(contexts["another machine's agent"]).agent.claim(claimMessage(commandId))).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect((await database.db.command.findUniqueOrThrow({ where: { id: commandId } })).status).toBe("pending");
    },
    "agent.progress": async () => {
      const { commandId } = await createCaller(contexts.admin).fleet.rescan({ machineId: mine.machineId });
      await createCaller(contexts.agent).agent.claim(claimMessage(commandId));
      await expect(createCaller(contexts["another machine's agent"]).agent.progress(progressMessage({ commandId, step: "scan", status: "failed", log: "forged" }))).rejects.toMatchObject({ code: "NOT_FOUND" });
    },
    "agent.result": async () => {
      const { commandId } = await createCaller(contexts.admin).fleet.rescan({ machineId: mine.machineId });
      await createCaller(contexts.agent).agent.claim(claimMessage(commandId));
      const forged = resultMessage({ commandId, status: "failed", error: "forged", failedStep: null, before: null, after: null, backupPath: null, durationMs: 1 });
      await expect(createCaller(contexts["another machine's agent"]).agent.result(forged)).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect((await database.db.command.findUniqueOrThrow({ where: { id: commandId } })).status).toBe("running");
    },
  };

  it("has a decision on another machine's token for every agent procedure", () => {
    const agentPaths = routerPaths.filter((path) => path.startsWith("agent."));
    expect(Object.keys(acrossMachines).sort()).toEqual(agentPaths);
  });

  for (const [path, check] of Object.entries(acrossMachines)) {
    if (typeof check === "string") continue;
    it(`${path}: another machine's token cannot reach this machine's data`, check);
  }
});
