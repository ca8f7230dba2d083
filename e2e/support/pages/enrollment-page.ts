// The enrollment page: named enrollment secrets with their install commands, and the enrolled
// machines an admin can revoke.
import { expect, type Page } from "@playwright/test";

export class EnrollmentPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(): Promise<EnrollmentPage> {
    await this.page.goto(`${this.baseUrl}/enrollment`);
    await expect(this.page.getByRole("heading", { name: "Enrollment", exact: true })).toBeVisible();
    return this;
  }

  /** Creates a named secret; resolves to its plaintext (shown once) and the install commands. */
  async createSecret(name: string): Promise<{ secret: string; commands: string }> {
    await this.page.getByLabel("Secret name").fill(name);
    await this.page.getByRole("button", { name: "Create secret" }).click();
    const secret = (await this.page.getByTestId("new-secret").textContent()) ?? "";
    const commands = (await this.page.getByTestId("install-commands").textContent()) ?? "";
    return { secret, commands };
  }

  secretRow(name: string) {
    return this.page.getByTestId("secret-row").filter({ hasText: name });
  }

  machineRow(hostname: string) {
    return this.page.getByTestId("enrolled-machine-row").filter({ hasText: hostname });
  }

  async revokeMachine(hostname: string): Promise<void> {
    await this.page.getByRole("button", { name: `Revoke machine ${hostname}` }).click();
    const dialog = this.page.getByRole("alertdialog", { name: `Revoke ${hostname}?` });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Revoke" }).click();
    await expect(this.machineRow(hostname)).toHaveCount(0);
  }
}
