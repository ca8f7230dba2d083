// Two dashboard processes on one PostgreSQL database (issue 4 §7): every simulated agent holds a
// command stream to BOTH instances, so a command is offered once by the instance it was pushed
// through and again by the other one's queue watcher. As the agent's outbox does, an agent gives
// its claim of a command one message id and sends that claim for every offer, through the
// instance that offered it: the two copies race on the two instances, the command must be claimed
// exactly once, and both copies must get that one claim's answer.
import { randomUUID } from "node:crypto";
import { expect, test } from "../support/fixtures.js";
import { bootstrapIfEmpty, createAuth } from "@cachefleet/api";
import { createTestDatabase, postgresAdminUrl, postgresReachable, type TestDatabase } from "@cachefleet/db/test-support";
import { signInCookie, startDashboardServer, type DashboardServer } from "../support/stack.js";
import {
  createAdminClient,
  createAgentClient,
  enrollMachines,
  openCommandStream,
  waitUntil,
  type CommandStream,
} from "../support/simulated-agent.js";

const agentCount = 20;
const pushesPerInstance = 100;
const queuePollMs = 200;
/**
 * Agents wait this long before claiming, longer than a watcher tick, so that most commands are
 * offered by both instances before the first claim lands and the two claims really race.
 */
const claimDelayMs = 2 * queuePollMs + 100;

let database: TestDatabase | undefined;
const dashboards: DashboardServer[] = [];
const streams: CommandStream[] = [];

test.afterEach(async ({}, testInfo) => {
  for (const stream of streams.splice(0)) stream.close();
  if (testInfo.status !== testInfo.expectedStatus) {
    for (const [index, dashboard] of dashboards.entries()) console.log(`dashboard ${index} output:\n${dashboard.output()}`);
  }
  await Promise.all(dashboards.splice(0).map((dashboard) => dashboard.stop()));
  await database?.drop();
  database = undefined;
});

test("two dashboards on one PostgreSQL database deliver every command and let it be claimed once", async () => {
  const reachable = await postgresReachable();
  const skipReason = `PostgreSQL is not reachable at ${new URL(postgresAdminUrl).host}; this test needs one to share between two dashboards.`;
  // The list reporter does not print skip reasons, so say it here too.
  if (!reachable) console.warn(`skipped: ${skipReason}`);
  test.skip(!reachable, skipReason);
  test.setTimeout(90_000);

  const testDatabase = await createTestDatabase("postgresql");
  database = testDatabase;
  const db = testDatabase.db;
  const seeded = await bootstrapIfEmpty(db, { adminEmail: "admin@example.com", adminPassword: "two-instances-password" }, createAuth(db, { provider: "postgresql" }));
  if (!seeded) throw new Error("could not seed the fresh database");
  const machines = await enrollMachines(db, seeded.enrollmentSecret, agentCount);

  const instances = await Promise.all([0, 1].map(() => startDashboardServer({ databaseUrl: testDatabase.target.url, queuePollMs })));
  dashboards.push(...instances);
  const [a, b] = instances;
  if (!a || !b) throw new Error("both dashboards should have started");
  // One session, used on both instances: they sign cookies with the same secret.
  const session = await signInCookie(a.url, "admin@example.com", "two-instances-password");

  // Per command: the instances (by URL) whose streams offered it, its claim's one message id, and
  // the answers that claim got (one per offer).
  const offeredBy = new Map<string, Set<string>>();
  const claimIds = new Map<string, string>();
  const claimAnswers = new Map<string, boolean[]>();
  let claimsInFlight = 0;
  let claimErrors = 0;
  let streamErrors = 0;

  for (const [index, machine] of machines.entries()) {
    // Half the agents are "homed" on A, half on B; each also listens to the other instance.
    for (const instance of index % 2 === 0 ? [a, b] : [b, a]) {
      const client = createAgentClient(instance.url, machine.token);
      streams.push(
        openCommandStream(client, {
          onCommand: (commandId) => {
            offeredBy.set(commandId, (offeredBy.get(commandId) ?? new Set<string>()).add(instance.url));
            const messageId = claimIds.get(commandId) ?? randomUUID();
            claimIds.set(commandId, messageId);
            claimsInFlight += 1;
            setTimeout(() => {
              client.agent.claim
                .mutate({ messageId, commandId })
                .then(
                  ({ claimed }) => void claimAnswers.set(commandId, [...(claimAnswers.get(commandId) ?? []), claimed]),
                  () => (claimErrors += 1),
                )
                .finally(() => (claimsInFlight -= 1));
            }, claimDelayMs);
          },
          onError: () => (streamErrors += 1),
        }),
      );
    }
  }
  await Promise.all(streams.map((stream) => stream.started));

  // Both admins push at the same time, each a command to one agent at a time, round robin.
  const pushed = await Promise.all(
    instances.map(async (instance, which) => {
      const admin = createAdminClient(instance.url, session);
      const commandIds: string[] = [];
      for (let index = 0; index < pushesPerInstance; index++) {
        const machine = machines[(index + which) % machines.length];
        if (!machine) throw new Error("no machine to push to");
        const result = await admin.commands.push.mutate({ target: { type: "machines", machineIds: [machine.machineId] }, spec: { kind: "rescan", options: {} } });
        commandIds.push(...result.commandIds);
      }
      return commandIds;
    }),
  );
  const commandIds = pushed.flat();
  expect(new Set(commandIds).size).toBe(2 * pushesPerInstance);

  const settled = await waitUntil(() => commandIds.every((id) => claimAnswers.get(id)?.length === offeredBy.get(id)?.size) && claimsInFlight === 0, 30_000);
  const undelivered = commandIds.filter((id) => !offeredBy.has(id));
  expect(undelivered, "every command reaches its agent").toEqual([]);
  expect(settled, "every command is claimed and no claim is still in flight").toBe(true);
  expect(
    commandIds.filter((id) => claimAnswers.get(id)?.some((claimed) => !claimed)),
    "every copy of a command's claim is answered as the claim that won",
  ).toEqual([]);
  const claimRows = await db.agentMessage.groupBy({ by: ["commandId"], where: { kind: "claim", commandId: { in: commandIds } }, _count: { _all: true } });
  expect(claimRows.filter((row) => row._count._all !== 1), "each command is claimed exactly once").toEqual([]);
  expect(claimRows).toHaveLength(commandIds.length);
  expect(claimErrors, "no claim request fails").toBe(0);
  expect(streamErrors, "no command stream fails").toBe(0);

  // The race was real: most commands were offered by both instances, so their claim was sent twice.
  const offeredTwice = commandIds.filter((id) => offeredBy.get(id)?.size === 2).length;
  console.log(`${offeredTwice} of ${commandIds.length} commands were offered by both instances`);
  expect(offeredTwice, "both instances offer most commands").toBeGreaterThan(commandIds.length / 2);

  const rows = await db.command.findMany({ where: { id: { in: commandIds } }, select: { id: true, status: true, claimedAt: true } });
  expect(rows).toHaveLength(commandIds.length);
  expect(rows.filter((row) => row.status !== "running" || row.claimedAt === null)).toEqual([]);
});
