// Remote commands end to end with real agents on real Go caches: an offline machine that
// reconnects (Go 1.22), and on Go 1.24 — which a migration to the encrypted cache needs — an agent
// killed mid-step, a cancel, and a bulk migration watched live in Chromium.
import fs from "node:fs";
import path from "node:path";
import { cancelCommand, enqueueCommand, getCommand } from "@cachefleet/db";
import { scanCache } from "@cachefleet/gocache";
import { slowReinitGo, waitFor, type AgentProcess } from "../support/agent-process.js";
import { expect, oncePerStack, test, type Stack } from "../support/fixtures.js";
import { fillGoCache, go124 } from "../support/go-cache.js";
import { admin } from "../support/stack.js";

/** Real Go caches, each built once per stack, that the machines start from (a copy of). */
const builtCaches = {
  go122: oncePerStack((stack) => fillGoCache(path.join(stack.workDir, "built"))),
  go124: oncePerStack((stack) => fillGoCache(path.join(stack.workDir, "built-124"), go124)),
};

async function agentWithCache(stack: Stack, name: string, goBinary?: string, cache: "go122" | "go124" = "go122"): Promise<{ agent: AgentProcess; machineId: string }> {
  const goRoot = path.join(stack.workDir, name);
  fs.cpSync(await builtCaches[cache](stack), path.join(goRoot, "go-build"), { recursive: true });
  const agent = await stack.enrollAgent({ name, goRoot, goBinary });
  const machine = await stack.database().db.machine.findFirst({ where: { hostname: name, revokedAt: null }, select: { id: true } });
  if (!machine) throw new Error(`${name} did not enroll`);
  return { agent, machineId: machine.id };
}

const statusOf = async (stack: Stack, commandId: string) => (await getCommand(stack.database().db, commandId))?.status;

test("a command for an offline machine waits and runs when the agent reconnects", async ({ stack }) => {
  const database = stack.database();
  const { agent, machineId } = await agentWithCache(stack, "offline-mac");
  const commandId = await enqueueCommand(database.db, machineId, { kind: "rescan", options: {} }, { createdById: null });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(await statusOf(stack, commandId)).toBe("pending");
  agent.start();
  await waitFor("the rescan to succeed", async () => ((await statusOf(stack, commandId)) === "succeeded" ? true : null));
  const command = await getCommand(database.db, commandId);
  expect(command?.result?.after).toEqual(scanCache(agent.gocache).entries);
});

test("an agent killed mid-step reports the command interrupted, with its step, and keeps the backup", async ({ stack }) => {
  // The enable step compiles the encrypted cache helper with the machine's Go: minutes on a loaded machine.
  test.setTimeout(900_000);
  const database = stack.database();
  const { agent, machineId } = await agentWithCache(stack, "killed-mac", slowReinitGo(stack.workDir, 30, go124), "go124");
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

test("a running migration cancelled by an admin stops at the next safe point", async ({ stack }) => {
  test.setTimeout(900_000);
  const database = stack.database();
  const { agent, machineId } = await agentWithCache(stack, "cancel-mac", slowReinitGo(stack.workDir, 4, go124), "go124");
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

test("an admin migrates two machines at once and watches their logs live", async ({ stack, signInPage }) => {
  test.setTimeout(1_200_000);
  const first = await agentWithCache(stack, "bulk-mac-a", slowReinitGo(stack.workDir, 3, go124), "go124");
  const second = await agentWithCache(stack, "bulk-mac-b", slowReinitGo(stack.workDir, 3, go124), "go124");
  first.agent.start();
  second.agent.start();

  const fleet = await signInPage.signIn();
  for (const name of ["bulk-mac-a", "bulk-mac-b"]) {
    await expect(fleet.row(name)).toContainText("go1.24");
    await fleet.select(name);
  }
  const batch = await fleet.migrateSelected(2);

  await expect(batch.rows()).toHaveCount(2);
  // Live: while each machine is still running, its backup log is already on screen.
  for (const name of ["bulk-mac-a", "bulk-mac-b"]) {
    await expect(batch.log(name, "backup")).toContainText("copying to");
  }
  await expect(batch.rowsShowing("running").first()).toBeVisible();
  for (const name of ["bulk-mac-a", "bulk-mac-b"]) {
    await expect(batch.status(name)).toHaveText("succeeded", { timeout: 900_000 });
    await expect(batch.log(name, "reinit")).toContainText(/\d+ standard library packages in the cache/);
  }
  for (const { agent } of [first, second]) {
    expect(scanCache(agent.gocache).verdict).toBe("encrypted");
  }
});
