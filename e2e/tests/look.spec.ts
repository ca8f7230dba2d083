// The dashboard's frame: the top bar works by keyboard (skip link, section links), the theme
// menu switches to dark and the choice survives a reload, narrow screens get a menu, unknown
// addresses get a page of their own.
import { expect, test } from "../support/fixtures.js";
import { FleetPage } from "../support/pages/fleet-page.js";
import { admin } from "../support/stack.js";

test("the top bar is usable by keyboard: skip link first, then the sections", async ({ page, stack, signInPage }) => {
  const { frame } = await signInPage.signIn();
  await expect(frame.signedInUser()).toContainText(admin.email);
  await expect(frame.signedInUser()).toContainText("admin");

  // The first Tab on a fresh page lands on the skip link, which shows itself and jumps past the bar.
  const fleet = await new FleetPage(page, stack.url).open();
  // Only once React has hydrated the top bar: a Tab pressed while it takes over the
  // server-rendered markup can leave focus on the body.
  await expect(fleet.heading()).toBeVisible();
  await frame.waitUntilHydrated();
  await page.keyboard.press("Tab");
  const skip = frame.skipLink();
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(frame.mainContent()).toBeFocused();

  for (const section of ["Fleet", "Audit", "Activity", "Enrollment", "Policy", "Users"]) {
    await expect(frame.section(section)).toBeVisible();
  }
  await expect(frame.section("Fleet")).toHaveAttribute("aria-current", "page");

  await fleet.open();
  await frame.tabTo("Activity");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(`${stack.url}/activity`);
  await expect(frame.section("Activity")).toHaveAttribute("aria-current", "page");
  await expect(frame.section("Fleet")).not.toHaveAttribute("aria-current", "page");
});

test("the theme menu switches to dark by keyboard, and the choice survives a reload", async ({ page, signInPage }) => {
  await page.emulateMedia({ colorScheme: "light" });
  const { frame } = await signInPage.signIn();
  const html = frame.root();
  await expect(html).not.toHaveClass(/\bdark\b/);
  const lightBackground = await frame.background();

  await frame.themeButton().focus();
  await page.keyboard.press("Enter");
  const dark = frame.themeChoice("Dark");
  await expect(dark).toBeVisible();
  await expect(frame.themeChoice("System")).toHaveAttribute("aria-checked", "true");
  await dark.focus();
  await page.keyboard.press("Enter");
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(frame.menu()).toBeHidden();
  // The page really changed colour, not just a class name.
  const darkBackground = await frame.background();
  expect(darkBackground).not.toBe(lightBackground);

  await page.reload();
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(frame.body()).toHaveCSS("background-color", darkBackground);

  await frame.themeButton().click();
  await expect(frame.themeChoice("Dark")).toHaveAttribute("aria-checked", "true");
  await frame.themeChoice("Light").click();
  await expect(html).not.toHaveClass(/\bdark\b/);
  await expect(frame.body()).toHaveCSS("background-color", lightBackground);
  await page.reload();
  await expect(html).not.toHaveClass(/\bdark\b/);
});

test("on a phone-sized screen the sections move into a menu", async ({ page, stack, signInPage }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const { frame } = await signInPage.signIn();
  await expect(frame.mainNavigation()).toBeHidden();
  await frame.navigationMenuButton().click();
  await expect(frame.menu()).toContainText(admin.email);
  await frame.menuItem("Activity").click();
  await expect(page).toHaveURL(`${stack.url}/activity`);
});

test("an unknown address or push shows a not-found page with a way back", async ({ page, stack, signInPage }) => {
  const { frame } = await signInPage.signIn();
  const response = await page.goto(`${stack.url}/no-such-page`);
  expect(response?.status()).toBe(404);
  await expect(frame.notFoundHeading()).toBeAttached();
  await frame.backToFleet();
  await expect(page).toHaveURL(`${stack.url}/`);

  // A client-side page says so in its own frame, instead of an error with a pointless retry.
  await page.goto(`${stack.url}/batches/no-such-batch`);
  await expect(frame.emptyState()).toContainText("No such push");
  await expect(frame.tryAgainButton()).toHaveCount(0);
});
