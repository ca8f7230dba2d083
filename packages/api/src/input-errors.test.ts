// The error formatter over HTTP, as the browser receives it: a refused input comes back with zod's
// flattened errors by field, using the messages of the shared form schemas; any other error
// carries none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@cachefleet/db/test-support";
import { bootstrapIfEmpty } from "./accounts.js";
import { signInWithPassword } from "./auth.js";
import { handleTrpcRequest } from "./http.js";
import { createServices } from "./services.js";
import type { Services } from "./trpc.js";

const origin = "http://127.0.0.1:43817";

describe("errors of refused input", () => {
  let database: TestDatabase;
  let services: Services;
  let cookie: string;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    services = createServices(database.db, { queuePollMs: 50 });
    const credentials = await bootstrapIfEmpty(database.db, { adminEmail: "admin@example.com" }, services.auth);
    if (!credentials) throw new Error("The test database already had accounts.");
    const session = await signInWithPassword(services.auth, { email: credentials.adminEmail, password: credentials.adminPassword }, new Headers());
    if (!session.ok) throw new Error(session.message);
    cookie = session.cookies.map((entry) => `${entry.name}=${encodeURIComponent(entry.value)}`).join("; ");
  });

  afterAll(async () => {
    await database?.drop();
  });

  async function call(procedure: string, input: unknown): Promise<{ status: number; error: { message: string; data: Record<string, unknown> } }> {
    const response = await handleTrpcRequest(
      services,
      new Request(`${origin}/api/trpc/${procedure}`, { method: "POST", headers: { "content-type": "application/json", origin, cookie }, body: JSON.stringify(input) }),
    );
    return { status: response.status, ...((await response.json()) as { error: { message: string; data: Record<string, unknown> } }) };
  }

  it("come back field by field, with the form schema's messages", async () => {
    const { status, error } = await call("users.create", { email: "not-an-email", name: " ", role: "viewer", password: "short" });
    expect(status).toBe(400);
    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.data.inputErrors).toEqual({
      formErrors: [],
      fieldErrors: {
        email: ["Enter a valid email address."],
        name: ["Enter a name."],
        password: ["The initial password needs at least 8 characters."],
      },
    });
  });

  it("name a refinement across fields under the field it points at", async () => {
    const { error } = await call("policy.updateRetention", { keepAllReportsDays: 30, keepDailyReportsDays: 7, keepLogsDays: 30 });
    expect(error.data.inputErrors).toEqual({ formErrors: [], fieldErrors: { keepDailyReportsDays: ["Keep one report a day at least as long as every report."] } });
  });

  it("are absent from errors that are not about the input", async () => {
    const { status, error } = await call("users.remove", { userId: "no-such-user" });
    expect(status).toBe(404);
    expect(error.data.inputErrors).toBeNull();
  });
});
