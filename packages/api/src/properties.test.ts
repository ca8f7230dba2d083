// Property tests (fast-check) of the report path, through the real HTTP endpoint on real SQLite
// and PostgreSQL: any report — valid, or valid with fields changed to hostile values — is either
// stored whole (the report row and the machine's current state) or refused with a 4xx that leaves
// no row behind; never a 500. The same for arbitrary request bodies.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentReport } from "@cachefleet/contract";
import { hostileReport } from "@cachefleet/contract/test-support/hostile";
import { decodePayload } from "@cachefleet/db";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { handleTrpcRequest } from "./http.js";
import { createCaller } from "./root.js";
import { signedIn, type SignedIn } from "./test-support/signed-in.js";

const providers = await testedProviders();
const origin = "http://127.0.0.1:43817";
const refusals = new Set([400, 409, 413]);

describe.each(providers)("the report path under hostile input on %s", (provider) => {
  let database: TestDatabase;
  let accounts: SignedIn;
  let token: string;
  let machineId: string;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    accounts = await signedIn(database.db);
    ({ token, machineId } = await createCaller(accounts.anonymous()).agent.enroll({
      secret: accounts.enrollmentSecret,
      machine: { hostname: "property", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" },
    }));
  });

  afterAll(async () => {
    await database?.drop();
  });

  const post = (body: string) =>
    handleTrpcRequest(accounts.services, new Request(`${origin}/api/trpc/agent.report`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body }));

  it("stores any report whole or refuses it with a 4xx that leaves nothing behind", async () => {
    let stored = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(hostileReport, async (input) => {
        const response = await post(JSON.stringify(input));
        const id: unknown = typeof input === "object" && input !== null ? Reflect.get(input, "id") : undefined;
        if (response.status === 200) {
          stored++;
          if (typeof id !== "string") throw new Error("a report without a string id was stored");
          const row = await database.db.report.findUniqueOrThrow({ where: { id } });
          // Stored whole: the (compressed) payload parses as the report, and the machine points at it.
          expect(AgentReport.safeParse(JSON.parse(decodePayload(row.payload))).success).toBe(true);
          expect((await database.db.machine.findUniqueOrThrow({ where: { id: machineId } })).latestReportId).toBe(id);
        } else {
          refused++;
          expect(refusals).toContain(response.status);
          if (typeof id === "string") expect(await database.db.report.count({ where: { id } })).toBe(0);
        }
      }),
      { numRuns: provider === "sqlite" ? 150 : 80 },
    );
    console.log(`${provider}: ${stored} hostile reports stored whole, ${refused} refused with a 4xx.`);
    expect(refused).toBeGreaterThan(0);
  }, 600_000);

  it("answers any request body with 200 or a 4xx, never a 500", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value))), async (body) => {
        const response = await post(body);
        expect(response.status === 200 || (response.status >= 400 && response.status < 500)).toBe(true);
      }),
      { numRuns: 150 },
    );
  }, 600_000);
});
