// The team policy page: the encryption requirement and its Go version, saved with a summary of
// how many machines changed health.
import { expect, type Page } from "@playwright/test";

export class PolicyPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(): Promise<PolicyPage> {
    await this.page.goto(`${this.baseUrl}/policy`);
    await expect(this.page.getByRole("heading", { name: "Policy" })).toBeVisible();
    return this;
  }

  requiredFromGo() {
    return this.page.getByLabel("Required from Go version");
  }

  async save(): Promise<void> {
    await this.page.getByRole("button", { name: "Save policy" }).click();
  }

  /** A message shown next to a field. */
  fieldError(message: string) {
    return this.page.getByText(message);
  }

  /** Sets "required from Go <version>" (encryption on) and saves; resolves to the saved message. */
  async requireEncryptionFrom(version: string): Promise<string> {
    const required = this.page.getByRole("switch", { name: "Require encrypted caches" });
    if (!(await required.isChecked())) await required.check();
    await this.requiredFromGo().fill(version);
    await this.save();
    const saved = this.page.getByTestId("policy-saved");
    await expect(saved).toBeVisible();
    return (await saved.textContent()) ?? "";
  }
}
