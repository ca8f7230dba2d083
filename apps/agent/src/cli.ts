// cachefleet-agent's command line: argv → a command from the table (cli/table.ts), its help, or a
// usage error; the command's handler loaded and run; each error class mapped to its exit code
// (cli/errors.ts). Importing this module does nothing: bin.ts calls runCli.
import { errorMessage } from "./probes/answer.js";
import { readAgentEnv } from "./env.js";
import { exitCodeFor, exitCodes, UsageError } from "./cli/errors.js";
import { commandHelp, overallUsage } from "./cli/help.js";
import { parseCommandLine } from "./cli/parse.js";
import { commands, findCommand } from "./cli/table.js";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** The agent's own entry file (dist/cli.js). */
  entryFile: string;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const invocation = parseCommandLine(argv, commands);
    if (invocation.kind === "help") {
      io.stdout(invocation.command ? commandHelp(invocation.command) : overallUsage(commands));
      return exitCodes.ok;
    }
    const { command, values } = invocation;
    const handler = await command.load();
    return await handler({ name: command.name, values, env: readAgentEnv(io.env), readOnly: command.readOnly, entryFile: io.entryFile });
  } catch (error) {
    if (error instanceof UsageError) {
      const command = error.command ? findCommand(error.command) : undefined;
      io.stderr(`${error.message}\n\n${command ? commandHelp(command) : overallUsage(commands)}`);
    } else io.stderr(`cachefleet-agent: ${errorMessage(error)}\n`);
    return exitCodeFor(error);
  }
}
