// The dashboard's configuration, checked once when the server starts. Nothing else reads process.env.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { databaseTarget, type DatabaseTarget } from "@cachefleet/db";
import { z } from "zod";

const EnvSchema = z.object({
  /**
   * postgresql://… or file:…; unset means the SQLite file in the data folder. Read as a database
   * by databaseTarget alone (see `database` below), so its rules are written once.
   */
  DATABASE_URL: z.string().optional(),
  /** How often an agent's command stream re-reads the queue when no local notification wakes it. */
  CACHEFLEET_QUEUE_POLL_MS: z.coerce
    .number({ error: "must be a whole number of milliseconds" })
    .int({ error: "must be a whole number of milliseconds" })
    .min(10, { error: "must be at least 10 ms" })
    .max(60_000, { error: "must be at most 60000 ms" })
    .default(1000),
  /**
   * How many reverse proxies of yours stand in front of the dashboard, each appending to
   * X-Forwarded-For; the client's address (for sign-in and enrollment limits) is read that many
   * entries from the right. 0 (default): the header is not believed.
   */
  CACHEFLEET_TRUSTED_PROXY: z.coerce
    .number({ error: "must be the number of trusted proxies (0, 1, 2…)" })
    .int({ error: "must be the number of trusted proxies (0, 1, 2…)" })
    .min(0, { error: "must be 0 or more" })
    .max(10, { error: "must be at most 10" })
    .default(0),
  /** How often this instance runs automatic remediation (the planner is cheap; commands wait for windows anyway). */
  CACHEFLEET_REMEDIATION_INTERVAL_MS: z.coerce
    .number({ error: "must be a whole number of milliseconds" })
    .int({ error: "must be a whole number of milliseconds" })
    .min(100, { error: "must be at least 100 ms" })
    .max(3_600_000, { error: "must be at most 3600000 ms" })
    .default(15_000),
  /**
   * The data folder: the SQLite file when DATABASE_URL is unset, and the generated auth secret.
   * Default: the folder of the SQLite file DATABASE_URL names, or the repository's ./data.
   */
  CACHEFLEET_DATA_DIR: z.string().trim().min(1).optional(),
  /** Signs session cookies; unset means one generated on first start and kept in the data folder. */
  BETTER_AUTH_SECRET: z.string().min(32, { error: "must be at least 32 characters (openssl rand -base64 32)" }).optional(),
  /**
   * The dashboard's public URL when it is served beyond this machine (https://cachefleet.example).
   * Unset: localhost, 127.0.0.1 and [::1] on any port.
   */
  BETTER_AUTH_URL: z.url({ protocol: /^https?$/, error: "must be the dashboard's http(s) URL" }).optional(),
  /** The lowest level logged: fatal, error, warn, info (default), debug (one line per request), trace or silent. */
  CACHEFLEET_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Turns on /api/metrics, answered only to `Authorization: Bearer <this token>`; unset: no metrics. */
  CACHEFLEET_METRICS_TOKEN: z.string().trim().min(16, { error: "must be at least 16 characters (openssl rand -hex 32)" }).optional(),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
});

export type Env = z.infer<typeof EnvSchema>;

function readEnv(): Env {
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    // Fail at start with every bad variable named, not later with a confusing query error.
    throw new Error(`The dashboard's environment is invalid:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export const env = readEnv();

/**
 * The repository this dashboard was built in. `next start` and `next dev` run in apps/dashboard,
 * and server code finds files from process.cwd(), as Next recommends: it is bundled, so it has no
 * folder of its own to start from.
 */
const repositoryRoot = path.resolve(process.cwd(), "../..");

export interface Paths {
  /** The data folder (see CACHEFLEET_DATA_DIR). */
  dataDir: string;
  /** The repository's prisma/ folder: each provider's schema and migrations, for the readiness check. */
  prismaDir: string;
  /** The built agent, served at /downloads/cachefleet-agent.mjs. */
  agentBundle: string;
}

function resolveDatabase(): { paths: Paths; database: DatabaseTarget } {
  const prismaDir = path.join(repositoryRoot, "prisma");
  if (!fs.existsSync(prismaDir)) {
    throw new Error(`The dashboard must run in apps/dashboard of a Cachefleet checkout (no prisma folder at ${prismaDir}).`);
  }
  const givenDataDir = env.CACHEFLEET_DATA_DIR ? path.resolve(env.CACHEFLEET_DATA_DIR) : undefined;
  let database: DatabaseTarget;
  try {
    database = databaseTarget(env.DATABASE_URL, { dataDir: givenDataDir ?? path.join(repositoryRoot, "data"), prismaDir });
  } catch (error) {
    throw new Error(`The dashboard's environment is invalid:\n${error instanceof Error ? error.message : String(error)}`);
  }
  // Without CACHEFLEET_DATA_DIR, the data folder is the SQLite file's (./data when DATABASE_URL is unset).
  const dataDir = givenDataDir ?? (database.provider === "sqlite" ? path.dirname(database.file) : path.join(repositoryRoot, "data"));
  return { database, paths: { dataDir, prismaDir, agentBundle: path.join(repositoryRoot, "apps/agent/dist/cli.js") } };
}

/** The database DATABASE_URL selects, and the folders around it. */
export const { database, paths } = resolveDatabase();
