// Small page objects for the dashboard's pages.
import { expect, type Page } from "@playwright/test";

export class SignInPage {
  constructor(private readonly page: Page) {}

  async signIn(baseUrl: string, email: string, password: string): Promise<void> {
    await this.page.goto(`${baseUrl}/signin`);
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
    await expect(this.page.getByRole("heading", { name: "Fleet" })).toBeVisible();
  }
}

export class FleetPage {
  constructor(private readonly page: Page) {}

  row(hostname: string) {
    return this.page.getByTestId("machine-row").filter({ hasText: hostname });
  }

  async openMachine(hostname: string): Promise<void> {
    await this.row(hostname).getByRole("link", { name: hostname }).click();
    await expect(this.page.getByRole("heading", { name: hostname })).toBeVisible();
  }
}

export class MachinePage {
  constructor(private readonly page: Page) {}

  entries() {
    return this.page.getByTestId("cache-entries");
  }

  latestCommand() {
    return this.page.getByTestId("command").first();
  }

  async migrate(): Promise<void> {
    await this.page.getByRole("button", { name: "Migrate" }).click();
  }
}
