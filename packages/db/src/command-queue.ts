// The command queue, in the database so any dashboard instance can serve any agent: putting commands
// in (one or a push's thousands, steps first), offering the pending ones, cancelling and retrying.
// Every state change is one conditional statement, so two instances can never both claim a command.
// A claimed command's life is command-lease.ts; reading commands back for pages, command-views.ts;
// pushes to many machines, command-batches.ts.
import { CommandSpec, defaultTimeoutSeconds, planSteps } from "@cachefleet/contract";
import { join, sqltag as sql, type Sql } from "@prisma/client/runtime/client";
import { providerOf, type Db, type DbTransaction } from "./client.js";
import { recordActivity } from "./activity.js";
import { chunked, sortableId } from "./batching.js";

/**
 * The internal status of a command whose steps are still being written. Agents are only offered
 * pending commands, and views show this one as pending (it is queued, as far as the admin knows).
 */
export const preparing = "preparing";

/**
 * A command still preparing this long after it was inserted belongs to a push that stopped
 * half-way (the dashboard process died); the expiry sweep cancels it.
 */
export const preparingLimitMs = 10 * 60_000;

export interface EnqueueOptions {
  createdById: string | null;
  timeoutSeconds?: number;
  batchId?: string | null;
  retryOfId?: string | null;
}

export async function enqueueCommand(db: Db, machineId: string, spec: CommandSpec, options: EnqueueOptions): Promise<string> {
  const [queued] = await queueCommands(db, [
    {
      machineId,
      spec,
      timeoutSeconds: options.timeoutSeconds ?? defaultTimeoutSeconds[spec.kind],
      createdById: options.createdById,
      batchId: options.batchId ?? null,
      retryOfId: options.retryOfId ?? null,
    },
  ]);
  if (!queued) throw new Error("The command was cancelled before it was queued.");
  return queued.id;
}

export interface NewCommand {
  machineId: string;
  spec: CommandSpec;
  timeoutSeconds: number;
  createdById: string | null;
  batchId: string | null;
  retryOfId: string | null;
}

/**
 * Writes commands and their steps so that no agent is ever offered a command before its steps
 * exist, and a push that stops half-way leaves nothing an agent could be offered.
 *
 * PostgreSQL: one transaction writes the commands as pending with their steps, so other
 * connections see all of a push or none of it, and nothing is left behind if it dies. Their
 * createdAt is stamped as it begins; it commits later by the time the push's statements take
 * (~0.5 s for 10,000 machines), within the queue watchers' look-back of at least 10 s.
 *
 * SQLite: not a transaction, because the SQLite adapter runs every query of the process on its one
 * connection, so other requests would see (and could interleave with) its uncommitted rows. The
 * commands go in as "preparing", then their steps, then one statement per chunk of 5,000 makes
 * them pending (and stamps createdAt, so it says when the command entered the queue, which the
 * queue watchers' since-window relies on), and a push that stops half-way leaves commands
 * preparing for the expiry sweep to cancel. Every row is written before the first chunk is made
 * pending: once agents have commands, their claims compete with whatever the push still has to
 * write (measured: a pipelined push, its first chunk offered early, delivered its last command
 * later). Making them pending takes only that one UPDATE per chunk; on PostgreSQL, where every
 * updated row is a new row version in three indexes, the same UPDATE cost ~170 ms of a
 * 10,000-machine push (measured), which the transaction saves.
 *
 * Either way `onQueued` hears of each chunk once it is pending, and the statements are
 * set-based, so 10,000 commands are a handful of statements with a few parameters each.
 * Prisma's createMany spends ~0.2 ms per row in its query compiler, and multi-row VALUES lists
 * (one bound parameter per field) spent most of a 10,000-machine push binding and converting
 * parameters (measured: ~3 s). The commands that differ only in id and machine (a push is one
 * such group) are one JSON object {commandId: machineId} read back as key/value rows, everything
 * else ordinary parameters; their steps are the cross product of those ids with the group's few
 * planned steps, so no row of a step crosses the wire at all. Reading each row's fields out of a
 * JSON array instead (8 json_extract per command, a JSON row and a fresh id per step, an UPDATE
 * per 500) made createBatch for 10,000 machines (rescan) take 0.84 s on SQLite and 1.07 s on
 * PostgreSQL, where this takes 0.47 s and 0.46 s (medians of three, measured side by side in one
 * run on a loaded 2-core machine; 0.83 → 0.43 s and 1.48 → 0.64 s in a busier run). What is
 * left on PostgreSQL is mostly its own work per row: the foreign-key checks (machine, batch, and
 * each step's command) are about half of each INSERT.
 */
export async function queueCommands(
  db: Db,
  commands: readonly NewCommand[],
  onQueued?: (queued: QueuedCommand[]) => void,
): Promise<QueuedCommand[]> {
  const rows = commands.map((command) => ({ id: sortableId(), ...command }));
  const groups = alike(rows);
  const dialect = jsonRows(db);
  if (dialect.isolated) {
    const queuedAt = new Date();
    await db.$transaction(
      async (tx) => {
        for (const group of groups) await insertCommands(tx, dialect, group, { status: "pending", createdAt: queuedAt, deadlineAt: null });
      },
      { maxWait: 30_000, timeout: 60_000 },
    );
    const queued = rows.map((row) => ({ id: row.id, machineId: row.machineId, spec: row.spec, timeoutSeconds: row.timeoutSeconds, createdAt: queuedAt }));
    for (const chunk of chunked(queued, rowsPerStatement)) onQueued?.(chunk);
    return queued;
  }
  const insertedAt = new Date();
  const preparingState = { status: preparing, createdAt: insertedAt, deadlineAt: new Date(insertedAt.getTime() + preparingLimitMs) };
  for (const group of groups) await insertCommands(db, dialect, group, preparingState);
  const queued: QueuedCommand[] = [];
  for (const chunk of chunked(rows, rowsPerStatement)) {
    const ids = JSON.stringify(chunk.map((row) => row.id));
    const queuedAt = new Date();
    const count = await db.$executeRaw(
      sql`UPDATE "Command" SET "status" = 'pending', "createdAt" = ${queuedAt}, "deadlineAt" = NULL WHERE "id" IN (${dialect.ids(ids)}) AND "status" = ${preparing}`,
    );
    let ready = chunk;
    if (count !== chunk.length) {
      // Some were cancelled while preparing: their steps were written after the cancel.
      const pending = new Set(
        (await db.$queryRaw<{ id: string }[]>(sql`SELECT "id" FROM "Command" WHERE "id" IN (${dialect.ids(ids)}) AND "status" = 'pending'`)).map((row) => row.id),
      );
      ready = chunk.filter((row) => pending.has(row.id));
      const dropped = JSON.stringify(chunk.filter((row) => !pending.has(row.id)).map((row) => row.id));
      await db.$executeRaw(sql`UPDATE "CommandStep" SET "status" = 'cancelled' WHERE "commandId" IN (${dialect.ids(dropped)}) AND "status" = 'pending'`);
    }
    const chunkQueued = ready.map((row) => ({ id: row.id, machineId: row.machineId, spec: row.spec, timeoutSeconds: row.timeoutSeconds, createdAt: queuedAt }));
    queued.push(...chunkQueued);
    onQueued?.(chunkQueued);
  }
  return queued;
}

/** Commands that differ only in id and machine, and their steps, in two statements per 5,000. */
async function insertCommands(
  db: Pick<DbTransaction, "$executeRaw">,
  dialect: JsonRowsDialect,
  group: readonly [NewCommand & { id: string }, ...(NewCommand & { id: string })[]],
  state: { status: string; createdAt: Date; deadlineAt: Date | null },
): Promise<void> {
  const { spec, timeoutSeconds, createdById, batchId, retryOfId } = group[0];
  // A step's id is its command's and its position: unique, and nothing reads meaning into it.
  const plan = join(
    planSteps(spec).map(
      ({ step, skipped }, position) =>
        sql`SELECT ${`:${position}`} AS "suffix", ${step} AS "step", ${dialect.integer(position)} AS "position", ${skipped ? "skipped" : "pending"} AS "status"`,
    ),
    " UNION ALL ",
  );
  for (const chunk of chunked(group, rowsPerStatement)) {
    const machineOf = JSON.stringify(Object.fromEntries(chunk.map((row) => [row.id, row.machineId])));
    await db.$executeRaw(
      sql`INSERT INTO "Command" ("id", "machineId", "kind", "options", "status", "timeoutSeconds", "createdById", "createdAt", "batchId", "retryOfId", "deadlineAt") SELECT "row"."key", "row"."value", ${spec.kind}, ${JSON.stringify(spec.options)}, ${state.status}, ${dialect.integer(timeoutSeconds)}, ${createdById}, ${dialect.timestamp(state.createdAt)}, ${batchId}, ${retryOfId}, ${state.deadlineAt ? dialect.timestamp(state.deadlineAt) : sql`NULL`} FROM ${dialect.entries(machineOf)}`,
    );
    await db.$executeRaw(
      sql`INSERT INTO "CommandStep" ("id", "commandId", "step", "position", "status", "log") SELECT "row"."key" || "plan"."suffix", "row"."key", "plan"."step", "plan"."position", "plan"."status", '' FROM ${dialect.entries(machineOf)} CROSS JOIN (${plan}) AS "plan"`,
    );
  }
}

/** The commands grouped by everything but id and machine, each group in the order given. */
function alike<T extends NewCommand>(rows: readonly T[]): [T, ...T[]][] {
  const groups = new Map<string, [T, ...T[]]>();
  let last: [T, ...T[]] | undefined;
  for (const row of rows) {
    // A push's commands share one spec object: comparing fields spares a key per command.
    const like = last?.[0];
    if (last && like && like.spec === row.spec && like.timeoutSeconds === row.timeoutSeconds && like.createdById === row.createdById && like.batchId === row.batchId && like.retryOfId === row.retryOfId) {
      last.push(row);
      continue;
    }
    const key = JSON.stringify([row.spec.kind, row.spec.options, row.timeoutSeconds, row.createdById, row.batchId, row.retryOfId]);
    last = groups.get(key);
    if (last) last.push(row);
    else groups.set(key, (last = [row]));
  }
  return [...groups.values()];
}

/**
 * Which of these machines exist and are not revoked, in the fleet's order (hostname, then id):
 * what a push to a selection checks first. One statement however many machines (their ids as one
 * JSON parameter), where an `in` list per 500 took a second for 10,000.
 */
export async function activeMachineIds(db: Db, machineIds: readonly string[]): Promise<string[]> {
  const json = JSON.stringify([...new Set(machineIds)]);
  const rows = await db.$queryRaw<{ id: string; hostname: string }[]>(
    sql`SELECT "id", "hostname" FROM "Machine" WHERE "revokedAt" IS NULL AND "id" IN (${jsonRows(db).ids(json)})`,
  );
  return rows.sort((a, b) => (a.hostname !== b.hostname ? (a.hostname < b.hostname ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((row) => row.id);
}

/** Rows per statement of a push: bounded only to keep one statement's JSON parameter to some hundreds of kilobytes. */
export const rowsPerStatement = 5_000;

interface JsonRowsDialect {
  /** Whether a transaction hides its rows from other requests until it commits (not SQLite's shared connection). */
  isolated: boolean;
  /** A JSON object parameter as a table of its members, "row"."key" and "row"."value" (as text). */
  entries(json: string): Sql;
  /** A parameter as an integer where no column gives it a type (a SELECT list). */
  integer(value: number): Sql;
  /** A parameter as a timestamp where no column gives it a type (a SELECT list). */
  timestamp(date: Date): Sql;
  /** A JSON array of strings as a subquery of its values, for `IN (…)`. */
  ids(json: string): Sql;
}

/** The few words in which the two providers read a JSON parameter as rows, and whether their transactions isolate. */
function jsonRows(db: Db): JsonRowsDialect {
  if (providerOf(db) === "sqlite") {
    return {
      isolated: false,
      entries: (json) => sql`json_each(${json}) AS "row"`,
      integer: (value) => sql`${value}`,
      timestamp: (date) => sql`${date}`,
      ids: (json) => sql`SELECT "value" FROM json_each(${json})`,
    };
  }
  return {
    isolated: true,
    entries: (json) => sql`json_each_text(${json}::json) AS "row"`,
    integer: (value) => sql`${value}::integer`,
    timestamp: (date) => sql`${date}::timestamp(3)`,
    ids: (json) => sql`SELECT json_array_elements_text(${json}::json)`,
  };
}

function specOf(row: { kind: string; options: string }): CommandSpec {
  return CommandSpec.parse({ kind: row.kind, options: JSON.parse(row.options) });
}

export interface QueuedCommand {
  id: string;
  machineId: string;
  spec: CommandSpec;
  timeoutSeconds: number;
  createdAt: Date;
}

const queuedColumns = { id: true, machineId: true, kind: true, options: true, timeoutSeconds: true, createdAt: true } as const;

type QueuedRow = { id: string; machineId: string; kind: string; options: string; timeoutSeconds: number; createdAt: Date };

/** The row's spec, or null when its stored kind or options are not a valid command. */
export function readableSpec(row: { kind: string; options: string }): CommandSpec | null {
  let options: unknown;
  try {
    options = JSON.parse(row.options);
  } catch {
    return null;
  }
  const spec = CommandSpec.safeParse({ kind: row.kind, options });
  return spec.success ? spec.data : null;
}

export const unreadableCommandError = "The stored command is not a valid kind with valid options, so it was never sent to the agent.";

/**
 * The rows as commands to offer. A row that is not a valid command (written past the contract,
 * e.g. by hand or by an older version) is failed and left out, never offered: one bad row must
 * not fail every read of its machine's queue, which would end the agent's command stream each time.
 */
async function offerable(db: Db, rows: readonly QueuedRow[]): Promise<QueuedCommand[]> {
  const queued: QueuedCommand[] = [];
  const unreadable: string[] = [];
  for (const row of rows) {
    const spec = readableSpec(row);
    if (spec) queued.push({ id: row.id, machineId: row.machineId, spec, timeoutSeconds: row.timeoutSeconds, createdAt: row.createdAt });
    else unreadable.push(row.id);
  }
  if (unreadable.length > 0) {
    await db.command.updateMany({
      where: { id: { in: unreadable }, status: "pending" },
      data: { status: "failed", finishedAt: new Date(), error: unreadableCommandError },
    });
    for (const id of unreadable) await recordActivity(db, { actorEmail: null, action: "command.unreadable", subject: id, detail: { error: unreadableCommandError } });
  }
  return queued;
}

/** Which machine a command belongs to and whether it has ended; null when it does not exist. */
export async function findMachineCommand(db: Db, machineId: string, commandId: string): Promise<{ status: string } | null> {
  return db.command.findFirst({ where: { id: commandId, machineId }, select: { status: true } });
}

export async function pendingCommands(db: Db, machineId: string): Promise<QueuedCommand[]> {
  const rows = await db.command.findMany({
    where: { machineId, status: "pending" },
    select: queuedColumns,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 20,
  });
  return offerable(db, rows);
}

/**
 * The pending commands of these machines queued at or after `since`, except those `skip` picks
 * out: what a queue watcher offers the agents connected to its dashboard instance. One query for
 * the recent pending ids whatever the number of machines (the few commands queued in the window
 * are picked out here, where an `IN` list per 500 machines cost 20 queries a tick at 10,000
 * agents), then whole rows only for those not skipped, so commands the instance already handed
 * out (most, with one instance) cost no row decoding.
 */
export async function pendingCommandsSince(
  db: Db,
  machineIds: readonly string[],
  since: Date,
  skip: (commandId: string) => boolean = () => false,
): Promise<QueuedCommand[]> {
  const machines = new Set(machineIds);
  const recent = await db.command.findMany({ where: { status: "pending", createdAt: { gte: since } }, select: { id: true, machineId: true } });
  const wanted = recent.filter((row) => machines.has(row.machineId) && !skip(row.id)).map((row) => row.id);
  const queued: QueuedCommand[] = [];
  for (const ids of chunked(wanted)) {
    // Still pending: one may have been claimed since the first read.
    const rows = await db.command.findMany({ where: { id: { in: ids }, status: "pending" }, select: queuedColumns });
    queued.push(...(await offerable(db, rows)));
  }
  return queued.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Which of these machines have pending commands, one query per 500 machines. */
export async function machinesWithPendingCommands(db: Db, machineIds: readonly string[]): Promise<string[]> {
  const machines: string[] = [];
  for (const ids of chunked(machineIds)) {
    const rows = await db.command.findMany({
      where: { status: "pending", machineId: { in: ids } },
      select: { machineId: true },
      distinct: ["machineId"],
    });
    machines.push(...rows.map((row) => row.machineId));
  }
  return machines;
}

export type CancelOutcome = "dropped" | "requested" | "already-finished" | "not-found";

/** A pending command is dropped at once; a running one is asked to stop at its next safe point. */
export async function cancelCommand(db: Db, commandId: string, actorEmail: string | null): Promise<CancelOutcome> {
  const dropped = await db.command.updateMany({
    where: { id: commandId, status: { in: ["pending", preparing] } },
    data: { status: "cancelled", finishedAt: new Date(), error: "Cancelled before it started." },
  });
  let outcome: CancelOutcome;
  if (dropped.count === 1) {
    await db.commandStep.updateMany({ where: { commandId, status: "pending" }, data: { status: "cancelled" } });
    outcome = "dropped";
  } else {
    const requested = await db.command.updateMany({
      where: { id: commandId, status: "running", cancelRequestedAt: null },
      data: { cancelRequestedAt: new Date() },
    });
    if (requested.count === 1) outcome = "requested";
    else {
      const command = await db.command.findUnique({ where: { id: commandId }, select: { status: true } });
      outcome = command ? (command.status === "running" ? "requested" : "already-finished") : "not-found";
    }
  }
  if (outcome === "dropped" || outcome === "requested") {
    await recordActivity(db, { actorEmail, action: "command.cancel", subject: commandId, detail: { outcome } });
  }
  return outcome;
}

/** Pushes the same kind and options again, to the same machine. */
export async function retryCommand(db: Db, commandId: string, createdById: string | null, actorEmail: string | null): Promise<{ commandId: string; machineId: string } | null> {
  const original = await db.command.findUnique({ where: { id: commandId } });
  if (!original || original.status === "pending" || original.status === preparing || original.status === "running") return null;
  const retryId = await enqueueCommand(db, original.machineId, specOf(original), {
    createdById,
    timeoutSeconds: original.timeoutSeconds,
    retryOfId: original.id,
  });
  await recordActivity(db, { actorEmail, action: "command.pushed", subject: retryId, detail: { machineId: original.machineId, kind: original.kind, retryOf: original.id } });
  return { commandId: retryId, machineId: original.machineId };
}
