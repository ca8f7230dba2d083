// The only place the agent runs processes. Each allowlisted kind maps to a fixed argv, run through
// execa without a shell; no string from the server ever reaches an argv.
import { execa } from "execa";
import { GoEnv } from "@cachefleet/contract";

export const goCommands = {
  env: ["env", "-json"],
  cleanCache: ["clean", "-cache"],
  listStd: ["list", "std"],
} as const satisfies Record<string, readonly string[]>;

export type GoCommandKind = keyof typeof goCommands;

export interface GoRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface GoRunner {
  run(kind: GoCommandKind, onLine?: (line: string) => void): Promise<GoRunResult>;
}

export class GoCommandError extends Error {
  constructor(
    readonly kind: GoCommandKind,
    readonly result: GoRunResult,
  ) {
    super(`go ${goCommands[kind].join(" ")} exited ${result.exitCode}: ${tail(result.stderr || result.stdout, 2000)}`);
  }
}

export function tail(text: string, maxChars: number): string {
  const trimmed = text.trimEnd();
  return trimmed.length <= maxChars ? trimmed : `…${trimmed.slice(-maxChars)}`;
}

export function createGoRunner(goBinary: string, timeoutMs = 10 * 60 * 1000): GoRunner {
  return {
    async run(kind, onLine) {
      const child = execa(goBinary, [...goCommands[kind]], {
        reject: false,
        shell: false,
        stdin: "ignore",
        timeout: timeoutMs,
        lines: false,
        maxBuffer: 64 * 1024 * 1024,
      });
      if (onLine) {
        for (const stream of [child.stdout, child.stderr]) {
          let pending = "";
          stream?.on("data", (chunk: Buffer) => {
            pending += chunk.toString();
            const lines = pending.split("\n");
            pending = lines.pop() ?? "";
            for (const line of lines) onLine(line);
          });
          stream?.on("end", () => {
            if (pending) onLine(pending);
          });
        }
      }
      const result = await child;
      if (result.failed && result.exitCode === undefined) {
        // The binary could not be started (not found, not executable) or was killed.
        throw new Error(result.shortMessage);
      }
      return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
    },
  };
}

/** `go env -json`, validated. */
export async function readGoEnv(runner: GoRunner): Promise<GoEnv> {
  const result = await runner.run("env");
  if (result.exitCode !== 0) throw new GoCommandError("env", result);
  return GoEnv.parse(JSON.parse(result.stdout));
}
