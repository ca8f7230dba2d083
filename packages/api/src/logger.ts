// The dashboard's logs: one JSON object per line (pino), at the level an operator sets, readable
// lines instead when a person watches a terminal. Nothing secret may reach a line: known secret
// fields are redacted wherever they sit in a logged object, and every message and error text is
// scrubbed of bearer tokens, cookies, enrollment secrets and passwords in URLs, because a library's
// error can quote what it was given.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { pino, stdSerializers, type DestinationStream, type Logger } from "pino";
import { z } from "zod";

export type { Logger };

export const LogLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);
export type LogLevel = z.infer<typeof LogLevel>;

/** Field names whose values are secret, at the top level and one or two levels down. */
const secretFields = [
  "password",
  "adminPassword",
  "newPassword",
  "currentPassword",
  "secret",
  "enrollmentSecret",
  "token",
  "agentToken",
  "sessionToken",
  "authorization",
  "cookie",
  "set-cookie",
  "BETTER_AUTH_SECRET",
  "CACHEFLEET_METRICS_TOKEN",
];
const redactPaths = secretFields.flatMap((field) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
  const dotted = key.startsWith("[") ? key : `.${key}`;
  return [key, `*${dotted}`, `*.*${dotted}`];
});

/** Text patterns of secrets, each replaced by its label and a redaction mark. */
const secretPatterns: [RegExp, string][] = [
  [/(bearer\s+)[^\s"',;]+/gi, "$1[Redacted]"],
  [/\bcfe_[A-Za-z0-9_-]+/g, "cfe_[Redacted]"],
  [/((?:session_token|session_data|dont_remember)=)[^\s;"',]+/gi, "$1[Redacted]"],
  [/(\b(?:cookie|authorization|password|secret|token)\b["']?\s*[:=]\s*["']?)[^\s"',;}]+/gi, "$1[Redacted]"],
  // user:password@ in a connection URL
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, "$1[Redacted]@"],
];

export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const [pattern, replacement] of secretPatterns) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}

/** An error as pino's serializer shows it, with its message and stack scrubbed (causes included). */
function scrubbedError(error: unknown): unknown {
  if (!(error instanceof Error)) return typeof error === "string" ? scrubSecrets(error) : error;
  const serialized = stdSerializers.err(error);
  return scrubSerializedError(serialized);
}

function scrubSerializedError(value: unknown): unknown {
  if (typeof value === "string") return scrubSecrets(value);
  if (Array.isArray(value)) return value.map(scrubSerializedError);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, scrubSerializedError(inner)]));
  }
  return value;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go; default stdout, formatted for people when stdout is a terminal. */
  destination?: DestinationStream;
}

/**
 * The request being served, for every line logged while serving it (whichever logger writes it).
 * An async scope rather than a child logger per request: a pino child with these redactions and
 * serializers costs ≈40 µs to make, on the path every agent heartbeat takes.
 */
const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `serve` so that every line logged until it settles carries `requestId`. */
export function withRequestId<T>(requestId: string, serve: () => T): T {
  return requestScope.run({ requestId }, serve);
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? (process.stdout.isTTY ? new ReadableLines(process.stdout) : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths, censor: "[Redacted]" },
      serializers: { err: scrubbedError, error: scrubbedError },
      mixin: () => {
        const scope = requestScope.getStore();
        return scope ? { requestId: scope.requestId } : {};
      },
      hooks: {
        logMethod(args, method) {
          // Scrub the message (and printf-style arguments); objects go through redact and the
          // error serializer.
          const scrubbed = args.map((arg) => (typeof arg === "string" ? scrubSecrets(arg) : arg));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** The request id of an incoming request: the caller's X-Request-Id when it is sane, else a new one. */
export function requestIdFrom(headers: Headers): string {
  const given = headers.get("x-request-id");
  return given && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
}

const levelNames: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };

/**
 * One readable line per log line for a terminal: time, level, message, then the other fields as
 * key=value (an error's stack below it). A small formatter rather than pino-pretty, whose
 * transport runs in a worker thread the dashboard's bundler would have to know about.
 */
class ReadableLines implements DestinationStream {
  constructor(private readonly out: NodeJS.WritableStream) {}

  write(line: string): void {
    let entry: Record<string, unknown>;
    try {
      entry = z.record(z.string(), z.unknown()).parse(JSON.parse(line));
    } catch {
      this.out.write(line);
      return;
    }
    const { time, level, msg, pid: _pid, err, ...rest } = entry;
    const clock = typeof time === "string" ? time.slice(11, 23) : "";
    const fields = Object.entries(rest)
      .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
      .join(" ");
    const stack = err && typeof err === "object" && "stack" in err && typeof err.stack === "string" ? `\n    ${err.stack.replace(/\n/g, "\n    ")}` : "";
    this.out.write(`${clock} ${(levelNames[Number(level)] ?? String(level)).padEnd(5)} ${String(msg ?? "")}${fields ? ` ${fields}` : ""}${stack}\n`);
  }
}
