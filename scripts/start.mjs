// `pnpm start`: builds everything, migrates the database (SQLite in ./data by default), creates
// the first admin and enrollment secret on first start, serves the dashboard, and runs a local
// agent enrolled against it, so this machine shows up in the browser.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.resolve(process.env.CACHEFLEET_DATA_DIR ?? path.join(root, "data"));
const port = Number(process.env.PORT ?? 3000);
const dashboardUrl = `http://localhost:${port}`;
const credentialsFile = path.join(dataDir, "credentials.json");
const agentHome = path.join(dataDir, "agent");
const agentCli = path.join(root, "apps/agent/dist/cli.js");
// How every long-lived agent is started: its Node flags and, on Linux, its malloc setting
// (apps/agent/src/launch.ts explains each).
const { daemon } = JSON.parse(fs.readFileSync(path.join(root, "apps/agent/package.json"), "utf8"));

function step(message) {
  console.log(`\n▸ ${message}`);
}

/** The dashboard and agent processes this script started. */
const children = [];

function fail(message) {
  console.error(`\n✖ ${message}`);
  // Nothing started here may outlive this script.
  for (const child of children) child.kill("SIGKILL");
  process.exit(1);
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) fail(`Cachefleet needs Node 20.19 or later; this is ${process.version}.`);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be a TCP port number, got "${process.env.PORT}".`);

// The first build takes a minute or two (the dashboard most of it): each package's build output is
// shown as it runs, so the terminal never sits silent; later starts are cached and print a line each.
step("Building (Prisma clients, packages, dashboard, agent; the first time takes a minute or two)…");
const build = spawnSync("pnpm", ["exec", "turbo", "run", "build", "--output-logs=new-only", "--log-order=stream"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" },
});
if (build.status !== 0) fail("The build failed; see the output above.");

// Imported only now: the packages are part of what was just built. @cachefleet/api is the
// dashboard's dependency, so it is found from there.
const { createDatabase, databaseTarget, migrateDatabase } = await import("@cachefleet/db");
const dashboardDir = path.join(root, "apps/dashboard");
const dashboardRequire = createRequire(path.join(dashboardDir, "package.json"));
const { bootstrapIfEmpty, createAuth, loadAuthSecret, renameLocalhostAccounts } = await import(pathToFileURL(dashboardRequire.resolve("@cachefleet/api")).href);
// The data folder holds the database (password hashes, sessions), the auth secret and the
// credentials file: only this user may enter it, also when an earlier version made it 0755.
fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
fs.chmodSync(dataDir, 0o700);
const target = databaseTarget(process.env.DATABASE_URL, { dataDir, prismaDir: path.join(root, "prisma") });
const databaseUrl = target.url;

step(target.provider === "sqlite" ? `Migrating the SQLite database at ${target.file}…` : "Migrating the PostgreSQL database…");
await migrateDatabase(target);

// The key that signs session cookies: BETTER_AUTH_SECRET, or one made now and kept in the data
// folder (0600), where the dashboard finds it.
loadAuthSecret({ secret: process.env.BETTER_AUTH_SECRET, dataDir });
const database = createDatabase(target);
const created = await bootstrapIfEmpty(database.db, { adminEmail: "admin@localhost.localdomain" }, createAuth(database.db, { provider: target.provider }));
const renamed = await renameLocalhostAccounts(database.db);
await database.close();
if (created) {
  fs.writeFileSync(credentialsFile, `${JSON.stringify({ dashboard: dashboardUrl, ...created }, null, 2)}\n`, { mode: 0o600 });
}
const credentials = fs.existsSync(credentialsFile) ? JSON.parse(fs.readFileSync(credentialsFile, "utf8")) : null;
for (const { from, to } of renamed) {
  console.log(`Signing in needs an email with a dotted domain: ${from} is now ${to}, with the same password.`);
  if (credentials?.adminEmail === from) {
    credentials.adminEmail = to;
    fs.writeFileSync(credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  }
}

function run(name, command, args, options) {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = (stream, out) => {
    let pending = "";
    stream.on("data", (chunk) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`[${name}] exited (${signal ?? code}); stopping.`);
      void stop(1);
    }
  });
  child.cachefleetName = name;
  children.push(child);
  return child;
}

/** How long the dashboard and the agent get to stop after SIGTERM before they are killed. */
const stopGraceMs = 8000;
let stopping = false;
const hasExited = (child) => child.exitCode !== null || child.signalCode !== null;

/**
 * Stops the dashboard and the agent and exits once both are gone: SIGTERM first (the dashboard
 * ends its open event streams, see apps/dashboard/src/server/services.ts), SIGKILL for whichever
 * is still running after the grace period, so nothing is left holding the database or the port
 * for the next start.
 */
async function stop(code) {
  if (stopping) return;
  stopping = true;
  const running = children.filter((child) => !hasExited(child));
  const allExited = Promise.all(running.map((child) => (hasExited(child) ? undefined : new Promise((resolve) => child.once("exit", resolve)))));
  for (const child of running) child.kill("SIGTERM");
  const inTime = await Promise.race([allExited.then(() => true), sleep(stopGraceMs).then(() => false)]);
  if (!inTime) {
    for (const child of running.filter((child) => !hasExited(child))) {
      console.error(`[${child.cachefleetName}] did not stop within ${stopGraceMs / 1000} s; killing it.`);
      child.kill("SIGKILL");
    }
    await allExited;
  }
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

const portTaken = await new Promise((resolve) => {
  const probe = net.connect({ port, host: "localhost" }, () => {
    probe.destroy();
    resolve(true);
  });
  probe.on("error", () => resolve(false));
});
if (portTaken) fail(`Port ${port} is already in use (is Cachefleet already running?). Stop it, or set PORT to another port.`);

step(`Starting the dashboard on ${dashboardUrl}…`);
const nextBin = dashboardRequire.resolve("next/dist/bin/next");
run("dashboard", process.execPath, [nextBin, "start", "--port", String(port)], {
  cwd: dashboardDir,
  env: { ...process.env, DATABASE_URL: databaseUrl, CACHEFLEET_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1" },
});
for (let attempt = 0; ; attempt++) {
  try {
    if ((await fetch(`${dashboardUrl}/signin`)).ok) break;
  } catch {
    // not listening yet
  }
  if (attempt > 120) fail(`The dashboard did not answer on ${dashboardUrl} within a minute.`);
  await sleep(500);
}

const agentEnv = { ...process.env, CACHEFLEET_AGENT_HOME: agentHome };
const agentConfig = path.join(agentHome, "agent.json");
const enrolledServer = fs.existsSync(agentConfig) ? JSON.parse(fs.readFileSync(agentConfig, "utf8")).server : null;
if (enrolledServer !== dashboardUrl) {
  if (credentials?.enrollmentSecret) {
    step("Enrolling the local agent…");
    const enroll = spawnSync(process.execPath, [agentCli, "enroll", "--server", dashboardUrl], {
      env: { ...agentEnv, CACHEFLEET_ENROLL_SECRET: credentials.enrollmentSecret },
      stdio: "inherit",
    });
    if (enroll.status !== 0) fail("The local agent could not enroll; see the output above.");
  } else {
    console.warn(`The local agent is not enrolled and ${credentialsFile} is gone; enroll it with an enrollment secret:`);
    console.warn(`  CACHEFLEET_AGENT_HOME=${agentHome} node ${agentCli} enroll --server ${dashboardUrl} --secret <secret>`);
  }
}
if (fs.existsSync(agentConfig)) {
  step("Starting the local agent…");
  run("agent", process.execPath, [...daemon.nodeFlags, agentCli, "run"], { env: { ...agentEnv, ...(process.platform === "linux" ? daemon.linuxEnv : {}) } });
}

// The password and the secret are printed once, on the start that created them; later starts only
// say where they are kept, so they do not pile up in terminal scrollback and logs.
console.log(`
Cachefleet is running: ${dashboardUrl}
${
  created && credentials
    ? `  Sign in as ${credentials.adminEmail} with password ${credentials.adminPassword}
  Enrollment secret for other machines: ${credentials.enrollmentSecret}
  (both kept in ${credentialsFile}, readable only by you; change the password after signing in)`
    : credentials
      ? `  Sign in as ${credentials.adminEmail}; the first start's password is in ${credentialsFile}.`
      : "  Sign in with the admin account created on first start."
}
Press Ctrl+C to stop.`);
