// The fleet page's read: one page of machines, sorted, filtered and searched in the database, and
// the machines per cache verdict under the same filters except the verdict one (the page's filter
// chips). Raw SQL because both providers must answer alike: text is compared byte by byte and
// folded to lower case for ASCII letters only (SQLite's lower() and LIKE do no more), and nulls
// sort last in either direction.
import { fleetVerdicts, type FleetQuery, type FleetVerdict } from "@cachefleet/contract";
import { join, raw, sqltag as sql, type Sql } from "@prisma/client/runtime/client";
import { providerOf, type Db } from "./client.js";
import { getPolicy } from "./policy.js";

export interface FleetPageRow {
  id: string;
  hostname: string;
  username: string;
  platform: string;
  arch: string;
  /** The agent or its Go runs translated; null when unknown (off macOS). */
  rosetta: boolean | null;
  macosVersion: string | null;
  /** The Go the agent runs. */
  goVersion: string | null;
  /** Every toolchain the agent saw, the active one first. */
  goVersions: string[];
  cacheEntries: number | null;
  cacheBytes: number | null;
  cacheVerdict: string | null;
  health: string | null;
  findingsCount: number;
  keychainKey: string | null;
  /** disk | cachefleet | other, from the latest report. */
  cacheBackend: string | null;
  /** The encrypted cache helper's hits / gets, 0–1; null without figures. */
  hitRate: number | null;
  lastSeenAt: Date | null;
  online: boolean;
  /** Cache growth in bytes per day; null until the history says. */
  cacheGrowthPerDay: number | null;
}

export interface FleetPage {
  rows: FleetPageRow[];
  /** Machines matching every filter. */
  total: number;
  /** The page answered: the one asked for, or the last one when that lies past the end. */
  page: number;
  pageSize: number;
  pageCount: number;
  /** Machines per verdict under every filter but the verdict one. */
  counts: Record<FleetVerdict, number>;
  /** Whether no machine is enrolled at all (as opposed to none matching the filters). */
  fleetEmpty: boolean;
  offlineAfterMinutes: number;
  /** Hits / gets over every enrolled machine's latest figures (the team's hit rate); null without any. */
  teamHitRate: number | null;
}

/** Fewer distinct versions than this are ranked in version order; more fall back to text order. */
const maxRankedVersions = 400;

interface Dialect {
  /** The column compared byte by byte. */
  bytes(column: Sql): Sql;
  /** The column with ASCII letters in lower case, compared byte by byte. */
  fold(column: Sql): Sql;
}

const dialects: Record<"sqlite" | "postgresql", Dialect> = {
  sqlite: { bytes: (column) => column, fold: (column) => sql`lower(${column})` },
  // "C" makes PostgreSQL compare bytes, as SQLite's BINARY does, and fold ASCII letters only.
  postgresql: { bytes: (column) => sql`${column} COLLATE "C"`, fold: (column) => sql`lower(${column} COLLATE "C")` },
};

const column = {
  id: raw(`"id"`),
  hostname: raw(`"hostname"`),
  username: raw(`"username"`),
  arch: raw(`"arch"`),
  rosetta: raw(`"rosetta"`),
  macosVersion: raw(`"macosVersion"`),
  goVersion: raw(`"goVersion"`),
  goVersions: raw(`"goVersions"`),
  cacheEntries: raw(`"cacheEntries"`),
  cacheBytes: raw(`"cacheBytes"`),
  cacheVerdict: raw(`"cacheVerdict"`),
  health: raw(`"health"`),
  findingsCount: raw(`"findingsCount"`),
  keychainKey: raw(`"keychainKey"`),
  lastSeenAt: raw(`"lastSeenAt"`),
  revokedAt: raw(`"revokedAt"`),
  cacheGrowthPerDay: raw(`"cacheGrowthPerDay"`),
};

/** ASCII-only lower case, as the database folds. */
function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/** A LIKE pattern (escape character "\") for text containing `fragment`. */
function containing(fragment: string): string {
  return `%${fragment.replace(/[\\%_]/g, (special) => `\\${special}`)}%`;
}

function like(dialect: Dialect, target: Sql, pattern: string): Sql {
  return sql`${dialect.fold(target)} LIKE ${pattern} ESCAPE '\\'`;
}

type Filters = Omit<FleetQuery, "page" | "pageSize" | "sort" | "direction">;

function conditions(dialect: Dialect, query: Filters, offlineBefore: Date, withVerdict: boolean): Sql {
  const where: Sql[] = [sql`${column.revokedAt} IS NULL`];
  if (query.search) {
    const pattern = containing(foldAscii(query.search));
    where.push(
      sql`(${join(
        [column.hostname, column.username, column.goVersions, column.macosVersion].map((target) => like(dialect, target, pattern)),
        " OR ",
      )})`,
    );
  }
  if (withVerdict && query.verdict) {
    where.push(query.verdict === "unscanned" ? sql`${column.cacheVerdict} IS NULL` : sql`${column.cacheVerdict} = ${query.verdict}`);
  }
  if (query.health) where.push(sql`${column.health} = ${query.health}`);
  if (query.arch) {
    where.push(
      query.arch === "unknown" ? sql`${column.rosetta} IS NULL` : query.arch === "rosetta" ? sql`${column.rosetta} = TRUE` : sql`${column.rosetta} = FALSE`,
    );
  }
  if (query.goVersion) {
    const version = foldAscii(query.goVersion);
    // "go1.22" names a release series: go1.22 itself and its patch releases.
    const isSeries = /^go\d+\.\d+$/.test(version);
    where.push(
      isSeries
        ? sql`(${like(dialect, column.goVersions, `%,${version},%`)} OR ${like(dialect, column.goVersions, `%,${version}.%`)})`
        : like(dialect, column.goVersions, `%,${version},%`),
    );
  }
  if (query.keychainKey) {
    where.push(query.keychainKey === "unknown" ? sql`${column.keychainKey} IS NULL` : sql`${column.keychainKey} = ${query.keychainKey}`);
  }
  if (query.findings) where.push(query.findings === "some" ? sql`${column.findingsCount} > 0` : sql`${column.findingsCount} = 0`);
  if (query.presence === "online") where.push(sql`${column.lastSeenAt} >= ${offlineBefore}`);
  if (query.presence === "offline") where.push(sql`(${column.lastSeenAt} IS NULL OR ${column.lastSeenAt} < ${offlineBefore})`);
  return join(where, " AND ");
}

const verdictSeverity = sql`CASE ${column.cacheVerdict} WHEN 'mixed' THEN 0 WHEN 'plaintext' THEN 1 WHEN 'encrypted' THEN 2 WHEN 'empty' THEN 3 END`;
const keychainSeverity = sql`CASE ${column.keychainKey} WHEN 'missing' THEN 0 WHEN 'present' THEN 1 WHEN 'not-applicable' THEN 2 END`;
// The health column holds the worst severity of the machine's findings (packages/health
// overallHealth): info findings alone leave a machine healthy. Null until its first report.
const healthSeverity = sql`CASE ${column.health} WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 WHEN 'healthy' THEN 2 END`;

interface SortKey {
  key: Sql;
  nullable: boolean;
  /** Ascending whatever the query's direction, for keys that only break ties (hostnames A to Z). */
  alwaysAscending?: boolean;
}

/** Version strings in release order: "go1.9" < "go1.21.10" < "go1.22", "10.15.7" < "14.5". */
const versionCollator = new Intl.Collator("en", { numeric: true });
export function compareVersions(a: string, b: string): number {
  return versionCollator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The sort keys of a column, each to be put in the query's direction. */
async function sortKeys(db: Db, dialect: Dialect, sort: FleetQuery["sort"]): Promise<SortKey[]> {
  switch (sort) {
    case "hostname":
      return [{ key: dialect.fold(column.hostname), nullable: false }, { key: dialect.bytes(column.hostname), nullable: false }];
    case "user":
      return [{ key: dialect.fold(column.username), nullable: false }, { key: dialect.bytes(column.username), nullable: false }];
    case "arch":
      return [{ key: dialect.fold(column.arch), nullable: false }, { key: column.rosetta, nullable: true }];
    case "macosVersion":
      return [await versionRank(db, dialect, column.macosVersion)];
    case "goVersion":
      return [await versionRank(db, dialect, column.goVersion)];
    case "cacheBytes":
      return [{ key: column.cacheBytes, nullable: true }];
    case "cacheEntries":
      return [{ key: column.cacheEntries, nullable: true }];
    case "verdict":
      return [{ key: verdictSeverity, nullable: true }];
    case "keychainKey":
      return [{ key: keychainSeverity, nullable: true }];
    case "findings":
      return [{ key: column.findingsCount, nullable: false }];
    case "health":
      // Machines of one health read best in hostname order, whichever end of the scale comes first.
      return [
        { key: healthSeverity, nullable: true },
        { key: dialect.fold(column.hostname), nullable: false, alwaysAscending: true },
        { key: dialect.bytes(column.hostname), nullable: false, alwaysAscending: true },
      ];
    case "lastSeen":
      return [{ key: column.lastSeenAt, nullable: true }];
    case "growth":
      return [{ key: column.cacheGrowthPerDay, nullable: true }];
  }
}

/**
 * Release order for a version column, which text order gets wrong ("go1.9" after "go1.21"): the
 * fleet's distinct versions are few, so they are ranked here and the query sorts on the rank.
 */
async function versionRank(db: Db, dialect: Dialect, target: Sql): Promise<SortKey> {
  const rows = await db.$queryRaw<{ version: string }[]>(
    sql`SELECT DISTINCT ${target} AS "version" FROM "Machine" WHERE ${column.revokedAt} IS NULL AND ${target} IS NOT NULL`,
  );
  const versions = rows.map((row) => String(row.version)).sort(compareVersions);
  if (versions.length === 0 || versions.length > maxRankedVersions) return { key: dialect.bytes(target), nullable: true };
  return { key: sql`CASE ${target} ${join(versions.map((version, rank) => sql`WHEN ${version} THEN ${rank}`), " ")} END`, nullable: true };
}

function orderBy(keys: SortKey[], dialect: Dialect, direction: "asc" | "desc"): Sql {
  const dir = raw(direction === "asc" ? "ASC" : "DESC");
  const parts: Sql[] = [];
  // Unknowns last in either direction; the id makes the order total, so pages never overlap.
  for (const { key, nullable, alwaysAscending } of keys) {
    if (nullable) parts.push(sql`(${key} IS NULL) ASC`);
    parts.push(sql`${key} ${alwaysAscending ? raw("ASC") : dir}`);
  }
  parts.push(sql`${dialect.bytes(column.id)} ${dir}`);
  return join(parts, ", ");
}

interface RawRow {
  id: string;
  hostname: string;
  username: string;
  platform: string;
  arch: string;
  rosetta: boolean | number | bigint | null;
  macosVersion: string | null;
  goVersion: string | null;
  goVersions: string;
  cacheEntries: number | bigint | null;
  cacheBytes: number | bigint | string | null;
  cacheVerdict: string | null;
  health: string | null;
  findingsCount: number | bigint;
  keychainKey: string | null;
  cacheBackend: string | null;
  hitRate: number | null;
  lastSeenAt: Date | string | number | null;
  cacheGrowthPerDay: number | string | null;
}

const numberOrNull = (value: number | bigint | string | null): number | null => (value === null ? null : Number(value));

function toRow(row: RawRow, offlineBefore: Date): FleetPageRow {
  const lastSeenAt = row.lastSeenAt === null ? null : new Date(row.lastSeenAt);
  return {
    id: row.id,
    hostname: row.hostname,
    username: row.username,
    platform: row.platform,
    arch: row.arch,
    // SQLite answers raw booleans as 0 and 1.
    rosetta: row.rosetta === null ? null : Boolean(Number(row.rosetta)),
    macosVersion: row.macosVersion,
    goVersion: row.goVersion,
    goVersions: row.goVersions.split(",").filter((version) => version !== ""),
    cacheEntries: numberOrNull(row.cacheEntries),
    cacheBytes: numberOrNull(row.cacheBytes),
    cacheVerdict: row.cacheVerdict,
    health: row.health,
    findingsCount: Number(row.findingsCount),
    keychainKey: row.keychainKey,
    cacheBackend: row.cacheBackend,
    hitRate: row.hitRate === null ? null : Number(row.hitRate),
    lastSeenAt,
    online: lastSeenAt !== null && lastSeenAt >= offlineBefore,
    cacheGrowthPerDay: numberOrNull(row.cacheGrowthPerDay),
  };
}

const selected = raw(
  ["id", "hostname", "username", "platform", "arch", "rosetta", "macosVersion", "goVersion", "goVersions", "cacheEntries", "cacheBytes", "cacheVerdict", "health", "findingsCount", "keychainKey", "cacheBackend", "hitRate", "lastSeenAt", "cacheGrowthPerDay"]
    .map((name) => `"${name}"`)
    .join(", "),
);

/** One page of the fleet; `query` is already validated (see FleetQuery in @cachefleet/contract). */
export async function listFleetPage(db: Db, query: FleetQuery, now: Date = new Date()): Promise<FleetPage> {
  const dialect = dialects[providerOf(db)];
  const { offlineAfterMinutes } = await getPolicy(db);
  const offlineBefore = new Date(now.getTime() - offlineAfterMinutes * 60_000);

  // One grouped count gives the chips and, summed over the chosen verdict, the total.
  const grouped = await db.$queryRaw<{ verdict: string | null; machines: number | bigint }[]>(
    sql`SELECT ${column.cacheVerdict} AS "verdict", COUNT(*) AS "machines" FROM "Machine" WHERE ${conditions(dialect, query, offlineBefore, false)} GROUP BY ${column.cacheVerdict}`,
  );
  const counts = Object.fromEntries(fleetVerdicts.map((verdict) => [verdict, 0])) as Record<FleetVerdict, number>;
  for (const group of grouped) {
    const verdict = fleetVerdicts.find((name) => name === (group.verdict ?? "unscanned"));
    if (verdict) counts[verdict] += Number(group.machines);
  }
  const total = query.verdict ? counts[query.verdict] : Object.values(counts).reduce((sum, count) => sum + count, 0);
  const pageCount = Math.max(1, Math.ceil(total / query.pageSize));
  const page = Math.min(query.page, pageCount);

  let rows: FleetPageRow[] = [];
  if (total > 0) {
    const keys = await sortKeys(db, dialect, query.sort);
    const raws = await db.$queryRaw<RawRow[]>(
      sql`SELECT ${selected} FROM "Machine" WHERE ${conditions(dialect, query, offlineBefore, true)} ORDER BY ${orderBy(keys, dialect, query.direction)} LIMIT ${query.pageSize} OFFSET ${(page - 1) * query.pageSize}`,
    );
    rows = raws.map((row) => toRow(row, offlineBefore));
  }
  const fleetEmpty = total === 0 && (await db.machine.count({ where: { revokedAt: null } })) === 0;
  return { rows, total, page, pageSize: query.pageSize, pageCount, counts, fleetEmpty, offlineAfterMinutes, teamHitRate: await teamHitRate(db) };
}

/** Hits over gets across the enrolled machines' latest figures: each machine weighs by its lookups. */
export async function teamHitRate(db: Db): Promise<number | null> {
  const [sums] = await db.$queryRaw<{ hits: number | bigint | string | null; gets: number | bigint | string | null }[]>(
    sql`SELECT SUM("hitRate" * "cacheGets") AS "hits", SUM("cacheGets") AS "gets" FROM "Machine" WHERE "revokedAt" IS NULL AND "hitRate" IS NOT NULL AND "cacheGets" > 0`,
  );
  const gets = Number(sums?.gets ?? 0);
  return gets > 0 ? Math.min(1, Number(sums?.hits ?? 0) / gets) : null;
}

/** Every Go toolchain some machine has, newest first: the choices of the page's Go filter. */
export async function listFleetGoVersions(db: Db): Promise<string[]> {
  const rows = await db.machine.findMany({ where: { revokedAt: null, goVersions: { not: "" } }, select: { goVersions: true }, distinct: ["goVersions"] });
  const versions = new Set(rows.flatMap((row) => row.goVersions.split(",").filter((version) => version !== "")));
  return [...versions].sort((a, b) => compareVersions(b, a));
}


/**
 * What changes whenever a report lands, a machine enrolls or one is revoked, read through indexes
 * alone where the database can: fleet pages compare it to notice reports recorded by another
 * dashboard instance.
 */
export async function fleetChangeMark(db: Db): Promise<string> {
  const { _max, _count } = await db.machine.aggregate({ where: { revokedAt: null }, _max: { lastSeenAt: true }, _count: { _all: true } });
  return `${_max.lastSeenAt?.toISOString() ?? "never"}/${_count._all}`;
}
