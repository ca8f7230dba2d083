// The one Prisma client factory. Both providers' clients are generated from identical models, so
// the rest of the package is written once against their shared model delegates. (The clients
// differ only in provider details such as transaction isolation levels, which Cachefleet avoids:
// a multi-row change is a single conditional statement, or a transaction that takes row locks.)
import { PrismaClient as SqliteClient } from "./generated/sqlite/client.js";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client.js";
import type { SqlDriverAdapterFactory } from "@prisma/client/runtime/client";
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
  | "agentMessage"
  | "activityEvent"
  | "apiToken"
  | "webhook"
  | "webhookDelivery"
  | "machineOfflineNotice"
  | "remediation"
  | "remediationState"
  | "$disconnect"
  // Only for the hot statements of command-queue.ts and command-lease.ts (bulk inserts, claims).
  | "$executeRaw"
  // Only for reads whose SQL the query builder cannot say (fleet.ts: orderings and folding that
  // must agree across both providers; command-queue.ts: ids passed as one JSON parameter), and row
  // locks (users.ts).
  | "$queryRaw"
  // Only where several writes must happen whole or not at all (a report, an account change).
  | "$transaction"
>;

/** The handle inside `db.$transaction(async (tx) => …)`: every query of Db, no nested transaction. */
export type DbTransaction = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export interface Database {
  target: DatabaseTarget;
  db: Db;
  close(): Promise<void>;
}

/**
 * Where each handle points, kept on the handle itself rather than in a map keyed by it, so that a
 * wrapper of the handle (a Proxy, as tests use to interpose on statements) answers the same. The
 * key is a registered symbol: the dashboard's bundler gives each server layer its own copy of this
 * module, and a handle made by one copy must be known to the others.
 */
const targetKey = Symbol.for("cachefleet.databaseTarget");

export interface DatabaseOptions {
  /** Hears the SQL of every statement the driver runs (tests count them to prove a write is set-based). */
  onStatement?: (sql: string) => void;
}

export function createDatabase(target: DatabaseTarget, options: DatabaseOptions = {}): Database {
  const adapter = options.onStatement ? new ObservedAdapterFactory(createAdapter(target), options.onStatement) : createAdapter(target);
  const db: Db = target.provider === "sqlite" ? new SqliteClient({ adapter }) : postgresAsShared(new PostgresClient({ adapter }));
  Object.defineProperty(db, targetKey, { value: target });
  return { target, db, close: () => db.$disconnect() };
}

/** Which SQL dialect `db` speaks, for the few raw statements whose text differs. */
export function providerOf(db: Db): DatabaseTarget["provider"] {
  return targetOf(db).provider;
}

/** Where `db` points (for the readiness check, which must know the SQLite file). */
export function targetOf(db: Db): DatabaseTarget {
  const target = Reflect.get(db, targetKey) as DatabaseTarget | undefined;
  if (!target) throw new Error("This database handle was not made by createDatabase, so its target is unknown.");
  return target;
}

/**
 * The PostgreSQL client has the same delegates at run time (schemas.test.ts proves the two schemas
 * hold the same models), but TypeScript cannot relate two separately generated sets of conditional
 * types, so this is the one place that asserts the equivalence.
 */
function postgresAsShared(client: PostgresClient): Db {
  return client as unknown as Db;
}

type Connection = Awaited<ReturnType<SqlDriverAdapterFactory["connect"]>>;

/** Passes every statement's SQL to `onStatement`, then runs it unchanged (transactions included). */
class ObservedAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider: SqlDriverAdapterFactory["provider"];
  readonly adapterName: string;

  constructor(
    private readonly inner: SqlDriverAdapterFactory,
    private readonly onStatement: (sql: string) => void,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<Connection> {
    return observed(await this.inner.connect(), this.onStatement);
  }
}

function observed<T extends object>(queryable: T, onStatement: (sql: string) => void): T {
  return new Proxy(queryable, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (property === "queryRaw" || property === "executeRaw") {
        return (query: { sql: string }) => {
          onStatement(query.sql);
          return Reflect.apply(value, target, [query]);
        };
      }
      if (property === "startTransaction") {
        return async (...args: unknown[]) => observed(await Reflect.apply(value, target, args), onStatement);
      }
      return value.bind(target);
    },
  });
}
