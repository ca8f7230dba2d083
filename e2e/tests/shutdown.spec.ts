// `pnpm start` as a user runs it (scripts/start.mjs: build, migrate, first admin, dashboard, local
// agent), stopped with SIGTERM while the agent's command stream and a browser's fleet stream are
// open: everything exits within seconds without being killed, the port is free, and the next
// start works on the same data folder — which the first start made 0700, its database 0600.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { execa, type ResultPromise } from "execa";
import { expect, test } from "../support/fixtures.js";
import { repositoryRoot } from "@cachefleet/db/layout";
import { go122, goEnvironment } from "../support/go-cache.js";
import { makeWorkDir, signInCookie } from "../support/stack.js";

let workDir: string;
let running: ResultPromise | undefined;

test.afterEach(async () => {
  if (running && running.exitCode === null) running.kill("SIGKILL");
  await running?.catch(() => undefined);
  fs.rmSync(workDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect({ port, host: "localhost" }, () => {
      probe.destroy();
      resolve(false);
    });
    probe.on("error", () => resolve(true));
  });
}

/** Runs `pnpm start`'s script; resolves once it says the dashboard and agent are running. */
async function start(env: Record<string, string>): Promise<{ process: ResultPromise; output: () => string }> {
  const child = execa(process.execPath, [path.join(repositoryRoot, "scripts/start.mjs")], {
    cwd: repositoryRoot,
    env,
    reject: false,
    all: true,
    // The script's own stopping is under test: execa must not follow SIGTERM with a SIGKILL of its own.
    forceKillAfterDelay: false,
  });
  let output = "";
  child.all?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  running = child;
  await expect.poll(() => (child.exitCode !== null ? `exited:\n${output}` : output.includes("Cachefleet is running")), { timeout: 300_000, intervals: [500] }).toBe(true);
  return { process: child, output: () => output };
}

test("SIGTERM stops pnpm start's dashboard and agent within seconds, open streams included, and the next start works", async () => {
  test.setTimeout(900_000);
  workDir = makeWorkDir("shutdown");
  const dataDir = path.join(workDir, "data");
  const port = await freePort();
  const env = {
    PATH: `${path.dirname(go122)}:${process.env.PATH ?? ""}`,
    HOME: workDir,
    PORT: String(port),
    CACHEFLEET_DATA_DIR: dataDir,
    CACHEFLEET_GO: go122,
    ...goEnvironment(workDir),
  };

  const first = await start(env);
  expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
  expect(fs.statSync(path.join(dataDir, "cachefleet.db")).mode & 0o777).toBe(0o600);

  // A browser's fleet stream, besides the local agent's command stream.
  const credentials: unknown = JSON.parse(fs.readFileSync(path.join(dataDir, "credentials.json"), "utf8"));
  if (typeof credentials !== "object" || credentials === null || !("adminEmail" in credentials) || !("adminPassword" in credentials)) throw new Error("no credentials");
  const url = `http://localhost:${port}`;
  const cookie = await signInCookie(url, String(credentials.adminEmail), String(credentials.adminPassword));
  const stream = await fetch(`${url}/api/trpc/fleet.changes`, { headers: { cookie } });
  expect(stream.headers.get("content-type")).toMatch(/text\/event-stream/);
  const reader = stream.body?.getReader();
  if (!reader) throw new Error("no stream");
  await reader.read();
  const streamEnded = (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // a reset connection ends it too
    }
    return true;
  })();
  await expect.poll(() => first.output().includes("[agent]"), { timeout: 120_000 }).toBe(true);

  const stoppingAt = Date.now();
  first.process.kill("SIGTERM");
  const result = await first.process;
  const tookMs = Date.now() - stoppingAt;
  console.log(`pnpm start stopped ${tookMs} ms after SIGTERM, with a command stream and a fleet stream open.`);
  expect(result.exitCode).toBe(0);
  expect(await streamEnded).toBe(true);
  // Stopped by SIGTERM itself: nothing had to be killed after the grace period.
  expect(first.output()).not.toContain("did not stop within");
  expect(tookMs).toBeLessThan(60_000);
  expect(await portIsFree(port)).toBe(true);

  const second = await start(env);
  expect(second.output()).not.toMatch(/migration failed/i);
  // Each start says it is building before the long build; the admin password is printed by the
  // start that created it and never again (later starts say where it is kept).
  const password = String(credentials.adminPassword);
  expect(first.output()).toMatch(/▸ Building \(/);
  expect(second.output()).toMatch(/▸ Building \(/);
  expect(first.output()).toContain(`with password ${password}`);
  expect(second.output()).not.toContain(password);
  expect(second.output()).toContain("the first start's password is in");
  expect((await fetch(`${url}/signin`)).ok).toBe(true);
  second.process.kill("SIGTERM");
  const secondResult = await second.process;
  expect([secondResult.exitCode, secondResult.signal, second.output().slice(-3000)]).toEqual([0, undefined, expect.any(String)]);
});
