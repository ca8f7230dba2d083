// The machine page with a simulated Mac reporting through the real API: every probe group with its
// outcome, findings with what to do, charts drawn from several reports, installed Go tools, and a
// migration confirmed first and its command history with step logs (the simulated agent runs it
// through the agent API): what was cleaned and where the backup is, a long reinit log collapsed.
import { randomUUID } from "node:crypto";
import { expect, test } from "../support/fixtures.js";
import { MachinePage } from "../support/pages/machine-page.js";
import { enrollSimulatedMac } from "../support/simulated-macs.js";

test("the machine page shows probe groups, findings, charts from several reports, tools and command history", async ({ page, stack, signInPage }) => {
  const mac = await enrollSimulatedMac(stack.url, stack.enrollmentSecret, "charted-mac");
  const now = Date.now();
  await mac.report({ takenAt: new Date(now - 20 * 60_000), cache: { plaintext: 100, encrypted: 0 } });
  await mac.report({ takenAt: new Date(now - 10 * 60_000), cache: { plaintext: 150, encrypted: 40 } });
  await mac.report({
    takenAt: new Date(now),
    cache: { plaintext: 200, encrypted: 80 },
    probes: {
      keychain: { status: "ok", service: "go-build-cache-encryption-key", itemPresent: false, store: "keychain", keyCreatedAt: null },
      persistence: { status: "not-applicable", message: "LaunchAgents exist on macOS only" },
      versionDrift: { status: "error", message: "the scan history file is unreadable" },
      tools: {
        status: "ok", dir: "/Users/dev/go/bin", dirFrom: "GOPATH", exists: true, total: 3, truncated: false,
        binaries: [
          { kind: "go", name: "gopls", goVersion: "go1.22.2", path: "golang.org/x/tools/gopls", module: { path: "golang.org/x/tools/gopls", version: "v0.16.1" } },
          { kind: "go", name: "staticcheck", goVersion: "go1.21.9", path: "honnef.co/go/tools/cmd/staticcheck", module: { path: "honnef.co/go/tools", version: "v0.4.7" } },
          { kind: "not-go", name: "helper.sh" },
        ],
      },
    },
  });

  await signInPage.signIn();
  const machine = await new MachinePage(page, stack.url).open(mac.machineId);
  await expect(machine.heading("charted-mac")).toBeVisible();

  // Probe groups, each with its outcome.
  const outcomes: [string, string][] = [
    ["identity", "ok"], ["hardware", "ok"], ["go", "ok"], ["permissions", "ok"], ["keychain", "ok"], ["persistence", "not applicable"], ["drift", "error"],
  ];
  for (const [group, outcome] of outcomes) {
    await expect(machine.probeStatus(group)).toHaveText(outcome);
  }
  await expect(machine.probe("identity")).toContainText("macOS 15.1 (24B83)");
  // No name set for the fleet: the hostname is shown once.
  await expect(machine.identityHostname()).toHaveText("charted-mac");
  await expect(machine.identityName()).toHaveCount(0);
  await expect(machine.probe("hardware")).toContainText("Apple Silicon");
  await expect(machine.probe("go")).toContainText("/opt/homebrew/Cellar/go/1.22.2/libexec");
  await expect(machine.probe("keychain")).toContainText("missing");
  await expect(machine.probeMessage("persistence")).toHaveText("Not applicable: LaunchAgents exist on macOS only");
  await expect(machine.probeMessage("drift")).toHaveText("Could not tell: the scan history file is unreadable");

  // Findings under the default policy, most severe first, each with what to do.
  await expect(machine.findings()).toHaveCount(4);
  await expect(machine.findingAt(0).root).toHaveAttribute("data-rule", "mixed-cache");
  await expect(machine.findingAt(0).severity()).toHaveText("critical");
  // Go 1.22 cannot run the encrypted cache helper: clean now, upgrade Go to encrypt.
  await expect(machine.findingAt(0).action()).toContainText("Clean the cache");
  await expect(machine.findingAt(1).root).toHaveAttribute("data-rule", "keychain-missing");
  await expect(machine.findingAt(2).root).toHaveAttribute("data-rule", "go-too-old-for-encryption");
  await expect(machine.findingAt(2).action()).toContainText("Upgrade Go to 1.24 or later");
  await expect(machine.findingAt(3).root).toHaveAttribute("data-rule", "probe-failed");
  await expect(machine.findingAt(3).severity()).toHaveText("info");

  // Composition of the latest scan.
  await expect(machine.cacheClass("plaintext")).toContainText("200");
  await expect(machine.cacheFormat("sealed")).toContainText("80");

  // Charts: one point per report; the entries chart has a plaintext and an encrypted line.
  await expect(machine.chartPoints("size")).toHaveCount(3);
  await expect(machine.chartPoints("entries")).toHaveCount(6);
  await expect(machine.chart("entries")).toContainText("Plaintext");

  // Installed Go tools: module, version, and the Go that built each.
  await expect(machine.goTools()).toHaveCount(2);
  await expect(machine.goTool("gopls")).toContainText("golang.org/x/tools/gopls");
  await expect(machine.goTool("gopls")).toContainText("v0.16.1");
  await expect(machine.goTool("staticcheck")).toContainText("go1.21.9");

  // GOBIN is unset: every part of the page shows the same effective GOBIN, Go's default.
  const defaultGobin = "/Users/dev/go/bin (the default, $GOPATH/bin: GOBIN is not set)";
  await expect(machine.gobin("go")).toHaveText(defaultGobin);
  await expect(machine.gobin("tools")).toHaveText(defaultGobin);

  // Migrate asks first and says what it will do to the cache; cancelling pushes nothing.
  await expect(machine.noCommands()).toBeVisible();
  const dialog = await machine.openMigrate();
  await expect(dialog.heading("Migrate charted-mac?")).toBeVisible();
  const plan = dialog.plan();
  await expect(plan).toContainText("Back up /Users/dev/Library/Caches/go-build (1.09 MB) to a dated copy beside it");
  await expect(plan).toContainText("200 GB free there");
  await expect(plan).toContainText("Clean the cache: go clean -cache");
  await expect(plan).toContainText("Enable the encrypted cache: go env -w GOCACHEPROG=");
  await expect(dialog.keepBackup()).toBeChecked();
  await dialog.cancel();
  await expect(dialog.root).toBeHidden();
  await expect(machine.noCommands()).toBeVisible();

  // Command history: the admin migrates, the simulated agent runs it through the agent API.
  await machine.migrate();
  const command = machine.command();
  await expect(command.status()).toHaveText("pending");
  const [delivered] = await mac.client.agent.pendingCommands.query();
  if (!delivered) throw new Error("the migration was not queued");
  expect(await mac.client.agent.claim.mutate({ messageId: randomUUID(), commandId: delivered.id })).toMatchObject({ claimed: true, command: { id: delivered.id } });
  const commandId = delivered.id;
  const backupPath = "/Users/dev/Library/Caches/go-build.backup-20261124-020000";
  // Each message has its own id; progress is numbered per command, as the agent's outbox does.
  let sequence = 0;
  await mac.client.agent.progress.mutate({ messageId: randomUUID(), sequence: ++sequence, commandId, step: "backup", status: "running", log: `copying to ${backupPath}\n` });
  await expect(command.status()).toHaveText("running");
  await expect(command.step("backup")).toContainText(`copying to ${backupPath}`);
  // reinit's log lists every package `go list std` built: ~300 lines.
  const packages = Array.from({ length: 300 }, (_, index) => `std/package${index + 1}`);
  for (const step of ["backup", "clean", "enable", "reinit", "verify"] as const) {
    const log = step === "reinit" ? `${packages.join("\n")}\n` : `${step} done\n`;
    await mac.client.agent.progress.mutate({ messageId: randomUUID(), sequence: ++sequence, commandId, step, status: "succeeded", log });
  }
  await mac.client.agent.result.mutate({
    messageId: randomUUID(), commandId, status: "succeeded", error: null, failedStep: null, before: { count: 280, bytes: 280 * 4096 }, after: { count: 40, bytes: 40 * 4096 },
    backupPath, prunedBackups: [], durationMs: 4200,
  });
  await expect(command.status()).toHaveText("succeeded");
  await expect(command.step("verify")).toContainText("verify done");
  await expect(command.backupPath()).toHaveText(backupPath);
  await expect(command.resultEntries()).toHaveText("Entries: 280 → 40");
  // The backup holds what was cleaned, on the same disk: nothing was freed, and the page says so.
  await expect(command.resultCleaned()).toHaveText("Cleaned 1.09 MB (280 entries) from GOCACHE; it now holds 160 KB");
  await expect(command.resultBackup()).toHaveText(`Backup (1.09 MB, on the same disk until pruned): ${backupPath}`);
  await expect(command.bytesFreed()).toHaveCount(0);

  // The long reinit log shows its first lines and how many more there are, until asked for all.
  const shownLog = command.stepLog("reinit");
  // innerText: what is on screen, without the collapsed lines.
  await expect(shownLog).toContainText("std/package8", { useInnerText: true });
  await expect(shownLog).not.toContainText("std/package9", { useInnerText: true });
  const toggle = command.showMoreLines("reinit", 292);
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.click();
  await expect(shownLog).toContainText("std/package300", { useInnerText: true });
  await expect(command.showFewerLines("reinit")).toHaveAttribute("aria-expanded", "true");
  await expect(command.stepButtons("verify")).toHaveCount(0);
});
