// A machine's page: its probe cards, findings, cache composition and charts, installed Go tools,
// its remediation state, the migration it can be sent, and its command history with step logs.
import { expect, type Locator, type Page } from "@playwright/test";
import { Frame } from "./frame.js";
import { MigrationDialog } from "./migration-dialog.js";

/** One finding: its rule is the root's data-rule. */
export class FindingCard {
  constructor(readonly root: Locator) {}

  severity() {
    return this.root.getByTestId("finding-severity");
  }

  /** What to do about it. */
  action() {
    return this.root.getByTestId("finding-action");
  }
}

/** One command in the history, with its steps and result. */
export class CommandCard {
  constructor(readonly root: Locator) {}

  status() {
    return this.root.getByTestId("command-status");
  }

  step(step: string) {
    return this.root.getByTestId(`step-${step}`);
  }

  /** The part of a step's log on screen (a long log shows its first lines until asked for all). */
  stepLog(step: string) {
    return this.step(step).locator("pre");
  }

  stepButtons(step: string) {
    return this.step(step).getByRole("button");
  }

  showMoreLines(step: string, lines: number) {
    return this.step(step).getByRole("button", { name: `Show ${lines} more lines` });
  }

  showFewerLines(step: string) {
    return this.step(step).getByRole("button", { name: "Show fewer lines" });
  }

  backupPath() {
    return this.root.getByTestId("backup-path");
  }

  resultEntries() {
    return this.root.getByTestId("result-entries");
  }

  resultCleaned() {
    return this.root.getByTestId("result-cleaned");
  }

  resultBackup() {
    return this.root.getByTestId("result-backup");
  }

  bytesFreed() {
    return this.root.getByTestId("bytes-freed");
  }
}

export class MachinePage {
  readonly frame: Frame;

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    this.frame = new Frame(page, baseUrl);
  }

  async open(machineId: string): Promise<MachinePage> {
    await this.page.goto(`${this.baseUrl}/machines/${machineId}`);
    return this;
  }

  heading(hostname: string) {
    return this.page.getByRole("heading", { name: hostname });
  }

  /** The machine's id, from the page's address. */
  machineId(): string {
    return new URL(this.page.url()).pathname.split("/").at(-1) ?? "";
  }

  /** Anything on the page that says `text` (in a longer text too). */
  mention(text: string) {
    return this.page.getByText(text, { exact: false });
  }

  entries() {
    return this.page.getByTestId("cache-entries");
  }

  /** A probe card ("identity", "go", "keychain", "persistence", "drift", …). */
  probe(group: string) {
    return this.page.getByTestId(`probe-${group}`);
  }

  /** The name the machine goes by in the fleet, shown apart only when it is not its OS hostname. */
  identityName() {
    return this.probe("identity").getByTestId("machine-name");
  }

  /** The machine's own (OS) hostname, or "not reported" from an agent too old to send it. */
  identityHostname() {
    return this.probe("identity").getByTestId("machine-hostname");
  }

  /** A probe card's outcome: "ok", "not applicable", "error". */
  probeStatus(group: string) {
    return this.probe(group).getByTestId("probe-status");
  }

  probeMessage(group: string) {
    return this.probe(group).getByTestId("probe-message");
  }

  /** GOBIN as each part of the page states it: the Go env card, the persistence card, the tools heading. */
  gobin(where: "go" | "persistence" | "tools") {
    const part = where === "tools" ? this.page.getByRole("region", { name: "Installed Go tools" }) : this.probe(where);
    return part.getByTestId("gobin");
  }

  /** Every finding, most severe first. */
  findings() {
    return this.page.getByTestId("finding");
  }

  findingAt(index: number): FindingCard {
    return new FindingCard(this.findings().nth(index));
  }

  finding(rule: string) {
    return this.page.locator(`[data-testid="finding"][data-rule="${rule}"]`);
  }

  noFindings() {
    return this.page.getByText("No findings", { exact: true });
  }

  /** The latest scan's entries of one class ("plaintext", "encrypted", …). */
  cacheClass(name: string) {
    return this.page.getByTestId(`class-${name}`);
  }

  /** The latest scan's entries of one format ("sealed", "archive", …). */
  cacheFormat(name: string) {
    return this.page.getByTestId(`format-${name}`);
  }

  chart(name: "size" | "entries" | "hit-rate") {
    return this.page.getByTestId(`chart-${name}`);
  }

  /** A chart's drawn points: one per report per line. */
  chartPoints(name: "size" | "entries") {
    return this.chart(name).locator(".recharts-line-dot");
  }

  hitRateChart() {
    return this.chart("hit-rate");
  }

  goTools() {
    return this.page.getByTestId("go-tool-row");
  }

  goTool(name: string) {
    return this.goTools().filter({ hasText: name });
  }

  remediationState() {
    return this.page.getByTestId("machine-remediation-state");
  }

  /** Any Migrate button (absent for a viewer). */
  migrateButton() {
    return this.page.getByRole("button", { name: "Migrate" });
  }

  /** Opens the migration's confirmation; nothing pushed yet. */
  async openMigrate(): Promise<MigrationDialog> {
    await this.page.getByRole("button", { name: "Migrate", exact: true }).click();
    const dialog = new MigrationDialog(this.page.getByRole("alertdialog"));
    await expect(dialog.root).toBeVisible();
    return dialog;
  }

  /** Migrates with a backup, confirmed in the dialog. */
  async migrate(): Promise<void> {
    const dialog = await this.openMigrate();
    await dialog.push();
    await expect(dialog.root).toBeHidden();
  }

  /** "No commands yet". */
  noCommands() {
    return this.page.getByTestId("no-commands");
  }

  commands() {
    return this.page.getByTestId("command");
  }

  /** A command of the history, newest first. */
  command(index = 0): CommandCard {
    return new CommandCard(this.commands().nth(index));
  }

  latestCommand(): CommandCard {
    return this.command(0);
  }
}
