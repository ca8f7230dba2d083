// Remote commands end to end with real agents on real Go caches: an offline machine that
// reconnects (Go 1.22), and on Go 1.24 — which a migration to the encrypted cache needs — an agent
// killed mid-step, a cancel, and a bulk migration watched live in Chromium.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { cancelCommand, createDatabase, databaseTarget, enqueueCommand, getCommand, type Database } from "@cachefleet/db";
import { checkoutLocations } from "@cachefleet/db/layout";
import { scanCache } from "@cachefleet/gocache";
import { AgentProcess, slowReinitGo, waitFor } from "../support/agent-process.js";
import { fillGoCache, go124 } from "../support/go-cache.js";
import { FleetPage, SignInPage } from "../support/pages.js";
import { admin, makeWorkDir, startDashboard, type Dashboard } from "../support/stack.js";

let workDir: string;
let dashboard: Dashboard;
let database: Database;
let builtCache: string;
let builtCache124: string;
const agents: AgentProcess[] = [];

test.beforeAll(async () => {
  workDir = makeWorkDir("commands");
  builtCache = await fillGoCache(path.join(workDir, "built"));
  builtCache124 = await fillGoCache(path.join(workDir, "built-124"), go124);
  dashboard = await startDashboard(workDir);
  database = createDatabase(databaseTarget(`file:${path.join(workDir, "data", "cachefleet.db")}`, checkoutLocations()));
});

test.afterEach(async ({}, testInfo) => {
  for (const agent of agents.splice(0)) {
    if (testInfo.status !== testInfo.expectedStatus) console.log(`agent output:\n${agent.output()}`);
    await agent.stop();
  }
});

test.afterAll(async () => {
  await database?.close();
  await dashboard?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

async function agentWithCache(name: string, goBinary?: string, cache: string = builtCache): Promise<{ agent: AgentProcess; machineId: string }> {
  const goRoot = path.join(workDir, name);
  fs.cpSync(cache, path.join(goRoot, "go-build"), { recursive: true });
  const agent = await AgentProcess.enroll(dashboard.url, dashboard.enrollmentSecret, { name, goRoot, goBinary });
  agents.push(agent);
  const machine = await database.db.machine.findFirst({ where: { hostname: name, revokedAt: null }, select: { id: true } });
  if (!machine) throw new Error(`${name} did not enroll`);
  return { agent, machineId: machine.id };
}

const statusOf = async (commandId: string) => (await getCommand(database.db, commandId))?.status;

test("a command for an offline machine waits and runs when the agent reconnects", async () => {
  const { agent, machineId } = await agentWithCache("offline-mac");
  const commandId = await enqueueCommand(database.db, machineId, { kind: "rescan", options: {} }, { createdById: null });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(await statusOf(commandId)).toBe("pending");
  agent.start();
  await waitFor("the rescan to succeed", async () => ((await statusOf(commandId)) === "succeeded" ? true : null));
  const command = await getCommand(database.db, commandId);
  expect(command?.result?.after).toEqual(scanCache(agent.gocache).entries);
});

test("an agent killed mid-step reports the command interrupted, with its step, and keeps the backup", async () => {
  // The enable step compiles the encrypted cache helper with the machine's Go: minutes on a loaded machine.
  test.setTimeout(900_000);
  const { agent, machineId } = await agentWithCache("killed-mac", slowReinitGo(workDir, 30, go124), builtCache124);
  const before = scanCache(agent.gocache);
  agent.start();
  const commandId = await enqueueCommand(database.db, machineId, { kind: "migrate", options: { backup: true } }, { createdById: null });
  await waitFor(
    "the reinit step to start",
    async () => {
      const command = await getCommand(database.db, commandId);
      return command?.steps.find((step) => step.step === "reinit")?.status === "running" ? true : null;
    },
    600_000,
  );
  await agent.kill();
  agent.start();
  const command = await waitFor("the interruption to be reported", async () => {
    const current = await getCommand(database.db, commandId);
    return current?.status === "interrupted" ? current : null;
  });
  expect(command.failedStep).toBe("reinit");
  expect(command.error).toMatch(/stopped during its reinit step/);
  const backupPath = command.result?.backupPath ?? "";
  expect(command.error).toContain(backupPath);
  expect(scanCache(backupPath).entries).toEqual(before.entries);
});

test("a running migration cancelled by an admin stops at the next safe point", async () => {
  test.setTimeout(900_000);
  const { agent, machineId } = await agentWithCache("cancel-mac", slowReinitGo(workDir, 4, go124), builtCache124);
  agent.start();
  const commandId = await enqueueCommand(database.db, machineId, { kind: "migrate", options: { backup: true } }, { createdById: null });
  await waitFor(
    "the reinit step to start",
    async () => {
      const command = await getCommand(database.db, commandId);
      return command?.steps.find((step) => step.step === "reinit")?.status === "running" ? true : null;
    },
    600_000,
  );
  expect(await cancelCommand(database.db, commandId, admin.email)).toBe("requested");
  const command = await waitFor("the cancel to take effect", async () => {
    const current = await getCommand(database.db, commandId);
    return current?.status === "cancelled" ? current : null;
  });
  expect(command.steps.map((step) => [step.step, step.status])).toEqual([
    ["backup", "succeeded"],
    ["clean", "succeeded"],
    ["enable", "succeeded"],
    ["reinit", "succeeded"],
    ["verify", "cancelled"],
  ]);
  expect(fs.existsSync(command.result?.backupPath ?? "")).toBe(true);
});

test("an admin migrates two machines at once and watches their logs live", async ({ page }) => {
  test.setTimeout(1_200_000);
  const first = await agentWithCache("bulk-mac-a", slowReinitGo(workDir, 3, go124), builtCache124);
  const second = await agentWithCache("bulk-mac-b", slowReinitGo(workDir, 3, go124), builtCache124);
  first.agent.start();
  second.agent.start();

  await new SignInPage(page).signIn(dashboard.url, admin.email, admin.password);
  const fleet = new FleetPage(page);
  for (const name of ["bulk-mac-a", "bulk-mac-b"]) {
    await expect(fleet.row(name)).toContainText("go1.24");
    await fleet.select(name);
  }
  await fleet.migrateSelected(2);

  const rows = page.getByTestId("batch-row");
  await expect(rows).toHaveCount(2);
  // Live: while each machine is still running, its backup log is already on screen.
  for (const name of ["bulk-mac-a", "bulk-mac-b"]) {
    const row = rows.filter({ hasText: name });
    await expect(row.getByTestId("batch-log-backup")).toContainText("copying to");
  }
  await expect(rows.filter({ hasText: "running" }).first()).toBeVisible();
  for (const name of ["bulk-mac-a", "bulk-mac-b"]) {
    const row = rows.filter({ hasText: name });
    await expect(row.getByTestId("batch-status")).toHaveText("succeeded", { timeout: 900_000 });
    await expect(row.getByTestId("batch-log-reinit")).toContainText(/\d+ standard library packages in the cache/);
  }
  for (const { agent } of [first, second]) {
    expect(scanCache(agent.gocache).verdict).toBe("encrypted");
  }
});
