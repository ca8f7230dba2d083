// The errors a command may end with, and the exit code each one means. Every other error is a
// failure (exit 1) printed as one line, without a stack: the person reading it is a developer at
// a terminal, not the agent's author.

/** The command line itself is wrong: exit 2, with the command's usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to print; null for the overall usage. */
    readonly command: string | null = null,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

export function exitCodeFor(error: unknown): number {
  return error instanceof UsageError ? exitCodes.usage : exitCodes.failed;
}
