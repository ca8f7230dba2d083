// The Users page: the accounts, their role menus and Remove buttons, and the form that adds one.
import { expect, type Page } from "@playwright/test";
import { Frame } from "./frame.js";

export class UsersPage {
  readonly frame: Frame;

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    this.frame = new Frame(page, baseUrl);
  }

  async open(): Promise<UsersPage> {
    await this.page.goto(`${this.baseUrl}/users`);
    return this;
  }

  form() {
    return this.page.getByRole("form", { name: "Add a user" });
  }

  row(email: string) {
    return this.page.getByTestId("user-row").filter({ hasText: email });
  }

  roleMenu(email: string) {
    return this.row(email).getByRole("combobox");
  }

  removeButton(email: string) {
    return this.row(email).getByRole("button", { name: /^Remove/ });
  }

  /** Every role menu on the page, whoever's row it is in. */
  anyRoleMenu() {
    return this.page.getByRole("combobox");
  }

  anyRemoveButton() {
    return this.page.getByRole("button", { name: /^Remove/ });
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
