// The one Prisma client factory. Both providers' clients are generated from identical models, so
// the rest of the package is written once against their shared model delegates. (The clients
// differ only in provider details such as transaction isolation levels, which Cachefleet avoids:
// every multi-row change is a single conditional statement.)
import { PrismaClient as SqliteClient } from "./generated/sqlite/client.js";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client.js";
import { createAdapter, type DatabaseTarget } from "./target.js";

export type Db = Pick<
  SqliteClient,
  | "user"
  | "session"
  | "account"
  | "verification"
  | "policy"
  | "enrollmentSecret"
  | "machine"
  | "report"
  | "command"
  | "commandStep"
  | "commandBatch"
  | "activityEvent"
  | "apiToken"
  | "webhook"
  | "webhookDelivery"
  | "machineOfflineNotice"
  | "remediation"
  | "remediationState"
  | "$disconnect"
  // Only for the hot statements of commands.ts (bulk inserts, claims), in SQL both providers accept.
  | "$executeRaw"
  // Only for reads whose SQL the query builder cannot say (fleet.ts: orderings and folding that
  // must agree across both providers).
  | "$queryRaw"
>;

export interface Database {
  target: DatabaseTarget;
  db: Db;
  close(): Promise<void>;
}

const providers = new WeakMap<Db, DatabaseTarget["provider"]>();

export function createDatabase(target: DatabaseTarget): Database {
  const db: Db =
    target.provider === "sqlite"
      ? new SqliteClient({ adapter: createAdapter(target) })
      : postgresAsShared(new PostgresClient({ adapter: createAdapter(target) }));
  providers.set(db, target.provider);
  return { target, db, close: () => db.$disconnect() };
}

/** Which SQL dialect `db` speaks, for the few raw statements whose text differs. */
export function providerOf(db: Db): DatabaseTarget["provider"] {
  const provider = providers.get(db);
  if (!provider) throw new Error("This database handle was not made by createDatabase, so its provider is unknown.");
  return provider;
}

/**
 * The PostgreSQL client has the same delegates at run time (schemas.test.ts proves the two schemas
 * hold the same models), but TypeScript cannot relate two separately generated sets of conditional
 * types, so this is the one place that asserts the equivalence.
 */
function postgresAsShared(client: PostgresClient): Db {
  return client as unknown as Db;
}
