// Accounts end to end, in Chromium against the built dashboard: a wrong password is refused, the
// right one lands on the fleet, an admin creates a viewer on the Users page, the viewer sees no
// admin controls, and signing out ends the session for good (the old cookie no longer works).
import fs from "node:fs";
import os from "node:os";
import { expect, test } from "@playwright/test";
import { FleetPage, MachinePage, SignInPage, UsersPage } from "../support/pages.js";
import { admin, makeWorkDir, startAgent, startDashboard, type Agent, type Dashboard } from "../support/stack.js";

let workDir: string;
let dashboard: Dashboard | undefined;
let agent: Agent | undefined;

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus && agent) console.log(`agent output:\n${agent.output()}`);
  await agent?.stop();
  await dashboard?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

const viewer = { email: "viewer@example.com", name: "Vera Viewer", password: "viewer-first-password", role: "viewer" as const };

test("sign-in, a viewer without admin controls, and sign-out that ends the session", async ({ page }) => {
  workDir = makeWorkDir("signin");
  dashboard = await startDashboard(workDir);
  agent = await startAgent(workDir, dashboard);
  const hostname = os.hostname();
  const url = dashboard.url;

  // Signed out, every page leads to the sign-in form.
  await page.goto(`${url}/users`);
  await expect(page).toHaveURL(`${url}/signin`);

  // A wrong password is refused with a message, and the email is kept.
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
  await expect(page).toHaveURL(`${url}/signin`);
  await expect(page.getByLabel("Email")).toHaveValue(admin.email);

  // The right one lands on the fleet, where the admin can migrate the machine.
  await new SignInPage(page).signIn(url, admin.email, admin.password);
  await expect(page).toHaveURL(`${url}/`);
  const fleet = new FleetPage(page);
  await expect(fleet.row(hostname)).toBeVisible();
  await fleet.openMachine(hostname);
  const machineUrl = page.url();
  await expect(page.getByRole("button", { name: "Migrate" })).toBeVisible();

  // The admin creates a viewer on the Users page.
  await page.goto(`${url}/users`);
  const users = new UsersPage(page);
  await users.create(viewer);
  await expect(users.row(viewer.email)).toContainText("never");
  await expect(users.row(admin.email)).toContainText("you");
  // An admin's own row offers neither a role change nor Remove; other rows do.
  await expect(users.row(admin.email).getByRole("combobox")).toHaveCount(0);
  await expect(users.row(admin.email).getByRole("button", { name: /^Remove/ })).toHaveCount(0);
  await expect(users.row(viewer.email).getByRole("button", { name: /^Remove/ })).toBeVisible();

  // Sign out: back to the sign-in page, and the session cookie the browser had is dead.
  const sessionCookies = (await page.context().cookies()).filter((cookie) => cookie.httpOnly);
  expect(sessionCookies.length).toBeGreaterThan(0);
  const oldCookie = sessionCookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
  const sessionBefore = await fetch(`${url}/api/auth/get-session`, { headers: { cookie: oldCookie } });
  expect(await sessionBefore.json()).toMatchObject({ user: { email: admin.email, role: "admin" } });
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(`${url}/signin`);
  const sessionWithOldCookie = await fetch(`${url}/api/auth/get-session`, { headers: { cookie: oldCookie } });
  expect(await sessionWithOldCookie.json()).toBeNull();
  const apiWithOldCookie = await fetch(`${url}/api/trpc/users.list`, { headers: { cookie: oldCookie } });
  expect(apiWithOldCookie.status).toBe(401);
  await page.context().addCookies(sessionCookies);
  await page.goto(`${url}/`);
  await expect(page).toHaveURL(`${url}/signin`);

  // The viewer signs in and sees everything, but no control that changes anything.
  await new SignInPage(page).signIn(url, viewer.email, viewer.password);
  await expect(page.getByTestId("signed-in-user")).toContainText("viewer");
  await page.goto(machineUrl);
  await expect(page.getByRole("heading", { name: hostname })).toBeVisible();
  await expect(new MachinePage(page).entries()).toBeVisible();
  await expect(page.getByRole("button", { name: "Migrate" })).toHaveCount(0);
  await page.goto(`${url}/users`);
  await expect(users.row(admin.email)).toContainText("admin");
  await expect(users.row(viewer.email)).toContainText("you");
  await expect(users.form()).toHaveCount(0);
  await expect(page.getByRole("combobox")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Remove/ })).toHaveCount(0);
});
