// The activity log: one row per recorded action, filterable by kind.
import { expect, type Page } from "@playwright/test";

export class ActivityPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(): Promise<ActivityPage> {
    await this.page.goto(`${this.baseUrl}/activity`);
    return this;
  }

  rows() {
    return this.page.getByTestId("activity-row");
  }

  /** The rows that mention `text`, newest first. */
  row(text: string) {
    return this.rows().filter({ hasText: text });
  }

  /** Anything on the page that says `text`. */
  mention(text: string) {
    return this.page.getByText(text);
  }

  async filterByKind(kind: string): Promise<void> {
    await this.page.getByRole("combobox", { name: "Kind" }).click();
    await this.page.getByRole("option", { name: kind }).click();
  }

  /** Every remediation action recorded for `hostname`, oldest first (once at least one row mentions it). */
  async remediationActions(hostname: string): Promise<string[]> {
    const rows = this.row(hostname);
    await expect(rows.first()).toBeVisible();
    const actions = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute("data-action") ?? ""));
    return actions.filter((action) => action.startsWith("remediation.")).reverse();
  }
}
