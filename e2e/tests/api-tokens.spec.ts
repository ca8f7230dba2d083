// The README's automation example, run as written: an admin creates a read-only API token in the
// browser, the README's curl line lists the fleet with it (real curl against the built dashboard),
// and once the token is revoked in the browser the same line is refused.
import { execa } from "execa";
import { expect, test } from "../support/fixtures.js";
import { TokensPage } from "../support/pages/tokens-page.js";
import { readmeCurl } from "../support/readme-examples.js";
import { enrollSimulatedMac } from "../support/simulated-macs.js";

test("a read-only token made in the browser lists the fleet with the README's curl line until it is revoked", async ({ page, stack, signInPage }) => {
  const mac = await enrollSimulatedMac(stack.url, stack.enrollmentSecret, "token-mac");
  await mac.report({ takenAt: new Date(), cache: { plaintext: 40, encrypted: 0 } });

  await signInPage.signIn();
  const tokens = await new TokensPage(page, stack.url).open();
  const token = await tokens.createToken("ci reader", "Read only");
  expect(token).toMatch(/^cfa_/);
  await expect(tokens.tokenRow("ci reader")).toContainText("read only");

  // The README's line through a real shell, with the token in the variable it names.
  const curl = readmeCurl("fleet.list", stack.url);
  const listed = await execa("bash", ["-c", curl], { env: { CACHEFLEET_TOKEN: token }, reject: false });
  expect(listed.exitCode, listed.stderr).toBe(0);
  const body: unknown = JSON.parse(listed.stdout);
  expect(body).toMatchObject({ result: { data: { total: 1, rows: [{ hostname: "token-mac" }] } } });

  // The page links the OpenAPI document, which describes the call just made.
  const documentResponse = await fetch(`${stack.url}/api/openapi.json`);
  expect(documentResponse.status).toBe(200);
  const document: unknown = await documentResponse.json();
  expect(document).toMatchObject({ openapi: "3.1.0", servers: [{ url: stack.url }], paths: { "/api/trpc/fleet.list": { get: { operationId: "fleet.list" } } } });

  await tokens.revokeToken("ci reader");
  const refused = await execa("bash", ["-c", curl], { env: { CACHEFLEET_TOKEN: token }, reject: false });
  // curl -f exits 22 on an HTTP error status (401 here).
  expect(refused.exitCode).toBe(22);
});
