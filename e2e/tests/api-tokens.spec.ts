// The README's automation example, run as written: an admin creates a read-only API token in the
// browser, the README's curl line lists the fleet with it (real curl against the built dashboard),
// and once the token is revoked in the browser the same line is refused.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { execa } from "execa";
import { repositoryRoot } from "@cachefleet/db/layout";
import { signInForNavigation, TokensPage } from "../support/admin-pages.js";
import { enrollSimulatedMac } from "../support/simulated-macs.js";
import { admin, makeWorkDir, startDashboard, type Dashboard } from "../support/stack.js";

let workDir: string;
let dashboard: Dashboard;

test.beforeAll(async () => {
  workDir = makeWorkDir("api-tokens");
  dashboard = await startDashboard(workDir);
});

test.afterAll(async () => {
  await dashboard?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** The README's first shell block that lists the fleet with curl, aimed at this dashboard. */
function readmeFleetCurl(dashboardUrl: string): string {
  const readme = fs.readFileSync(path.join(repositoryRoot, "README.md"), "utf8");
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? "").find((text) => text.includes("fleet.list"));
  if (!block) throw new Error("The README has no curl example for fleet.list.");
  return block.replaceAll("http://localhost:3000", dashboardUrl);
}

test("a read-only token made in the browser lists the fleet with the README's curl line until it is revoked", async ({ page }) => {
  const mac = await enrollSimulatedMac(dashboard.url, dashboard.enrollmentSecret, "token-mac");
  await mac.report({ takenAt: new Date(), cache: { plaintext: 40, encrypted: 0 } });

  await signInForNavigation(page, dashboard.url, admin.email, admin.password);
  const tokens = new TokensPage(page);
  await tokens.open(dashboard.url);
  const token = await tokens.createToken("ci reader", "Read only");
  expect(token).toMatch(/^cfa_/);
  await expect(tokens.tokenRow("ci reader")).toContainText("read only");

  // The README's line through a real shell, with the token in the variable it names.
  const curl = readmeFleetCurl(dashboard.url);
  const listed = await execa("bash", ["-c", curl], { env: { CACHEFLEET_TOKEN: token }, reject: false });
  expect(listed.exitCode, listed.stderr).toBe(0);
  const body: unknown = JSON.parse(listed.stdout);
  expect(body).toMatchObject({ result: { data: { total: 1, rows: [{ hostname: "token-mac" }] } } });

  // The page links the OpenAPI document, which describes the call just made.
  const documentResponse = await fetch(`${dashboard.url}/api/openapi.json`);
  expect(documentResponse.status).toBe(200);
  const document: unknown = await documentResponse.json();
  expect(document).toMatchObject({ openapi: "3.1.0", servers: [{ url: dashboard.url }], paths: { "/api/trpc/fleet.list": { get: { operationId: "fleet.list" } } } });

  await tokens.revokeToken("ci reader");
  const refused = await execa("bash", ["-c", curl], { env: { CACHEFLEET_TOKEN: token }, reject: false });
  // curl -f exits 22 on an HTTP error status (401 here).
  expect(refused.exitCode).toBe(22);
});
