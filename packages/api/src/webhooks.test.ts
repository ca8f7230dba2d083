// Webhooks against a real HTTP receiver on a loopback port, on real databases (SQLite, and
// PostgreSQL when reachable): signed JSON verified as a receiver would, the Slack format, retries
// after 500s with backoff (the dispatcher is ticked with a chosen clock), one machine's events in
// order, two dispatchers sharing one outbox, and admin-only configuration with masked URLs.
import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { webhookHeaders, type WebhookEvent } from "@cachefleet/contract";
import { agentReport, notProbed } from "@cachefleet/contract/test-support";
import { queueWebhookEvent } from "@cachefleet/db";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { createCaller } from "./root.js";
import { createServices } from "./services.js";
import { signedIn, type SignedIn } from "./test-support/signed-in.js";
import { WebhookDispatcher } from "./webhook-dispatcher.js";
import { verifyWebhookSignature } from "./webhook-format.js";

const providers = await testedProviders();

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A local receiver that answers each request with the next status of `script` (then 200). */
class Receiver {
  readonly received: Received[] = [];
  script: number[] = [];
  readonly #server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const answered = this.script.shift() ?? 200;
      this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString(), answered });
      res.writeHead(answered, { "content-type": "text/plain" });
      res.end(answered === 200 ? "ok" : "receiver down");
    });
  });
  url = "";

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    const address = this.#server.address();
    if (address === null || typeof address === "string") throw new Error("The receiver has no TCP address.");
    // Shaped like a Slack webhook URL, whose path is the credential.
    this.url = `http://127.0.0.1:${address.port}/services/T0001/B0002/credential-in-the-path-1234`;
  }

  reset(): void {
    this.received.length = 0;
    this.script = [];
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** The generic bodies received, parsed. */
  events(): { event: string; machine?: { hostname: string } }[] {
    return this.received.map((request) => JSON.parse(request.body));
  }
}

const quietReport = (hostname: string) => agentReport({ hostname, plaintext: 0, encrypted: 10, entryBytes: 100, probes: notProbed("permissions", "persistence", "tools", "versionDrift") });
const mixedReport = (hostname: string) => agentReport({ hostname, plaintext: 10, encrypted: 10, entryBytes: 100, probes: notProbed("permissions", "persistence", "tools", "versionDrift") });

describe.each(providers)("webhooks on %s", (provider) => {
  let database: TestDatabase;
  let fixture: SignedIn;
  const receiver = new Receiver();
  const noErrors = (error: unknown) => {
    throw error;
  };

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    fixture = await signedIn(database.db, { services: createServices(database.db, { queuePollMs: 1000, auth: { provider } }) });
    await receiver.start();
  });

  afterEach(async () => {
    receiver.reset();
    await database.db.webhook.deleteMany({});
  });

  afterAll(async () => {
    await receiver.close();
    await database?.drop();
  });

  const addWebhook = (events: WebhookEvent[], format: "json" | "slack" = "json") =>
    createCaller(fixture.admin).webhooks.create({ name: `receiver ${format}`, format, url: receiver.url, events });

  const enroll = async (hostname: string) => {
    const reported = quietReport(hostname);
    const { machineId, token } = await createCaller(fixture.anonymous()).agent.enroll({ secret: fixture.enrollmentSecret, machine: reported.machine });
    return { machineId, agent: createCaller({ ...fixture.anonymous(), agentToken: token }).agent };
  };

  it("sends a signed JSON event when a machine enrolls, which the receiver verifies", async () => {
    const webhook = await addWebhook(["machine.enrolled"]);
    await enroll("mac-signed");
    const dispatcher = new WebhookDispatcher(database.db, { onError: noErrors });
    expect(await dispatcher.tick()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    const timestamp = String(request?.headers[webhookHeaders.timestamp]);
    const signature = String(request?.headers[webhookHeaders.signature]);
    expect(verifyWebhookSignature(webhook.signingSecret, timestamp, request?.body ?? "", signature)).toBe(true);
    expect(verifyWebhookSignature(webhook.signingSecret, timestamp, `${request?.body ?? ""} `, signature)).toBe(false);
    expect(verifyWebhookSignature("cfw_another-secret", timestamp, request?.body ?? "", signature)).toBe(false);
    expect(request?.headers[webhookHeaders.event]).toBe("machine.enrolled");
    expect(receiver.events()[0]).toMatchObject({ event: "machine.enrolled", machine: { hostname: "mac-signed" } });
    // Delivered once: a second tick sends nothing.
    expect(await dispatcher.tick()).toBe(0);
  });

  it("announces a machine turning critical once, not on every critical report", async () => {
    await addWebhook(["machine.critical"]);
    const { agent } = await enroll("mac-critical");
    await agent.report(mixedReport("mac-critical"));
    await agent.report(mixedReport("mac-critical"));
    const dispatcher = new WebhookDispatcher(database.db, { onError: noErrors });
    await dispatcher.tick();
    expect(receiver.events().map((event) => event.event)).toEqual(["machine.critical"]);
    // Healthy again, then critical again: a new event.
    await agent.report(quietReport("mac-critical"));
    await agent.report(mixedReport("mac-critical"));
    await dispatcher.tick();
    expect(receiver.events().map((event) => event.event)).toEqual(["machine.critical", "machine.critical"]);
  });

  it("retries after 500s with growing delays and logs the receiver's last answer", async () => {
    const webhook = await addWebhook(["machine.enrolled"]);
    receiver.script = [500, 500];
    await enroll("mac-retry");
    const dispatcher = new WebhookDispatcher(database.db, { retryBaseMs: 60_000, onError: noErrors });
    const start = Date.now();
    const at = (offsetMs: number) => new Date(start + offsetMs);
    expect(await dispatcher.tick(at(1_000))).toBe(1); // attempt 1: 500, next in 60 s
    expect(await dispatcher.tick(at(30_000))).toBe(0); // not due yet
    expect(await dispatcher.tick(at(61_000))).toBe(1); // attempt 2: 500, next in 120 s
    expect(await dispatcher.tick(at(150_000))).toBe(0);
    expect(await dispatcher.tick(at(181_000))).toBe(1); // attempt 3: 200
    expect(receiver.received.map((request) => request.answered)).toEqual([500, 500, 200]);
    // The same delivery id on every attempt, so a receiver can drop duplicates.
    expect(new Set(receiver.received.map((request) => request.headers[webhookHeaders.delivery])).size).toBe(1);
    const [log] = await createCaller(fixture.admin).webhooks.deliveries({ webhookId: webhook.id });
    expect(log).toMatchObject({ status: "delivered", attempts: 3, lastStatus: 200, lastResponse: "ok" });
  });

  it("gives up after the last attempt and says so in the log", async () => {
    const webhook = await addWebhook(["machine.enrolled"]);
    receiver.script = [500, 500];
    await enroll("mac-gives-up");
    const dispatcher = new WebhookDispatcher(database.db, { retryBaseMs: 1_000, maxAttempts: 2, onError: noErrors });
    const start = Date.now();
    await dispatcher.tick(new Date(start + 1_000));
    await dispatcher.tick(new Date(start + 10_000));
    expect(await dispatcher.tick(new Date(start + 100_000))).toBe(0);
    const [log] = await createCaller(fixture.admin).webhooks.deliveries({ webhookId: webhook.id });
    expect(log).toMatchObject({ status: "failed", attempts: 2, lastStatus: 500, lastResponse: "receiver down" });
  });

  it("delivers one machine's events in order, holding later ones while an earlier one waits to retry", async () => {
    const webhook = await addWebhook(["machine.critical", "command.failed", "machine.enrolled"]);
    const now = new Date();
    const event = (name: WebhookEvent, hostname: string) => ({ event: name, orderKey: hostname, body: { machine: { id: hostname, hostname } } });
    await queueWebhookEvent(database.db, event("machine.critical", "mac-a"), { now });
    await queueWebhookEvent(database.db, event("command.failed", "mac-a"), { now });
    await queueWebhookEvent(database.db, event("machine.enrolled", "mac-b"), { now });
    await queueWebhookEvent(database.db, event("machine.enrolled", "mac-a"), { now });
    receiver.script = [500];
    const dispatcher = new WebhookDispatcher(database.db, { retryBaseMs: 5_000, onError: noErrors });
    const start = Date.now();
    // mac-a's first event fails; mac-b's goes out; mac-a's later events wait.
    await dispatcher.tick(new Date(start + 1_000));
    const first = receiver.events().map((body) => `${body.machine?.hostname} ${body.event}`);
    expect(first.sort()).toEqual(["mac-a machine.critical", "mac-b machine.enrolled"]);
    await dispatcher.tick(new Date(start + 2_000));
    expect(receiver.received).toHaveLength(2);
    for (let second = 10; second < 20; second++) await dispatcher.tick(new Date(start + second * 1_000));
    const macA = receiver.received.filter((request) => request.answered === 200).map((request) => JSON.parse(request.body)).filter((body) => body.machine.hostname === "mac-a");
    expect(macA.map((body) => body.event)).toEqual(["machine.critical", "command.failed", "machine.enrolled"]);
    const log = await createCaller(fixture.admin).webhooks.deliveries({ webhookId: webhook.id });
    expect(log.every((delivery) => delivery.status === "delivered")).toBe(true);
  });

  it("lets two dispatchers share the outbox without sending any delivery twice", async () => {
    await addWebhook(["machine.enrolled"]);
    const now = new Date();
    for (let index = 0; index < 12; index++) {
      await queueWebhookEvent(database.db, { event: "machine.enrolled", orderKey: `mac-${index}`, body: { machine: { id: `mac-${index}`, hostname: `mac-${index}` } } }, { now });
    }
    const one = new WebhookDispatcher(database.db, { onError: noErrors });
    const two = new WebhookDispatcher(database.db, { onError: noErrors });
    const later = new Date(Date.now() + 1_000);
    const [fromOne, fromTwo] = await Promise.all([one.tick(later), two.tick(later)]);
    expect(fromOne + fromTwo).toBe(12);
    const hosts = receiver.events().map((body) => body.machine?.hostname);
    expect(hosts).toHaveLength(12);
    expect(new Set(hosts).size).toBe(12);
  });

  it("posts Slack-compatible text and sends a test event on request", async () => {
    const webhook = await addWebhook(["machine.enrolled"], "slack");
    await enroll("mac-slack");
    await createCaller(fixture.admin).webhooks.sendTest({ webhookId: webhook.id });
    await new WebhookDispatcher(database.db, { onError: noErrors }).tick();
    const texts = receiver.received.map((request) => JSON.parse(request.body));
    expect(texts).toContainEqual({ text: ":new: mac-slack enrolled." });
    expect(texts).toContainEqual({ text: "Cachefleet test message: this webhook works." });
    expect(receiver.received.every((request) => request.headers[webhookHeaders.signature] === undefined)).toBe(true);
  });

  it("announces a machine offline beyond the policy's threshold once per offline spell", async () => {
    await addWebhook(["machine.offline"]);
    const { machineId, agent } = await enroll("mac-offline");
    await agent.report(quietReport("mac-offline"));
    const dispatcher = new WebhookDispatcher(database.db, { onError: noErrors });
    const policy = await createCaller(fixture.admin).policy.get();
    const beyond = new Date(Date.now() + (policy.offlineAfterMinutes + 1) * 60_000);
    await dispatcher.tick(beyond);
    await dispatcher.tick(new Date(beyond.getTime() + 1_000));
    const offline = receiver.events().filter((body) => body.event === "machine.offline" && body.machine?.hostname === "mac-offline");
    expect(offline).toHaveLength(1);
    expect(await database.db.machineOfflineNotice.count({ where: { machineId } })).toBe(1);
  });

  it("shows webhooks to admins only, with the URL masked", async () => {
    await addWebhook(["machine.enrolled"]);
    const [listed] = await createCaller(fixture.admin).webhooks.list();
    expect(listed?.maskedUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…1234$/);
    expect(listed?.maskedUrl).not.toContain("credential");
    expect(JSON.stringify(listed)).not.toContain(receiver.url);
    await expect(createCaller(fixture.viewer).webhooks.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createCaller(fixture.admin).webhooks.create({ name: "bad", format: "json", url: "file:///etc/passwd", events: ["machine.enrolled"] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});
