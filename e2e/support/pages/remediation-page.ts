// The remediation page: the form (rule → migrate with backup, window, concurrency, tries), its dry
// run, and the saved remediation's card with each machine's state.
import { expect, type Page } from "@playwright/test";
import { choose } from "./choose.js";

export class RemediationPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(): Promise<RemediationPage> {
    await this.page.goto(`${this.baseUrl}/remediation`);
    await expect(this.page.getByRole("heading", { name: "Remediation", exact: true })).toBeVisible();
    return this;
  }

  /**
   * Fills the form: a rule bound to migrate with backup, `atOnce` at a time, in `window` ("HH:MM" in
   * each machine's local time; default any time of day), `tries` per machine (default the form's).
   */
  async fill(options: { name: string; rule: string; atOnce: number; window?: { start: string; end: string }; tries?: number }): Promise<void> {
    await this.page.getByLabel("Remediation name").fill(options.name);
    await this.page.getByLabel("When a machine fails rule").fill(options.rule);
    await choose(this.page, "Push command", "migrate");
    await expect(this.page.getByRole("checkbox", { name: "Back up first" })).toBeChecked();
    await this.page.getByLabel("Window opens (machine's local time)").fill(options.window?.start ?? "00:00");
    await this.page.getByLabel("Window closes").fill(options.window?.end ?? "00:00");
    await this.page.getByLabel("At most at once").fill(String(options.atOnce));
    if (options.tries !== undefined) await this.page.getByLabel("Tries per machine").fill(String(options.tries));
  }

  /** Runs the dry run; resolves to its text. */
  async dryRun(): Promise<string> {
    await this.page.getByRole("button", { name: "Dry run" }).click();
    const result = this.page.getByTestId("dry-run");
    await expect(result).toBeVisible();
    return (await result.textContent()) ?? "";
  }

  async save(): Promise<void> {
    await this.page.getByRole("button", { name: "Save remediation" }).click();
    await expect(this.card()).toHaveCount(1);
  }

  /** The saved remediation, with its counts ("0 pending, 0 running, 1 fixed, 0 failed"). */
  card() {
    return this.page.getByTestId("remediation-card");
  }

  machineRow(hostname: string) {
    return this.page.getByTestId("remediation-machine-row").filter({ hasText: hostname });
  }

  machineState(hostname: string) {
    return this.machineRow(hostname).getByTestId("remediation-state");
  }

  /** The machines' states that read `text`, whichever machines they are. */
  statesReading(text: string) {
    return this.page.getByTestId("remediation-state").filter({ hasText: text });
  }
}
