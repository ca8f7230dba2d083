// The dashboard's frame: the top bar works by keyboard (skip link, section links), the theme
// menu switches to dark and the choice survives a reload, narrow screens get a menu, unknown
// addresses get a page of their own.
import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { SignInPage } from "../support/pages.js";
import { admin, makeWorkDir, startDashboard, type Dashboard } from "../support/stack.js";

let workDir: string;
let dashboard: Dashboard;

test.beforeAll(async () => {
  workDir = makeWorkDir("look");
  dashboard = await startDashboard(workDir);
});

test.afterAll(async () => {
  await dashboard?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

/**
 * Signs in and waits for the fleet page itself: the sign-in page's own heading ("Sign in to
 * Cachefleet") also matches a non-exact "Fleet", so the heading alone does not prove the redirect.
 */
async function signIn(page: Page): Promise<void> {
  await new SignInPage(page).signIn(dashboard.url, admin.email, admin.password);
  await expect(page).toHaveURL(`${dashboard.url}/`);
}

/** The page's background colour as the browser computed it. */
async function background(page: Page): Promise<string> {
  return page.locator("body").evaluate((body) => body.ownerDocument.defaultView?.getComputedStyle(body).backgroundColor ?? "");
}

/** Presses Tab until `name`'s link has focus; fails after `limit` presses. */
async function tabTo(page: Page, name: string, limit = 15): Promise<void> {
  const link = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press("Tab");
    if (await link.evaluate((element) => element.matches(":focus"))) return;
  }
  throw new Error(`Tab never reached the ${name} link`);
}

test("the top bar is usable by keyboard: skip link first, then the sections", async ({ page }) => {
  await signIn(page);
  await expect(page.getByTestId("signed-in-user")).toContainText(admin.email);
  await expect(page.getByTestId("signed-in-user")).toContainText("admin");

  // The first Tab on a fresh page lands on the skip link, which shows itself and jumps past the bar.
  await page.goto(`${dashboard.url}/`);
  // Only once React has hydrated the top bar: a Tab pressed while it takes over the
  // server-rendered markup can leave focus on the body.
  await expect(page.getByRole("heading", { name: "Fleet", exact: true })).toBeVisible();
  const skipLink = page.locator('[data-slot="skip-link"]');
  await expect.poll(() => skipLink.evaluate((element) => Object.keys(element).some((key) => key.startsWith("__reactFiber")))).toBe(true);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("#main-content")).toBeFocused();

  const nav = page.getByRole("navigation", { name: "Main" });
  for (const section of ["Fleet", "Audit", "Activity", "Enrollment", "Policy", "Users"]) {
    await expect(nav.getByRole("link", { name: section, exact: true })).toBeVisible();
  }
  await expect(nav.getByRole("link", { name: "Fleet", exact: true })).toHaveAttribute("aria-current", "page");

  await page.goto(`${dashboard.url}/`);
  await tabTo(page, "Activity");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(`${dashboard.url}/activity`);
  await expect(nav.getByRole("link", { name: "Activity", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Fleet", exact: true })).not.toHaveAttribute("aria-current", "page");
});

test("the theme menu switches to dark by keyboard, and the choice survives a reload", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await signIn(page);
  const html = page.locator("html");
  await expect(html).not.toHaveClass(/\bdark\b/);
  const lightBackground = await background(page);

  await page.getByRole("button", { name: "Theme" }).focus();
  await page.keyboard.press("Enter");
  const dark = page.getByRole("menuitemradio", { name: "Dark" });
  await expect(dark).toBeVisible();
  await expect(page.getByRole("menuitemradio", { name: "System" })).toHaveAttribute("aria-checked", "true");
  await dark.focus();
  await page.keyboard.press("Enter");
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(page.getByRole("menu")).toBeHidden();
  // The page really changed colour, not just a class name.
  const darkBackground = await background(page);
  expect(darkBackground).not.toBe(lightBackground);

  await page.reload();
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(page.locator("body")).toHaveCSS("background-color", darkBackground);

  await page.getByRole("button", { name: "Theme" }).click();
  await expect(page.getByRole("menuitemradio", { name: "Dark" })).toHaveAttribute("aria-checked", "true");
  await page.getByRole("menuitemradio", { name: "Light" }).click();
  await expect(html).not.toHaveClass(/\bdark\b/);
  await expect(page.locator("body")).toHaveCSS("background-color", lightBackground);
  await page.reload();
  await expect(html).not.toHaveClass(/\bdark\b/);
});

test("on a phone-sized screen the sections move into a menu", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  await page.getByRole("button", { name: "Navigation menu" }).click();
  const menu = page.getByRole("menu");
  await expect(menu).toContainText(admin.email);
  await menu.getByRole("menuitem", { name: "Activity" }).click();
  await expect(page).toHaveURL(`${dashboard.url}/activity`);
});

test("an unknown address or push shows a not-found page with a way back", async ({ page }) => {
  await signIn(page);
  const response = await page.goto(`${dashboard.url}/no-such-page`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeAttached();
  await page.getByRole("link", { name: "Back to the fleet" }).click();
  await expect(page).toHaveURL(`${dashboard.url}/`);

  // A client-side page says so in its own frame, instead of an error with a pointless retry.
  await page.goto(`${dashboard.url}/batches/no-such-batch`);
  await expect(page.getByTestId("empty-state")).toContainText("No such push");
  await expect(page.getByRole("button", { name: "Try again" })).toHaveCount(0);
});
