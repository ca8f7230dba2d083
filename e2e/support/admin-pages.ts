// Page objects for the administration pages: policy, enrollment, API tokens, webhooks and remediation.
import { expect, type Page } from "@playwright/test";
import { SignInPage, choose } from "./pages.js";

/**
 * Signs in and waits until the browser is really signed in (on the fleet page, with the session
 * cookie stored): SignInPage's non-exact "Fleet" heading also matches the sign-in page's own
 * "Sign in to Cachefleet", so a page.goto() right after it could still arrive signed out.
 */
export async function signInForNavigation(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await new SignInPage(page).signIn(baseUrl, email, password);
  await expect(page).toHaveURL(`${baseUrl}/`);
  await expect(page.getByRole("heading", { name: "Fleet", exact: true })).toBeVisible();
  await expect.poll(async () => (await page.context().cookies(baseUrl)).length).toBeGreaterThan(0);
}

export class PolicyPage {
  constructor(private readonly page: Page) {}

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/policy`);
    await expect(this.page.getByRole("heading", { name: "Policy" })).toBeVisible();
  }

  /** Sets "required from Go <version>" (encryption on) and saves; resolves to the saved message. */
  async requireEncryptionFrom(version: string): Promise<string> {
    const required = this.page.getByRole("switch", { name: "Require encrypted caches" });
    if (!(await required.isChecked())) await required.check();
    await this.page.getByLabel("Required from Go version").fill(version);
    await this.page.getByRole("button", { name: "Save policy" }).click();
    const saved = this.page.getByTestId("policy-saved");
    await expect(saved).toBeVisible();
    return (await saved.textContent()) ?? "";
  }
}

export class EnrollmentPage {
  constructor(private readonly page: Page) {}

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/enrollment`);
    await expect(this.page.getByRole("heading", { name: "Enrollment", exact: true })).toBeVisible();
  }

  /** Creates a named secret; resolves to its plaintext (shown once) and the install commands. */
  async createSecret(name: string): Promise<{ secret: string; commands: string }> {
    await this.page.getByLabel("Secret name").fill(name);
    await this.page.getByRole("button", { name: "Create secret" }).click();
    const secret = (await this.page.getByTestId("new-secret").textContent()) ?? "";
    const commands = (await this.page.getByTestId("install-commands").textContent()) ?? "";
    return { secret, commands };
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

export class TokensPage {
  constructor(private readonly page: Page) {}

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/tokens`);
    await expect(this.page.getByRole("heading", { name: "API tokens", exact: true })).toBeVisible();
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

export class WebhooksPage {
  constructor(private readonly page: Page) {}

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/webhooks`);
    await expect(this.page.getByRole("heading", { name: "Webhooks", exact: true })).toBeVisible();
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

export class RemediationPage {
  constructor(private readonly page: Page) {}

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/remediation`);
    await expect(this.page.getByRole("heading", { name: "Remediation", exact: true })).toBeVisible();
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
    await expect(this.page.getByTestId("remediation-card")).toHaveCount(1);
  }

  machineState(hostname: string) {
    return this.page.getByTestId("remediation-machine-row").filter({ hasText: hostname }).getByTestId("remediation-state");
  }
}
