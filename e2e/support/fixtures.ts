// The end-to-end specs' one stack fixture: `test` and `expect` for every spec that runs the
// dashboard. `stack` is the built dashboard on a fresh SQLite database in its own work folder, with
// the agents a test starts through it, all stopped and removed in one place.
//
// Why a registry keyed by file: specs count what they see (the fleet spec expects exactly its five
// machines), so every spec file needs a stack of its own, shared by its tests in order as a
// beforeAll used to share it. Playwright has test and worker scopes only, and one worker runs file
// after file, so a worker-scoped stack would carry one file's machines into the next; keying a
// worker fixture by an option value would hang each file's isolation on a name nobody may reuse.
// So the worker holds at most one stack, under the key of the spec file that started it (or of the
// test, for specs whose tests each need a fresh one: `test.use({ stackOptions: { per: "test" } })`).
// Each test first stops a stack that is not its own — an automatic fixture, so even a spec that
// never asks for a stack does not run beside the previous file's dashboard — and the worker's end
// stops the last one. A worker restarted after a failure starts with none: the file's remaining
// tests get a fresh stack, as they got a fresh beforeAll before.
import fs from "node:fs";
import path from "node:path";
import { test as base, expect, type TestInfo } from "@playwright/test";
import { createDatabase, databaseTarget, type Database } from "@cachefleet/db";
import { checkoutLocations } from "@cachefleet/db/layout";
import { AgentProcess, type AgentOptions } from "./agent-process.js";
import { SignInPage } from "./pages/sign-in-page.js";
import { makeWorkDir, startAgent, startDashboard, type Agent, type Dashboard } from "./stack.js";

export { expect };

export interface StackOptions {
  /** "file" (the default): a spec file's tests share one stack, in order; "test": each test gets a fresh one. */
  per: "file" | "test";
  /** The dashboard's CACHEFLEET_REMEDIATION_INTERVAL_MS; unset keeps its default. */
  remediationIntervalMs?: number;
}

/** An agent process the stack stops when the test that started it ends. */
interface RunningAgent {
  output(): string;
  stop(): Promise<void>;
}

export class Stack {
  #database: Database | undefined;
  #agents: { name: string; agent: RunningAgent }[] = [];

  constructor(
    /** The stack's temp folder: the dashboard's data, and whatever the spec puts there (Go caches, agents' homes). */
    readonly workDir: string,
    readonly dashboard: Dashboard,
  ) {}

  get url(): string {
    return this.dashboard.url;
  }

  get enrollmentSecret(): string {
    return this.dashboard.enrollmentSecret;
  }

  /** The dashboard's own database, opened on first use, for what a spec checks or arranges behind the UI. */
  database(): Database {
    this.#database ??= createDatabase(databaseTarget(`file:${path.join(this.workDir, "data", "cachefleet.db")}`, checkoutLocations()));
    return this.#database;
  }

  /** A real agent on the work folder's GOCACHE, enrolled and running. */
  async startAgent(goBinary?: string): Promise<Agent> {
    const agent = await startAgent(this.workDir, this.dashboard, goBinary);
    this.#agents.push({ name: "agent", agent });
    return agent;
  }

  /** A real agent enrolled as `options.name` (not yet running: call `start()`), which a test can kill and restart. */
  async enrollAgent(options: AgentOptions & { server?: string; secret?: string }): Promise<AgentProcess> {
    const agent = await AgentProcess.enroll(options.server ?? this.url, options.secret ?? this.enrollmentSecret, options);
    this.#agents.push({ name: options.name, agent });
    return agent;
  }

  /** Stops the agents of the test that ended; when it failed, prints what they said. */
  async stopAgents(testInfo: TestInfo): Promise<void> {
    for (const { name, agent } of this.#agents.splice(0)) {
      if (testInfo.status !== testInfo.expectedStatus) console.log(`${name} output:\n${agent.output()}`);
      await agent.stop();
    }
  }

  async stop(): Promise<void> {
    for (const { agent } of this.#agents.splice(0)) await agent.stop();
    await this.#database?.close();
    await this.dashboard.stop();
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}

/** The worker's one stack, under the key of the file (or test) it belongs to. */
class StackRegistry {
  #current: { key: string; stack: Stack } | undefined;

  async stackFor(key: string, name: string, options: StackOptions): Promise<Stack> {
    if (this.#current?.key === key) return this.#current.stack;
    await this.stopUnless(key);
    const workDir = makeWorkDir(name);
    let dashboard: Dashboard;
    try {
      dashboard = await startDashboard(workDir, { remediationIntervalMs: options.remediationIntervalMs });
    } catch (error) {
      fs.rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
    const stack = new Stack(workDir, dashboard);
    this.#current = { key, stack };
    return stack;
  }

  /** Stops the stack unless it belongs to `key`. */
  async stopUnless(key: string | undefined): Promise<void> {
    const current = this.#current;
    if (!current || current.key === key) return;
    this.#current = undefined;
    await current.stack.stop();
  }
}

function stackKey(testInfo: TestInfo, options: StackOptions): string {
  return options.per === "test" ? `${testInfo.file}#${testInfo.testId}` : testInfo.file;
}

/** Runs `seed` once per stack (so once per spec file, and again after a worker restart) and shares what it resolves to. */
export function oncePerStack<T>(seed: (stack: Stack) => Promise<T>): (stack: Stack) => Promise<T> {
  const seeded = new WeakMap<Stack, Promise<T>>();
  return (stack) => {
    const existing = seeded.get(stack);
    if (existing) return existing;
    const started = seed(stack);
    seeded.set(stack, started);
    return started;
  };
}

export const test = base.extend<
  { stackOptions: StackOptions; stack: Stack; signInPage: SignInPage; stopOtherStacks: void },
  { stackRegistry: StackRegistry }
>({
  stackOptions: [{ per: "file" }, { option: true }],
  stackRegistry: [
    // Playwright reads the fixtures a fixture needs from this pattern; `{}` asks for none.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const registry = new StackRegistry();
      await use(registry);
      await registry.stopUnless(undefined);
    },
    { scope: "worker" },
  ],
  stopOtherStacks: [
    async ({ stackRegistry, stackOptions }, use, testInfo) => {
      await stackRegistry.stopUnless(stackKey(testInfo, stackOptions));
      await use();
    },
    { auto: true },
  ],
  stack: async ({ stackRegistry, stackOptions }, use, testInfo) => {
    const name = path.basename(testInfo.file).replace(/\.spec\.ts$/, "");
    const stack = await stackRegistry.stackFor(stackKey(testInfo, stackOptions), name, stackOptions);
    await use(stack);
    await stack.stopAgents(testInfo);
    if (stackOptions.per === "test") await stackRegistry.stopUnless(undefined);
  },
  signInPage: async ({ page, stack }, use) => {
    await use(new SignInPage(page, stack.url));
  },
});
