// The agent token cache on real databases: two dashboard instances (two caches) over one
// database, with a clock the test moves, to show what revocation looks like on each.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnrollmentSecret, enrollMachine, revokeMachine } from "@cachefleet/db";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { AgentTokenCache } from "./agent-tokens.js";

const providers = await testedProviders();
const identity = { hostname: "cached-mac", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" };

describe.each(providers)("agent tokens remembered for a few seconds on %s", (provider) => {
  let database: TestDatabase;
  let secret: string;
  let clock = 0;
  const now = () => clock;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    secret = await createEnrollmentSecret(database.db, "test");
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("refuse a revoked machine at once on the instance that revoked it, and within the time to live on another", async () => {
    const here = new AgentTokenCache(database.db, { ttlMs: 5_000, maxEntries: 10, now });
    const elsewhere = new AgentTokenCache(database.db, { ttlMs: 5_000, maxEntries: 10, now });
    const { machineId, token } = await enrollMachine(database.db, secret, identity);
    expect(await here.machineFor(token)).toEqual({ id: machineId, hostname: "cached-mac" });
    expect(await elsewhere.machineFor(token)).toEqual({ id: machineId, hostname: "cached-mac" });

    await revokeMachine(database.db, machineId, "admin@example.com");
    here.forget(machineId);
    expect(await here.machineFor(token)).toBeNull();
    clock += 4_999;
    expect(await elsewhere.machineFor(token)).toEqual({ id: machineId, hostname: "cached-mac" });
    clock += 1;
    expect(await elsewhere.machineFor(token)).toBeNull();
  });

  it("remember no refused token, so a machine is accepted as soon as it exists, and no more tokens than the limit", async () => {
    const cache = new AgentTokenCache(database.db, { ttlMs: 60_000, maxEntries: 2, now });
    expect(await cache.machineFor("not-a-token-of-any-machine")).toBeNull();
    const machines = [];
    for (const hostname of ["first-mac", "second-mac", "third-mac"]) {
      const enrolled = await enrollMachine(database.db, secret, { ...identity, hostname });
      expect((await cache.machineFor(enrolled.token))?.hostname).toBe(hostname);
      machines.push(enrolled);
    }
    // The first was made room for: revoked elsewhere, it is refused on its next request here.
    const [first, , third] = machines;
    if (!first || !third) throw new Error("three machines were enrolled");
    await revokeMachine(database.db, first.machineId, "admin@example.com");
    await revokeMachine(database.db, third.machineId, "admin@example.com");
    expect(await cache.machineFor(first.token)).toBeNull();
    expect(await cache.machineFor(third.token)).toEqual({ id: third.machineId, hostname: "third-mac" });
  });
});
