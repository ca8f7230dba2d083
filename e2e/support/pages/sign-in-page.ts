// The sign-in page: the form, its refusal, and signing in, which leads to the fleet page.
import { expect, type Page } from "@playwright/test";
import { admin } from "../stack.js";
import { FleetPage } from "./fleet-page.js";

export interface Account {
  email: string;
  password: string;
}

export class SignInPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(): Promise<SignInPage> {
    await this.page.goto(`${this.baseUrl}/signin`);
    return this;
  }

  email() {
    return this.page.getByLabel("Email");
  }

  password() {
    return this.page.getByLabel("Password");
  }

  /** The form's message after a refused attempt. */
  refusal(message: string) {
    return this.page.getByRole("alert").filter({ hasText: message });
  }

  /** Fills the form on the page as it is and sends it, waiting for nothing. */
  async submit(account: Account): Promise<void> {
    await this.email().fill(account.email);
    await this.password().fill(account.password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
  }

  /**
   * Signs in (as the seeded admin unless told otherwise) and waits until the browser really is:
   * on the fleet page, with the session cookie stored, so a page.goto() right after it arrives
   * signed in. The exact heading: the sign-in page's own, "Sign in to Cachefleet", contains "fleet" too.
   */
  async signIn(account: Account = admin): Promise<FleetPage> {
    await this.open();
    await this.submit(account);
    const fleet = new FleetPage(this.page, this.baseUrl);
    await expect(this.page).toHaveURL(`${this.baseUrl}/`);
    await expect(fleet.heading()).toBeVisible();
    await expect.poll(async () => (await this.page.context().cookies(this.baseUrl)).length).toBeGreaterThan(0);
    return fleet;
  }
}
