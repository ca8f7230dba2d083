// argv → what to do: a command with its options, or help. Pure: no environment, no files, so a
// wrong command line is answered before anything else is loaded.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.js";
import type { CommandSpec, OptionValues } from "./table.js";

export type Invocation = { kind: "help"; command: CommandSpec | null } | { kind: "command"; command: CommandSpec; values: OptionValues };

const helpWords = new Set(["help", "--help", "-h"]);

export function parseCommandLine(argv: readonly string[], table: readonly CommandSpec[]): Invocation {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError("No command given.");
  const find = (wanted: string) => {
    const command = table.find((candidate) => candidate.name === wanted);
    if (!command) throw new UsageError(`Unknown command "${wanted}".`);
    return command;
  };
  if (helpWords.has(name)) {
    if (rest.length === 0) return { kind: "help", command: null };
    const [topic, ...extra] = rest;
    if (topic === undefined || extra.length > 0) throw new UsageError("help takes at most one command name.");
    return { kind: "help", command: find(topic) };
  }
  const command = find(name);
  const values = parseOptions(command, rest);
  if (values.help === true) return { kind: "help", command };
  delete values.help;
  return { kind: "command", command, values };
}

/** Node's parseArgs error codes, each said in the agent's words. */
function describeParseError(command: CommandSpec, code: string, message: string): string {
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `Unknown option ${option ? `"${option}"` : ""} for ${command.name}.`.replace("  ", " ");
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return option && command.options[option.replace(/^-+/, "")]?.type === "string" ? `${option} needs a value.` : `${option ?? "An option"} takes no value.`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `${command.name} takes no arguments besides its options (got "${/'([^']*)'/.exec(message)?.[1] ?? "?"}").`;
    default:
      return message;
  }
}

function parseOptions(command: CommandSpec, args: string[]): OptionValues {
  const options: NonNullable<ParseArgsConfig["options"]> = { help: { type: "boolean", short: "h" } };
  for (const [name, option] of Object.entries(command.options)) options[name] = { type: option.type };
  try {
    const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
    const parsed: OptionValues = {};
    for (const [key, value] of Object.entries(values)) if (typeof value === "string" || typeof value === "boolean") parsed[key] = value;
    return parsed;
  } catch (error) {
    const code = parseArgsErrorCode(error);
    if (code && error instanceof Error) throw new UsageError(describeParseError(command, code, error.message), command.name);
    throw error;
  }
}

/** The ERR_PARSE_ARGS_* code of a parseArgs error; null for any other error. */
function parseArgsErrorCode(error: unknown): string | null {
  if (!(error instanceof Error) || !("code" in error) || typeof error.code !== "string") return null;
  return error.code.startsWith("ERR_PARSE_ARGS_") ? error.code : null;
}
