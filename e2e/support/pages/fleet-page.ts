// The fleet page: the machine table (rows, cells, sorting, search, filters, pages), the verdict
// chips, the team's hit rate, and the bulk migration of a selection or of the machines failing a rule.
import { expect, type Page } from "@playwright/test";
import { BatchPage } from "./batch-page.js";
import { choose } from "./choose.js";
import { Frame } from "./frame.js";
import { MachinePage } from "./machine-page.js";
import { MigrationDialog } from "./migration-dialog.js";

export type FleetColumn = "keychain" | "health" | "findings" | "verdict" | "go" | "entries" | "hit-rate";

export class FleetPage {
  readonly frame: Frame;

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    this.frame = new Frame(page, baseUrl);
  }

  /** Opens the fleet page, with `query` (e.g. "?size=2") if given. */
  async open(query = ""): Promise<FleetPage> {
    await this.page.goto(`${this.baseUrl}/${query}`);
    return this;
  }

  /** Exact: the sign-in page's own heading, "Sign in to Cachefleet", contains "fleet" too. */
  heading() {
    return this.page.getByRole("heading", { name: "Fleet", exact: true });
  }

  rows() {
    return this.page.getByTestId("machine-row");
  }

  /** The machines' names as the table lists them, in order. */
  hostnames() {
    return this.rows().getByRole("link");
  }

  row(hostname: string) {
    return this.rows().filter({ hasText: hostname });
  }

  cell(hostname: string, column: FleetColumn) {
    return this.row(hostname).getByTestId(`cell-${column}`);
  }

  async openMachine(hostname: string): Promise<MachinePage> {
    await this.row(hostname).getByRole("link", { name: hostname }).click();
    const machine = new MachinePage(this.page, this.baseUrl);
    await expect(machine.heading(hostname)).toBeVisible();
    return machine;
  }

  /** The chip that counts (and filters by) a cache verdict, e.g. "2 plaintext". */
  verdictChip(verdict: "plaintext" | "encrypted" | "mixed" | "empty") {
    return this.page.getByTestId(`verdict-count-${verdict}`);
  }

  columnHeader(name: string) {
    return this.page.getByRole("columnheader", { name });
  }

  /** Clicks a sortable column's header: first biggest first, then smallest first. */
  async sortBy(column: string): Promise<void> {
    await this.page.getByRole("button", { name: column }).click();
  }

  search() {
    return this.page.getByRole("searchbox", { name: "Search" });
  }

  /** A filter's drop-down; its text is the choice shown. */
  filter(label: string) {
    return this.page.getByRole("search", { name: "Filter machines" }).getByLabel(label, { exact: true });
  }

  async filterBy(label: string, option: string): Promise<void> {
    await choose(this.page, label, option);
  }

  async clearFilters(): Promise<void> {
    await this.page.getByRole("button", { name: "Clear filters" }).first().click();
  }

  /** "1–2 of 5 machines · page 1 of 3". */
  range() {
    return this.page.getByRole("navigation", { name: "Pages of machines" }).getByTestId("pager-range");
  }

  nextPage() {
    return this.page.getByRole("button", { name: "Next page" });
  }

  teamHitRate() {
    return this.page.getByTestId("team-hit-rate");
  }

  async select(hostname: string): Promise<void> {
    await this.row(hostname).getByRole("checkbox", { name: `Select ${hostname}` }).check();
  }

  /** Opens the confirmation of "Migrate selected"; nothing pushed yet. */
  async openMigrateSelected(count: number): Promise<MigrationDialog> {
    await this.page.getByRole("button", { name: `Migrate selected (${count})` }).click();
    const dialog = new MigrationDialog(this.page.getByRole("alertdialog"));
    await expect(dialog.root).toBeVisible();
    return dialog;
  }

  /** Migrates the selected machines, confirmed with a backup; the batch page opens. */
  async migrateSelected(count: number): Promise<BatchPage> {
    const dialog = await this.openMigrateSelected(count);
    await dialog.push();
    const batch = new BatchPage(this.page, this.baseUrl);
    await expect(batch.heading(count)).toBeVisible();
    return batch;
  }

  /** The rules "Migrate them" can target, as the drop-down names them. */
  async ruleChoices(): Promise<string[]> {
    await this.page.getByLabel("every machine failing", { exact: true }).click();
    const options = await this.page.getByRole("option").allTextContents();
    await this.page.keyboard.press("Escape");
    return options;
  }
}
