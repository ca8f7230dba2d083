// Starts what a user runs — the built dashboard on a fresh SQLite database, seeded by the same
// bootstrap as `pnpm start`, and a real agent enrolled against it — in a temp folder. Specs get
// them through the stack fixture (fixtures.ts), which owns their lifetime; the benches call them directly.
// startDashboardServer runs the dashboard against a database the caller prepared (e.g. several
// instances on one PostgreSQL database); the dispatch bench runs this file compiled, from e2e/dist.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { execa, type ResultPromise } from "execa";
import { bootstrapIfEmpty, createAuth } from "@cachefleet/api";
import { createDatabase, databaseTarget, migrateDatabase } from "@cachefleet/db";
import { checkoutLocations, repositoryRoot } from "@cachefleet/db/layout";
import { go122, goEnvironment } from "./go-cache.js";

// Not relative to this file: the bench runs it compiled from e2e/dist/support.
const dashboardDir = path.join(repositoryRoot, "apps/dashboard");
const agentCli = path.join(repositoryRoot, "apps/agent/dist/cli.js");

export const admin = { email: "admin@example.com", password: "e2e-admin-password" };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface Dashboard {
  url: string;
  enrollmentSecret: string;
  stop(): Promise<void>;
}

export async function startDashboard(workDir: string, options: Pick<DashboardServerOptions, "remediationIntervalMs"> = {}): Promise<Dashboard> {
  const target = databaseTarget(`file:${path.join(workDir, "data", "cachefleet.db")}`, checkoutLocations());
  await migrateDatabase(target);
  const database = createDatabase(target);
  const seeded = await bootstrapIfEmpty(database.db, { adminEmail: admin.email, adminPassword: admin.password }, createAuth(database.db, { provider: target.provider }));
  await database.close();
  if (!seeded) throw new Error("the fresh database was not empty");
  const server = await startDashboardServer({ databaseUrl: target.url, ...options });
  return { url: server.url, enrollmentSecret: seeded.enrollmentSecret, stop: server.stop };
}

export interface DashboardServer {
  url: string;
  /** The `next start` process, e.g. for a bench to read its CPU time. */
  pid: number | undefined;
  /** Everything the process printed so far, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

export interface DashboardServerOptions {
  /** A migrated database: postgresql://… or file:… */
  databaseUrl: string;
  /** CACHEFLEET_QUEUE_POLL_MS; unset keeps the dashboard's default. */
  queuePollMs?: number;
  /** CACHEFLEET_REMEDIATION_INTERVAL_MS; unset keeps the dashboard's default. */
  remediationIntervalMs?: number;
  /** Node options for the server process, e.g. `--cpu-prof` for a bench's profile. */
  nodeArgs?: readonly string[];
}

/**
 * Signs in through better-auth's HTTP endpoint, as a script or API client would, and returns the
 * Cookie header that carries the session.
 */
export async function signInCookie(dashboardUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${dashboardUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: dashboardUrl },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`signing in as ${email} failed: ${response.status} ${await response.text()}`);
  const cookies = response.headers.getSetCookie().map((header) => header.split(";")[0] ?? "");
  if (cookies.length === 0) throw new Error(`signing in as ${email} set no cookie`);
  return cookies.join("; ");
}

/** Runs the built dashboard (`next start`) on a free loopback port; resolves once it answers. */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  if (!fs.existsSync(path.join(dashboardDir, ".next", "BUILD_ID"))) {
    throw new Error("The dashboard is not built: run `pnpm build` first.");
  }
  const port = await freePort();
  const nextBin = createRequire(path.join(dashboardDir, "package.json")).resolve("next/dist/bin/next");
  const server = execa(process.execPath, [...(options.nodeArgs ?? []), nextBin, "start", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: dashboardDir,
    env: {
      DATABASE_URL: options.databaseUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      ...(options.queuePollMs === undefined ? {} : { CACHEFLEET_QUEUE_POLL_MS: String(options.queuePollMs) }),
      ...(options.remediationIntervalMs === undefined ? {} : { CACHEFLEET_REMEDIATION_INTERVAL_MS: String(options.remediationIntervalMs) }),
    },
    reject: false,
    all: true,
  });
  let output = "";
  server.all?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`${url}/signin`)).ok) break;
    } catch {
      // not listening yet
    }
    if (attempt > 120 || server.exitCode !== null) {
      await stopProcess(server);
      throw new Error(`dashboard did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, pid: server.pid, output: () => output, stop: () => stopProcess(server) };
}

export interface Agent {
  home: string;
  gocache: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startAgent(workDir: string, dashboard: Dashboard, goBinary: string = go122): Promise<Agent> {
  const home = path.join(workDir, "agent-home");
  const env = { ...goEnvironment(workDir), CACHEFLEET_AGENT_HOME: home, CACHEFLEET_GO: goBinary };
  await execa(process.execPath, [agentCli, "enroll", "--server", dashboard.url, "--secret", dashboard.enrollmentSecret], { env });
  const agent = execa(process.execPath, [agentCli, "run", "--interval", "5"], { env, reject: false, all: true, buffer: { all: true } });
  let output = "";
  agent.all?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { home, gocache: env.GOCACHE, output: () => output, stop: () => stopProcess(agent) };
}

async function stopProcess(child: ResultPromise): Promise<void> {
  if (child.exitCode === null) child.kill("SIGTERM");
  await child;
}

export function makeWorkDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cachefleet-e2e-${name}-`));
}
