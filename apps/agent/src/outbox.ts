// The agent's durable outbox: every claim, step progress, command result and the latest report goes
// into a file in the agent's home (rewritten atomically, fsynced) before it is sent, and leaves the
// file only once the dashboard has answered it. So an unreachable dashboard or a restarted agent
// loses nothing: delivery resumes in order, retried with exponential backoff and jitter. Each
// claim, progress and result message gets its id once, when it enters the file, and is resent with
// it: the dashboard applies a message once and answers a resend with the original answer, so
// delivery is exactly once even when an answer is lost. Progress is also numbered per command, so
// the dashboard never appends older log lines after newer ones. Nothing here ever throws at its
// caller for a network failure.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { TRPCClientError } from "@trpc/client";
import { z } from "zod";
import {
  AgentReport,
  ClaimMessage,
  CommandResult,
  maxLogChunk,
  ProgressMessage,
  ResultMessage,
  StepProgress,
  type ProgressAck,
  type ResultAck,
} from "@cachefleet/contract";
import { errorMessage } from "./report.js";

/** The calls the outbox makes; each rejects on a network failure or a refusal. */
export interface OutboxTransport {
  /** The claimed command comes back unchecked: the daemon checks it before it acts on it. */
  claim(claim: ClaimMessage, signal: AbortSignal): Promise<ClaimOutcome>;
  progress(progress: ProgressMessage, signal: AbortSignal): Promise<ProgressAck>;
  result(result: ResultMessage, signal: AbortSignal): Promise<ResultAck>;
  report(report: AgentReport, signal: AbortSignal): Promise<{ health: string; digest: string }>;
}

export interface ClaimOutcome {
  claimed: boolean;
  command: unknown;
}

/** A new message's id: unique, never reused, so the dashboard can tell a resend from a new message. */
function newMessageId(): string {
  return randomUUID();
}

const Message = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("progress"), progress: ProgressMessage }),
  z.object({ kind: z.literal("result"), result: ResultMessage }),
]);
type Message = z.infer<typeof Message>;

/** A file written by the previous version, whose messages had no ids yet: they get them on reading. */
const LegacyMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("progress"), progress: StepProgress }),
  z.object({ kind: z.literal("result"), result: CommandResult }),
]);

const OutboxFile = z.object({
  version: z.literal(2),
  messages: z.array(Message),
  /**
   * Claims sent, or about to be, whose command has not started yet: a claim whose answer was lost
   * is resent with its id after a restart, and the answer says what the agent had claimed.
   */
  claims: z.array(ClaimMessage),
  /** The last progress sequence number given, per command still running. */
  sequences: z.record(z.string(), z.number().int().nonnegative()),
  /** The newest report not yet delivered; a newer one replaces it. */
  report: AgentReport.nullable(),
});
type OutboxFile = z.infer<typeof OutboxFile>;

const LegacyOutboxFile = z.object({ version: z.literal(1), messages: z.array(LegacyMessage), report: AgentReport.nullable() });

function emptyOutbox(): OutboxFile {
  return { version: 2, messages: [], claims: [], sequences: {}, report: null };
}

/** What the previous version wrote, with ids and per-command sequence numbers given in file order. */
function upgraded(legacy: z.infer<typeof LegacyOutboxFile>): OutboxFile {
  const state = { ...emptyOutbox(), report: legacy.report };
  for (const message of legacy.messages) {
    if (message.kind === "progress") {
      const sequence = (state.sequences[message.progress.commandId] ?? 0) + 1;
      state.sequences[message.progress.commandId] = sequence;
      state.messages.push({ kind: "progress", progress: { ...message.progress, messageId: newMessageId(), sequence } });
    } else {
      state.messages.push({ kind: "result", result: { ...message.result, messageId: newMessageId() } });
    }
  }
  return state;
}

export function outboxPath(agentHome: string): string {
  return path.join(agentHome, "outbox.json");
}

export interface OutboxOptions {
  log: (message: string) => void;
  /** First retry delay; it doubles per failure up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long one call may take before it counts as failed (a dashboard that accepts and hangs). */
  callTimeoutMs?: number;
  /** For jitter; replaceable in tests. */
  random?: () => number;
}

/**
 * Whether a failed call is worth sending again: a network failure, a timeout, a 5xx, 408 or 429
 * are; any other answer from the dashboard (a 4xx refusal, an answer outside the contract) is not,
 * since the same message would be refused forever and hold up everything behind it.
 */
export function isRetriable(error: unknown): boolean {
  if (error instanceof z.ZodError) return false;
  if (!(error instanceof TRPCClientError)) return true;
  const data: unknown = error.data;
  const status = typeof data === "object" && data !== null && "httpStatus" in data && typeof data.httpStatus === "number" ? data.httpStatus : null;
  if (status === null) return true;
  return status >= 500 || status === 408 || status === 429;
}

/** The wait before retry number `attempt` (0-based): exponential, capped, with "equal jitter". */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export type ReportOutcome = { status: "delivered"; health: string; digest: string } | { status: "kept" | "refused"; error: string };

export class Outbox {
  readonly #file: string;
  readonly #transport: OutboxTransport;
  readonly #log: (message: string) => void;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #callTimeoutMs: number;
  readonly #random: () => number;
  #state: OutboxFile;
  /**
   * Messages that may have reached the dashboard (sent at least once, or read from the file after
   * a restart): they are resent as they are, never merged into, since the dashboard answers a
   * resend with the answer to the first copy.
   */
  readonly #mayHaveArrived = new Set<string>();
  #failures = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #wanted = false;
  #closed = false;
  #lastError = "";
  #reportOutcome: { id: string; outcome: ReportOutcome } | null = null;
  readonly #cancelRequested = new Set<string>();

  constructor(file: string, transport: OutboxTransport, options: OutboxOptions) {
    this.#file = file;
    this.#transport = transport;
    this.#log = options.log;
    this.#baseDelayMs = options.baseDelayMs ?? 1000;
    this.#maxDelayMs = options.maxDelayMs ?? 60_000;
    this.#callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.#random = options.random ?? Math.random;
    this.#state = this.#load();
    for (const message of this.#state.messages) this.#mayHaveArrived.add(messageIdOf(message));
  }

  #load(): OutboxFile {
    let text: string;
    try {
      text = fs.readFileSync(this.#file, "utf8");
    } catch {
      return emptyOutbox();
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    const parsed = OutboxFile.safeParse(json);
    if (parsed.success) return parsed.data;
    const legacy = LegacyOutboxFile.safeParse(json);
    if (legacy.success) return upgraded(legacy.data);
    // Kept aside, not deleted: it may hold a result someone wants to read.
    const aside = `${this.#file}.unreadable-${Date.now()}`;
    fs.renameSync(this.#file, aside);
    this.#log(`the outbox ${this.#file} could not be read; it was moved to ${aside} and a new one started`);
    return emptyOutbox();
  }

  #save(): void {
    fs.mkdirSync(path.dirname(this.#file), { recursive: true, mode: 0o700 });
    const temporary = `${this.#file}.${process.pid}.tmp`;
    const fd = fs.openSync(temporary, "w", 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(this.#state));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, this.#file);
  }

  /** Messages waiting, and whether a report waits. */
  get pending(): { messages: number; report: boolean } {
    return { messages: this.#state.messages.length, report: this.#state.report !== null };
  }

  /** Whether the outbox holds this command's result, not yet delivered. */
  holdsResultOf(commandId: string): boolean {
    return this.#state.messages.some((message) => message.kind === "result" && message.result.commandId === commandId);
  }

  /** Whether the dashboard has said an admin asked this command to stop. */
  cancelRequested(commandId: string): boolean {
    return this.#cancelRequested.has(commandId);
  }

  /** True while deliveries fail and the next attempt waits for its retry time. */
  get backingOff(): boolean {
    return this.#retryTimer !== null;
  }

  /**
   * Queues a step's progress. Consecutive updates of the same step merge while their log fits in
   * one message and that message has not been sent yet, so an agent cut off for hours queues its
   * log, not thousands of heartbeats.
   */
  addProgress(progress: StepProgress): void {
    const last = this.#state.messages.at(-1);
    if (
      last?.kind === "progress" &&
      !this.#mayHaveArrived.has(last.progress.messageId) &&
      last.progress.commandId === progress.commandId &&
      last.progress.step === progress.step &&
      last.progress.status === progress.status &&
      last.progress.log.length + progress.log.length <= maxLogChunk
    ) {
      last.progress = { ...last.progress, log: last.progress.log + progress.log };
    } else {
      const sequence = (this.#state.sequences[progress.commandId] ?? 0) + 1;
      this.#state.sequences[progress.commandId] = sequence;
      this.#state.messages.push({ kind: "progress", progress: { ...progress, messageId: newMessageId(), sequence } });
    }
    this.#save();
  }

  /** Queues a command's outcome; it is the command's last message, so its progress numbering ends. */
  addResult(result: CommandResult): void {
    this.#state.messages.push({ kind: "result", result: { ...result, messageId: newMessageId() } });
    delete this.#state.sequences[result.commandId];
    this.#state.claims = this.#state.claims.filter((claim) => claim.commandId !== result.commandId);
    this.#save();
  }

  setReport(report: AgentReport): void {
    this.#state.report = report;
    this.#save();
  }

  /** Queues a report (replacing an older one not yet sent) and tries to deliver it now. */
  async sendReport(report: AgentReport): Promise<ReportOutcome> {
    this.setReport(report);
    await this.flush();
    if (this.#reportOutcome?.id === report.id) return this.#reportOutcome.outcome;
    return { status: "kept", error: this.#lastError || "the dashboard has not answered yet" };
  }

  /**
   * Delivers everything queued, in order; resolves when the queue is empty or a delivery failed
   * (a retry is then scheduled). Never rejects.
   */
  flush(): Promise<void> {
    this.#wanted = true;
    if (this.#closed) return Promise.resolve();
    this.#running ??= this.#deliver().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Stops retrying (the agent is stopping); what is queued stays in the file for the next start. */
  close(): void {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  async #deliver(): Promise<void> {
    while (this.#wanted && !this.#closed) {
      this.#wanted = false;
      if (this.#retryTimer) {
        clearTimeout(this.#retryTimer);
        this.#retryTimer = null;
      }
      for (;;) {
        const message = this.#state.messages[0];
        const report = this.#state.report;
        if (!message && !report) break;
        try {
          if (message) await this.#send(message);
          else if (report) {
            const answer = await this.#transport.report(report, AbortSignal.timeout(this.#callTimeoutMs));
            this.#reportOutcome = { id: report.id, outcome: { status: "delivered", health: answer.health, digest: answer.digest } };
          }
        } catch (error) {
          this.#lastError = errorMessage(error);
          if (isRetriable(error)) {
            this.#scheduleRetry(error);
            return;
          }
          if (message) this.#log(`the dashboard refused ${describe(message)}; it is dropped: ${errorMessage(error)}`);
          else if (report) this.#reportOutcome = { id: report.id, outcome: { status: "refused", error: errorMessage(error) } };
        }
        this.#failures = 0;
        // Removed only once answered: a crash before this line sends it again, with its id, and
        // the dashboard answers it as it did the first time without applying it again.
        if (message) this.#state.messages.shift();
        else if (this.#state.report === report) this.#state.report = null;
        this.#save();
        if (this.#closed) return;
      }
    }
  }

  async #send(message: Message): Promise<void> {
    const signal = AbortSignal.timeout(this.#callTimeoutMs);
    this.#mayHaveArrived.add(messageIdOf(message));
    if (message.kind === "progress") {
      const ack = await this.#transport.progress(message.progress, signal);
      if (ack.cancelRequested) this.#cancelRequested.add(message.progress.commandId);
    } else {
      const { recorded } = await this.#transport.result(message.result, signal);
      if (!recorded) this.#log(`the dashboard had already ended command ${message.result.commandId} otherwise (cancelled, or retried); its ${message.result.status} result is noted there as a late result`);
    }
  }

  #scheduleRetry(error: unknown): void {
    const delay = retryDelayMs(this.#failures, this.#baseDelayMs, this.#maxDelayMs, this.#random);
    this.#failures += 1;
    const { messages, report } = this.pending;
    this.#log(`dashboard unreachable (${errorMessage(error)}); ${messages} message(s)${report ? " and a report" : ""} kept, next try in ${Math.round(delay / 1000)} s`);
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.flush();
    }, delay);
    this.#retryTimer.unref();
  }

  /** Commands claimed (or being claimed) that have not started: to claim again after a restart. */
  get unsettledClaims(): string[] {
    return this.#state.claims.map((claim) => claim.commandId);
  }

  /** The command has started (its journal is written) or will not run: its claim is done with. */
  settleClaim(commandId: string): void {
    const claims = this.#state.claims.filter((claim) => claim.commandId !== commandId);
    if (claims.length === this.#state.claims.length) return;
    this.#state.claims = claims;
    this.#save();
  }

  /**
   * Claims a command, retrying through outages until the dashboard answers or `signal` stops the
   * agent. The claim is written to the file with its id before it is first sent and resent with
   * the same id, so a claim whose answer was lost (even across a restart) is answered as it was
   * the first time, with the command. A claimed command's claim stays in the file until
   * settleClaim; one refused, or not claimed, is settled here. Not claimed when the agent is
   * stopping (the claim stays for the next start).
   */
  async claim(commandId: string, signal: AbortSignal): Promise<ClaimOutcome> {
    let claim = this.#state.claims.find((stored) => stored.commandId === commandId);
    if (!claim) {
      claim = { messageId: newMessageId(), commandId };
      this.#state.claims.push(claim);
      this.#save();
    }
    for (let attempt = 0; !signal.aborted && !this.#closed; attempt += 1) {
      try {
        const outcome = await this.#transport.claim(claim, AbortSignal.any([signal, AbortSignal.timeout(this.#callTimeoutMs)]));
        if (!outcome.claimed) this.settleClaim(commandId);
        return outcome;
      } catch (error) {
        if (signal.aborted) break;
        if (!isRetriable(error)) {
          this.#log(`could not claim command ${commandId}: ${errorMessage(error)}`);
          this.settleClaim(commandId);
          return { claimed: false, command: null };
        }
        const delay = retryDelayMs(attempt, this.#baseDelayMs, this.#maxDelayMs, this.#random);
        this.#log(`claiming ${commandId} failed (${errorMessage(error)}); next try in ${Math.round(delay / 1000)} s`);
        await sleep(delay, signal);
      }
    }
    return { claimed: false, command: null };
  }
}

function messageIdOf(message: Message): string {
  return message.kind === "progress" ? message.progress.messageId : message.result.messageId;
}

function describe(message: Message): string {
  return message.kind === "progress"
    ? `progress of ${message.progress.commandId} (${message.progress.step} ${message.progress.status})`
    : `the ${message.result.status} result of ${message.result.commandId}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
