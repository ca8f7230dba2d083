// The dashboard's pages in Chromium under their Content-Security-Policy: every page loads and
// works with no policy violation and no console complaint, every response carries the security
// headers, and a page on another origin that frames the dashboard shows nothing of it.
import http from "node:http";
import os from "node:os";
import type { AddressInfo } from "node:net";
import type { Page } from "@playwright/test";
import { expect, test } from "../support/fixtures.js";

let framing: http.Server | undefined;

test.afterEach(async () => {
  await new Promise((resolve) => (framing ? framing.close(resolve) : resolve(undefined)));
  framing = undefined;
});

// In the page, as a string: this project's TypeScript has no DOM library.
const violationRecorder = `
  window.cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.cspViolations.push(event.violatedDirective + " blocked " + event.blockedURI + " at " + event.sourceFile + ":" + event.lineNumber);
  });
`;

async function violations(page: Page): Promise<unknown> {
  return JSON.parse(String(await page.evaluate("JSON.stringify(window.cspViolations ?? ['not recorded'])")));
}

/** Records every policy violation the page reports, from before its first script runs. */
async function recordViolations(page: Page): Promise<string[]> {
  const consoleComplaints: string[] = [];
  page.on("console", (message) => {
    if (/Content.Security.Policy|Refused to (execute|load|apply|frame)/i.test(message.text())) consoleComplaints.push(message.text());
  });
  await page.addInitScript({ content: violationRecorder });
  return consoleComplaints;
}

test("every page loads under the Content-Security-Policy with no violation, and no other site can frame it", async ({ page, browser, stack, signInPage }) => {
  await stack.startAgent();
  const url = stack.url;
  const complaints = await recordViolations(page);

  const signInResponse = await page.goto(`${url}/signin`);
  const headers = signInResponse?.headers() ?? {};
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).not.toContain("unsafe-eval");
  expect(headers).toMatchObject({ "x-frame-options": "DENY", "x-content-type-options": "nosniff", "referrer-policy": "same-origin" });
  // API answers carry them too.
  const apiHeaders = Object.fromEntries((await fetch(`${url}/api/trpc/policy.get`)).headers);
  expect(apiHeaders).toMatchObject({ "x-frame-options": "DENY", "x-content-type-options": "nosniff" });

  // The pages work with scripts (hydrated: signing in, navigating, the machine's charts).
  const fleet = await signInPage.signIn();
  await expect(fleet.row(os.hostname())).toBeVisible();
  const machine = await fleet.openMachine(os.hostname());
  await expect(machine.migrateButton()).toBeVisible();
  for (const path of ["/", "/audit", "/policy", "/users", "/enrollment", "/activity"]) {
    await page.goto(`${url}${path}`);
    await expect(fleet.frame.main()).toBeVisible();
    await page.waitForLoadState("networkidle");
  }
  // The theme switch writes a style element at run time (next-themes), under the same policy.
  const themeToggle = fleet.frame.themeControls();
  if (await themeToggle.count()) await themeToggle.first().click();
  expect(await violations(page)).toEqual([]);
  expect(complaints).toEqual([]);

  // A page elsewhere framing the sign-in page shows nothing of it.
  framing = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end(`<!doctype html><title>framing</title><iframe id="victim" src="${url}/signin" width="800" height="600"></iframe>`);
  });
  await new Promise<void>((resolve) => framing?.listen(0, "127.0.0.1", resolve));
  const address = framing.address() as AddressInfo;
  const attacker = await browser.newPage();
  const blocked: string[] = [];
  attacker.on("console", (message) => blocked.push(message.text()));
  await attacker.goto(`http://localhost:${address.port}/`);
  await attacker.locator("#victim").waitFor();
  await expect.poll(() => blocked.some((text) => /frame-ancestors|X-Frame-Options|Refused to (display|frame)/i.test(text))).toBe(true);
  for (const frame of attacker.frames()) {
    if (frame === attacker.mainFrame()) continue;
    expect(await frame.getByLabel("Email").count()).toBe(0);
    expect(await frame.getByRole("button", { name: "Sign in" }).count()).toBe(0);
  }
  await attacker.close();
});
