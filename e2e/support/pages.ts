// Small page objects for the dashboard's pages.
import { expect, type Page } from "@playwright/test";

export class SignInPage {
  constructor(private readonly page: Page) {}

  async signIn(baseUrl: string, email: string, password: string): Promise<void> {
    await this.page.goto(`${baseUrl}/signin`);
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
    // Exact: the sign-in page's own heading, "Sign in to Cachefleet", contains "fleet" too.
    await expect(this.page.getByRole("heading", { name: "Fleet", exact: true })).toBeVisible();
  }
}

export class UsersPage {
  constructor(private readonly page: Page) {}

  form() {
    return this.page.getByRole("form", { name: "Add a user" });
  }

  row(email: string) {
    return this.page.getByTestId("user-row").filter({ hasText: email });
  }

  /** Creates an account with the form (the role menu starts at viewer). */
  async create(account: { email: string; name: string; password: string; role: "viewer" | "admin" }): Promise<void> {
    const form = this.form();
    await form.getByLabel("Email").fill(account.email);
    await form.getByLabel("Name").fill(account.name);
    if (account.role === "admin") {
      await form.getByLabel("Role").click();
      await this.page.getByRole("option", { name: "Admin" }).click();
    }
    await form.getByLabel("Initial password").fill(account.password);
    await form.getByRole("button", { name: "Create user" }).click();
    await expect(this.page.getByRole("status").filter({ hasText: `Created ${account.email}` })).toBeVisible();
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
    await this.page.getByRole("button", { name: "Migrate", exact: true }).click();
  }

  finding(rule: string) {
    return this.page.locator(`[data-testid="finding"][data-rule="${rule}"]`);
  }

  noFindings() {
    return this.page.getByText("No findings", { exact: true });
  }

  hitRateChart() {
    return this.page.getByTestId("chart-hit-rate");
  }
}
