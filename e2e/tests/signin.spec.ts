// Accounts end to end, in Chromium against the built dashboard: a wrong password is refused, the
// right one lands on the fleet, an admin creates a viewer on the Users page, the viewer sees no
// admin controls, and signing out ends the session for good (the old cookie no longer works).
import os from "node:os";
import { expect, test } from "../support/fixtures.js";
import { UsersPage } from "../support/pages/users-page.js";
import { admin } from "../support/stack.js";

const viewer = { email: "viewer@example.com", name: "Vera Viewer", password: "viewer-first-password", role: "viewer" as const };

test("sign-in, a viewer without admin controls, and sign-out that ends the session", async ({ page, stack, signInPage }) => {
  await stack.startAgent();
  const hostname = os.hostname();
  const url = stack.url;

  // Signed out, every page leads to the sign-in form.
  await new UsersPage(page, url).open();
  await expect(page).toHaveURL(`${url}/signin`);

  // A wrong password is refused with a message, and the email is kept.
  await signInPage.submit({ email: admin.email, password: "not-the-password" });
  await expect(signInPage.refusal("Wrong email or password.")).toBeVisible();
  await expect(page).toHaveURL(`${url}/signin`);
  await expect(signInPage.email()).toHaveValue(admin.email);

  // The right one lands on the fleet, where the admin can migrate the machine.
  const fleet = await signInPage.signIn(admin);
  await expect(page).toHaveURL(`${url}/`);
  await expect(fleet.row(hostname)).toBeVisible();
  const machine = await fleet.openMachine(hostname);
  const machineUrl = page.url();
  await expect(machine.migrateButton()).toBeVisible();

  // The admin creates a viewer on the Users page.
  const users = await new UsersPage(page, url).open();
  await users.create(viewer);
  await expect(users.row(viewer.email)).toContainText("never");
  await expect(users.row(admin.email)).toContainText("you");
  // An admin's own row offers neither a role change nor Remove; other rows do.
  await expect(users.roleMenu(admin.email)).toHaveCount(0);
  await expect(users.removeButton(admin.email)).toHaveCount(0);
  await expect(users.removeButton(viewer.email)).toBeVisible();

  // Sign out: back to the sign-in page, and the session cookie the browser had is dead.
  const sessionCookies = (await page.context().cookies()).filter((cookie) => cookie.httpOnly);
  expect(sessionCookies.length).toBeGreaterThan(0);
  const oldCookie = sessionCookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
  const sessionBefore = await fetch(`${url}/api/auth/get-session`, { headers: { cookie: oldCookie } });
  expect(await sessionBefore.json()).toMatchObject({ user: { email: admin.email, role: "admin" } });
  const signedOut = await users.frame.signOut();
  await expect(page).toHaveURL(`${url}/signin`);
  const sessionWithOldCookie = await fetch(`${url}/api/auth/get-session`, { headers: { cookie: oldCookie } });
  expect(await sessionWithOldCookie.json()).toBeNull();
  const apiWithOldCookie = await fetch(`${url}/api/trpc/users.list`, { headers: { cookie: oldCookie } });
  expect(apiWithOldCookie.status).toBe(401);
  await page.context().addCookies(sessionCookies);
  await page.goto(`${url}/`);
  await expect(page).toHaveURL(`${url}/signin`);

  // The viewer signs in and sees everything, but no control that changes anything.
  const viewersFleet = await signedOut.signIn(viewer);
  await expect(viewersFleet.frame.signedInUser()).toContainText("viewer");
  await page.goto(machineUrl);
  await expect(machine.heading(hostname)).toBeVisible();
  await expect(machine.entries()).toBeVisible();
  await expect(machine.migrateButton()).toHaveCount(0);
  await users.open();
  await expect(users.row(admin.email)).toContainText("admin");
  await expect(users.row(viewer.email)).toContainText("you");
  await expect(users.form()).toHaveCount(0);
  await expect(users.anyRoleMenu()).toHaveCount(0);
  await expect(users.anyRemoveButton()).toHaveCount(0);
});
