// The webhooks page: a receiver added for chosen events, in the signed JSON format.
import { expect, type Page } from "@playwright/test";
import { choose } from "./choose.js";

export class WebhooksPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(): Promise<WebhooksPage> {
    await this.page.goto(`${this.baseUrl}/webhooks`);
    await expect(this.page.getByRole("heading", { name: "Webhooks", exact: true })).toBeVisible();
    return this;
  }

  /**
   * Adds a webhook in the signed JSON format for the events named by their labels (the others
   * unticked); resolves to its signing secret, shown once.
   */
  async addJsonWebhook(name: string, url: string, events: readonly string[]): Promise<string> {
    await this.page.getByLabel("Webhook name", { exact: true }).fill(name);
    await choose(this.page, "Format", "JSON (signed)");
    await this.page.getByLabel("URL", { exact: true }).fill(url);
    const choices = this.page.getByRole("group", { name: "Events" }).getByRole("checkbox");
    for (const choice of await choices.all()) {
      const label = (await choice.locator("xpath=..").textContent()) ?? "";
      await choice.setChecked(events.includes(label.trim()));
    }
    await this.page.getByRole("button", { name: "Add webhook" }).click();
    const secret = this.page.getByTestId("webhook-secret");
    await expect(secret).toBeVisible();
    const card = this.page.getByTestId("webhook-card").filter({ hasText: name });
    await expect(card).toBeVisible();
    for (const event of events) await expect(card).toContainText(event);
    return (await secret.textContent()) ?? "";
  }
}
