// The audit page: a count per check, the machines a check lists, its CSV download, and what can be
// pushed to them (a migration, a trim).
import type { Download, Page } from "@playwright/test";
import { BatchPage } from "./batch-page.js";
import { Frame } from "./frame.js";
import { MigrationDialog } from "./migration-dialog.js";

export class AuditPage {
  readonly frame: Frame;

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    this.frame = new Frame(page, baseUrl);
  }

  /** Opens the audit, on `check`'s view if given (else the first check's). */
  async open(check?: string): Promise<AuditPage> {
    await this.page.goto(`${this.baseUrl}/audit${check ? `?check=${check}` : ""}`);
    return this;
  }

  /** The page's heading, or a check's ("Plaintext cache", "Stale trim"). */
  heading(name = "Audit") {
    return this.page.getByRole("heading", { name });
  }

  /** How many machines fail `check`. */
  checkCount(check: string) {
    return this.page.getByTestId(`check-${check}`).getByTestId("check-count");
  }

  async showCheck(check: string): Promise<void> {
    await this.page.getByTestId(`check-${check}`).click();
  }

  /** The machines the shown check lists. */
  rows() {
    return this.page.getByTestId("audit-row");
  }

  row(hostname: string) {
    return this.rows().filter({ hasText: hostname });
  }

  machineLink(hostname: string) {
    return this.row(hostname).getByRole("link", { name: hostname });
  }

  /** Downloads the shown check's CSV through the browser. */
  async exportCheck(): Promise<Download> {
    const downloading = this.page.waitForEvent("download");
    await this.page.getByTestId("export-check").click();
    return downloading;
  }

  migrateTheseButton() {
    return this.page.getByRole("button", { name: "Migrate these machines" });
  }

  /** Opens the migration of the listed machines; nothing pushed yet. */
  async openMigrateThese(machines: number): Promise<MigrationDialog> {
    await this.migrateTheseButton().click();
    return new MigrationDialog(this.page.getByRole("alertdialog", { name: `Migrate ${machines} machines?` }));
  }

  /** What the last push said. */
  pushResult() {
    return this.page.getByTestId("push-result");
  }

  async followBatch(): Promise<BatchPage> {
    await this.page.getByRole("link", { name: "Follow the batch" }).click();
    return new BatchPage(this.page, this.baseUrl);
  }

  // The stale-trim check.

  reclaimableBytes() {
    return this.page.getByTestId("reclaimable-bytes");
  }

  staleTrimMachines() {
    return this.page.getByTestId("stale-trim-machines");
  }

  async openTrim(): Promise<void> {
    await this.page.getByRole("button", { name: "Trim machines with a stale trim" }).click();
  }

  /** What the trim dialog says it frees. */
  trimFrees() {
    return this.page.getByTestId("trim-frees");
  }

  async pushTrim(): Promise<void> {
    await this.page.getByRole("button", { name: "Push the trim" }).click();
  }
}
