// The fleet page in Chromium against the real dashboard: simulated machines enroll and report
// through the real API; the admin filters, sorts, searches and pages, the URL keeps the view, and
// a new report changes its row without a reload; health, the Keychain off macOS and the bulk push
// read as words.
import { createTRPCClient, httpLink } from "@trpc/client";
import type { AppRouter } from "@cachefleet/api";
import { expect, oncePerStack, test } from "../support/fixtures.js";
import { createAgentClient, type ApiClient } from "../support/simulated-agent.js";
import { simulatedReport, type MachineFacts } from "../support/simulated-macs.js";

const mb = 1024 ** 2;
const base = { arch: "arm64", rosetta: false, macosVersion: "15.1", keychain: true } as const;
const fleet: MachineFacts[] = [
  { ...base, hostname: "ana-mbp", username: "ana", goVersions: ["go1.22.2"], verdict: "encrypted", entries: 300, bytes: 30 * mb },
  { ...base, hostname: "ben-studio", username: "ben", goVersions: ["go1.21.9"], verdict: "plaintext", entries: 1200, bytes: 120 * mb, keychain: false, macosVersion: "14.5" },
  { ...base, hostname: "cara-mini", username: "cara", goVersions: ["go1.22.2", "go1.21.9"], verdict: "mixed", entries: 400, bytes: 40 * mb, arch: "x64", rosetta: true },
  { ...base, hostname: "dev-box", username: "dan", goVersions: ["go1.23.4"], verdict: "plaintext", entries: 5000, bytes: 900 * mb },
  { ...base, hostname: "eli-air", username: "eli", goVersions: ["go1.22.8"], verdict: "empty", entries: 0, bytes: 0 },
];

/** The five machines, enrolled and reported once per stack; resolves to their agents' clients by hostname. */
const enrolledFleet = oncePerStack(async (stack) => {
  const agents = new Map<string, ApiClient>();
  const anonymous = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${stack.url}/api/trpc` })] });
  for (const facts of fleet) {
    const report = simulatedReport(facts);
    const { token } = await anonymous.agent.enroll.mutate({ secret: stack.enrollmentSecret, machine: report.machine });
    const agent = createAgentClient(stack.url, token);
    await agent.agent.report.mutate(report);
    agents.set(facts.hostname, agent);
  }
  return agents;
});

test("an admin filters by verdict, sorts by cache size both ways, searches and pages; the URL keeps the view", async ({ page, stack, signInPage }) => {
  await enrolledFleet(stack);
  const fleetPage = await signInPage.signIn();
  const hostnames = fleetPage.hostnames();
  await expect(hostnames).toHaveText(["ana-mbp", "ben-studio", "cara-mini", "dev-box", "eli-air"]);
  await expect(fleetPage.verdictChip("plaintext")).toHaveText("2 plaintext");
  await expect(fleetPage.row("cara-mini")).toContainText("Rosetta");
  await expect(fleetPage.cell("cara-mini", "go")).toHaveText("go1.22.2go1.21.9");

  // A verdict chip filters, and says it does.
  await fleetPage.verdictChip("plaintext").click();
  await expect(page).toHaveURL(/[?&]verdict=plaintext/);
  await expect(fleetPage.verdictChip("plaintext")).toHaveAttribute("aria-pressed", "true");
  await expect(hostnames).toHaveText(["ben-studio", "dev-box"]);
  await fleetPage.verdictChip("plaintext").click();
  await expect(hostnames).toHaveCount(5);

  // Biggest cache first, then smallest first.
  await fleetPage.sortBy("Cache size");
  await expect(fleetPage.columnHeader("Cache size")).toHaveAttribute("aria-sort", "descending");
  await expect(hostnames).toHaveText(["dev-box", "ben-studio", "cara-mini", "ana-mbp", "eli-air"]);
  await fleetPage.sortBy("Cache size");
  await expect(fleetPage.columnHeader("Cache size")).toHaveAttribute("aria-sort", "ascending");
  await expect(hostnames).toHaveText(["eli-air", "ana-mbp", "cara-mini", "ben-studio", "dev-box"]);
  await expect(page).toHaveURL(/sort=cacheBytes/);

  // Text search over hostname, user and versions, case-insensitive; a labelled filter narrows it.
  await fleetPage.search().fill("GO1.21");
  await expect(hostnames).toHaveText(["cara-mini", "ben-studio"]);
  await fleetPage.filterBy("Keychain key", "missing");
  await expect(hostnames).toHaveText(["ben-studio"]);
  await expect(page).toHaveURL(/q=GO1.21/);
  await expect(page).toHaveURL(/keychain=missing/);

  // The view survives a reload (and so a shared link shows the same).
  await page.reload();
  await expect(hostnames).toHaveText(["ben-studio"]);
  await expect(fleetPage.search()).toHaveValue("GO1.21");
  await expect(fleetPage.filter("Keychain key")).toHaveText("missing");
  await fleetPage.clearFilters();
  await expect(hostnames).toHaveCount(5);

  // Server-side pages of two.
  await fleetPage.open("?size=2");
  await expect(hostnames).toHaveText(["ana-mbp", "ben-studio"]);
  await expect(fleetPage.range()).toHaveText("1–2 of 5 machines · page 1 of 3");
  await fleetPage.nextPage().click();
  await expect(hostnames).toHaveText(["cara-mini", "dev-box"]);
  await expect(page).toHaveURL(/page=2/);
  await page.reload();
  await expect(hostnames).toHaveText(["cara-mini", "dev-box"]);
  await fleetPage.nextPage().click();
  await expect(hostnames).toHaveText(["eli-air"]);
  await expect(fleetPage.nextPage()).toBeDisabled();
  await page.goBack();
  await expect(hostnames).toHaveText(["cara-mini", "dev-box"]);
});

test("a new report changes its machine's row without a reload", async ({ stack, signInPage }) => {
  const agents = await enrolledFleet(stack);
  const fleetPage = await signInPage.signIn();
  await expect(fleetPage.cell("ana-mbp", "verdict")).toHaveText("encrypted");
  // Anything a reload would wipe out.
  await fleetPage.page.evaluate("document.body.setAttribute('data-still-here', 'yes')");

  const agent = agents.get("ana-mbp");
  if (!agent) throw new Error("ana-mbp did not enroll");
  const facts = fleet[0];
  if (!facts) throw new Error("no facts for ana-mbp");
  await agent.agent.report.mutate(simulatedReport({ ...facts, verdict: "mixed", entries: 4321, bytes: 50 * mb }));

  await expect(fleetPage.cell("ana-mbp", "verdict")).toHaveText("mixed");
  await expect(fleetPage.cell("ana-mbp", "entries")).toHaveText("4,321");
  await expect(fleetPage.verdictChip("mixed")).toHaveText("2 mixed");
  await expect(fleetPage.frame.body()).toHaveAttribute("data-still-here", "yes");
});

test("each machine shows its health; off macOS the Keychain is not applicable; a bulk migration names rules in words and asks first", async ({ page, stack, signInPage }) => {
  await enrolledFleet(stack);
  // A Linux CI machine: the agent's Keychain probe does not apply there.
  const anonymous = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${stack.url}/api/trpc` })] });
  const macReport = simulatedReport({ ...base, hostname: "lin-ci", username: "ci", goVersions: ["go1.24.4"], verdict: "plaintext", entries: 800, bytes: 80 * mb });
  const linuxReport = {
    ...macReport,
    machine: { ...macReport.machine, platform: "linux", osRelease: "6.1.0-28-amd64" },
    probes: { ...macReport.probes, keychain: { status: "not-applicable" as const, message: "The Keychain exists only on macOS, and this agent has no key file store." } },
  };
  const { token } = await anonymous.agent.enroll.mutate({ secret: stack.enrollmentSecret, machine: linuxReport.machine });
  await createAgentClient(stack.url, token).agent.report.mutate(linuxReport);
  // A Mac that passes every rule: Go 1.24 with the encrypted cache and its key.
  const healthy = simulatedReport({ ...base, hostname: "fay-mbp", username: "fay", goVersions: ["go1.24.4"], verdict: "encrypted", entries: 500, bytes: 50 * mb });
  const enrolled = await anonymous.agent.enroll.mutate({ secret: stack.enrollmentSecret, machine: healthy.machine });
  await createAgentClient(stack.url, enrolled.token).agent.report.mutate(healthy);

  const fleetPage = await signInPage.signIn();
  await expect(fleetPage.cell("lin-ci", "keychain")).toHaveText("not applicable");
  await expect(fleetPage.cell("ben-studio", "keychain")).toHaveText("missing");
  await expect(fleetPage.cell("fay-mbp", "health")).toHaveText("ok");
  await expect(fleetPage.cell("eli-air", "health")).toHaveText("warning");
  await expect(fleetPage.cell("cara-mini", "health")).toHaveText("critical");
  await expect(fleetPage.columnHeader("Health")).toBeVisible();

  // The rules "Migrate them" targets, by name rather than internal id.
  const rules = await fleetPage.ruleChoices();
  expect(rules).toEqual(["Mixed cache (plaintext and encrypted entries)", "Plaintext cache where policy requires encryption"]);
  expect(rules.join(" ")).not.toContain("mixed-cache");

  // Migrating a selection asks first, saying what happens to the caches and how much the backups hold.
  await fleetPage.select("cara-mini");
  await fleetPage.select("dev-box");
  const dialog = await fleetPage.openMigrateSelected(2);
  await expect(dialog.heading("Migrate 2 machines?")).toBeVisible();
  const plan = dialog.plan();
  await expect(plan).toContainText("Back up GOCACHE (940 MB in all)");
  await expect(plan).toContainText("go clean -cache");
  await expect(plan).toContainText("GOCACHEPROG");
  await dialog.cancel();
  await expect(dialog.root).toBeHidden();
  await expect(page).toHaveURL(`${stack.url}/`);

  // The Linux machine's page says the same of its Keychain card.
  const linux = await fleetPage.openMachine("lin-ci");
  await expect(linux.probeStatus("keychain")).toHaveText("not applicable");
});
