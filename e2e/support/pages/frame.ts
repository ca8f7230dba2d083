// The signed-in frame every dashboard page shares: the top bar (sections, signed-in user, theme
// menu, sign-out, the phone-sized menu), the skip link and main content, and the not-found page.
import { expect, type Locator, type Page } from "@playwright/test";
import { FleetPage } from "./fleet-page.js";
import { SignInPage } from "./sign-in-page.js";

export class Frame {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  signedInUser() {
    return this.page.getByTestId("signed-in-user");
  }

  mainNavigation() {
    return this.page.getByRole("navigation", { name: "Main" });
  }

  section(name: string) {
    return this.mainNavigation().getByRole("link", { name, exact: true });
  }

  skipLink() {
    return this.page.getByRole("link", { name: "Skip to content" });
  }

  /** Where the skip link jumps to. */
  mainContent() {
    return this.page.locator("#main-content");
  }

  main() {
    return this.page.getByRole("main");
  }

  /** The root element, whose class says which theme is on. */
  root() {
    return this.page.locator("html");
  }

  body() {
    return this.page.locator("body");
  }

  /** The page's background colour as the browser computed it. */
  async background(): Promise<string> {
    return this.body().evaluate((body) => body.ownerDocument.defaultView?.getComputedStyle(body).backgroundColor ?? "");
  }

  /**
   * Waits until React has hydrated the top bar: a key pressed while it takes over the
   * server-rendered markup can leave focus on the body.
   */
  async waitUntilHydrated(): Promise<void> {
    const skipLink = this.page.locator('[data-slot="skip-link"]');
    await expect.poll(() => skipLink.evaluate((element) => Object.keys(element).some((key) => key.startsWith("__reactFiber")))).toBe(true);
  }

  /** Presses Tab until `name`'s section link has focus; fails after `limit` presses. */
  async tabTo(name: string, limit = 15): Promise<Locator> {
    const link = this.section(name);
    for (let presses = 0; presses < limit; presses++) {
      await this.page.keyboard.press("Tab");
      if (await link.evaluate((element) => element.matches(":focus"))) return link;
    }
    throw new Error(`Tab never reached the ${name} link`);
  }

  themeButton() {
    return this.page.getByRole("button", { name: "Theme" });
  }

  /** Any control whose name mentions the theme (the switch, wherever the layout puts it). */
  themeControls() {
    return this.page.getByRole("button", { name: /theme/i });
  }

  themeChoice(name: "Light" | "Dark" | "System") {
    return this.page.getByRole("menuitemradio", { name });
  }

  menu() {
    return this.page.getByRole("menu");
  }

  menuItem(name: string) {
    return this.menu().getByRole("menuitem", { name });
  }

  /** The phone-sized screen's menu button, in place of the sections. */
  navigationMenuButton() {
    return this.page.getByRole("button", { name: "Navigation menu" });
  }

  async signOut(): Promise<SignInPage> {
    await this.page.getByRole("button", { name: "Sign out" }).click();
    return new SignInPage(this.page, this.baseUrl);
  }

  // The not-found page and a client-side page's empty state.

  notFoundHeading() {
    return this.page.getByRole("heading", { name: "Page not found" });
  }

  async backToFleet(): Promise<FleetPage> {
    await this.page.getByRole("link", { name: "Back to the fleet" }).click();
    return new FleetPage(this.page, this.baseUrl);
  }

  emptyState() {
    return this.page.getByTestId("empty-state");
  }

  tryAgainButton() {
    return this.page.getByRole("button", { name: "Try again" });
  }
}
