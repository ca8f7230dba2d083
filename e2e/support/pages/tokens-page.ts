// The API tokens page: tokens created with a scope (shown once) and revoked.
import { expect, type Page } from "@playwright/test";
import { choose } from "./choose.js";

export class TokensPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(): Promise<TokensPage> {
    await this.page.goto(`${this.baseUrl}/tokens`);
    await expect(this.page.getByRole("heading", { name: "API tokens", exact: true })).toBeVisible();
    return this;
  }

  /** Creates a token; resolves to its plaintext, shown once. */
  async createToken(name: string, scope: "Read only" | "Admin"): Promise<string> {
    await this.page.getByLabel("Token name").fill(name);
    await choose(this.page, "Scope", scope);
    await this.page.getByRole("button", { name: "Create token" }).click();
    const shown = this.page.getByTestId("new-token");
    await expect(shown).toBeVisible();
    return (await shown.textContent()) ?? "";
  }

  tokenRow(name: string) {
    return this.page.getByTestId("token-row").filter({ hasText: name });
  }

  async revokeToken(name: string): Promise<void> {
    await this.page.getByRole("button", { name: `Revoke token ${name}` }).click();
    const dialog = this.page.getByRole("alertdialog", { name: `Revoke the token “${name}”?` });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Revoke" }).click();
    await expect(this.tokenRow(name)).toContainText("revoked");
  }
}
