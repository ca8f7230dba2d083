// Small page objects for the dashboard's pages.
import { expect, type Locator, type Page } from "@playwright/test";

/** Picks `option` in the labelled drop-down (the dashboard's Choice, a listbox rather than a native select). */
export async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
  // While its list is open the Select hides the rest of the page from the accessibility tree;
  // until the list is gone, a role query that does not wait (`all()`) would find nothing.
  await expect(page.getByRole("listbox")).toHaveCount(0);
}

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

  cell(hostname: string, column: "keychain" | "health" | "findings" | "verdict" | "go" | "entries") {
    return this.row(hostname).getByTestId(`cell-${column}`);
  }

  async openMachine(hostname: string): Promise<void> {
    await this.row(hostname).getByRole("link", { name: hostname }).click();
    await expect(this.page.getByRole("heading", { name: hostname })).toBeVisible();
  }

  /** A filter's drop-down; its text is the choice shown. */
  filter(label: string) {
    return this.page.getByRole("search", { name: "Filter machines" }).getByLabel(label, { exact: true });
  }

  async filterBy(label: string, option: string): Promise<void> {
    await choose(this.page, label, option);
  }

  /** "1–2 of 5 machines · page 1 of 3". */
  range() {
    return this.page.getByRole("navigation", { name: "Pages of machines" }).getByTestId("pager-range");
  }

  nextPage() {
    return this.page.getByRole("button", { name: "Next page" });
  }

  async select(hostname: string): Promise<void> {
    await this.row(hostname).getByRole("checkbox", { name: `Select ${hostname}` }).check();
  }

  /** Opens the confirmation of "Migrate selected"; resolves to the dialog, nothing pushed yet. */
  async openMigrateSelected(count: number): Promise<Locator> {
    await this.page.getByRole("button", { name: `Migrate selected (${count})` }).click();
    const dialog = this.page.getByRole("alertdialog");
    await expect(dialog).toBeVisible();
    return dialog;
  }

  /** Migrates the selected machines, confirmed with a backup; the batch page opens. */
  async migrateSelected(count: number): Promise<void> {
    const dialog = await this.openMigrateSelected(count);
    await dialog.getByRole("button", { name: "Push the migration" }).click();
    await expect(this.page.getByRole("heading", { name: `migrate on ${count} machines` })).toBeVisible();
  }

  /** The rules "Migrate them" can target, as the drop-down names them. */
  async ruleChoices(): Promise<string[]> {
    await this.page.getByLabel("every machine failing", { exact: true }).click();
    const options = await this.page.getByRole("option").allTextContents();
    await this.page.keyboard.press("Escape");
    return options;
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

  /** Opens the migration's confirmation; resolves to the dialog, nothing pushed yet. */
  async openMigrate(): Promise<Locator> {
    await this.page.getByRole("button", { name: "Migrate", exact: true }).click();
    const dialog = this.page.getByRole("alertdialog");
    await expect(dialog).toBeVisible();
    return dialog;
  }

  /** Migrates with a backup, confirmed in the dialog. */
  async migrate(): Promise<void> {
    const dialog = await this.openMigrate();
    await dialog.getByRole("button", { name: "Push the migration" }).click();
    await expect(dialog).toBeHidden();
  }

  command(index = 0) {
    return this.page.getByTestId("command").nth(index);
  }

  /** A probe card ("go", "keychain", "persistence", …) on the machine page. */
  probe(group: string) {
    return this.page.getByTestId(`probe-${group}`);
  }

  /** GOBIN as each part of the page states it: the Go env card, the persistence card, the tools heading. */
  gobin(where: "go" | "persistence" | "tools") {
    const part = where === "tools" ? this.page.getByRole("region", { name: "Installed Go tools" }) : this.probe(where);
    return part.getByTestId("gobin");
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
