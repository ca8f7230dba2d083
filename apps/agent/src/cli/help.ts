// The words `cachefleet-agent` prints about itself: the overall usage and each command's help,
// both made from the command table, so a new option is documented where it is declared.
import { agentVersion } from "../version.js";
import type { CommandSpec } from "./table.js";

const environment = `Environment:
  CACHEFLEET_AGENT_HOME    where the agent keeps its config (default: the platform's config folder)
  CACHEFLEET_MACHINE_NAME  the name the dashboard shows (default: the hostname)
  CACHEFLEET_GO            the go binary to run (default: go on PATH, then standard install folders)
  CACHEFLEET_ENROLL_SECRET the enrollment secret, instead of enroll --secret
  NO_COLOR                 set to anything to print status without colors`;

function usageLine(command: CommandSpec): string {
  return `cachefleet-agent ${command.name}${command.usage ? ` ${command.usage}` : ""}`;
}

export function overallUsage(table: readonly CommandSpec[]): string {
  const width = Math.max(...table.map((command) => command.name.length));
  const lines = table.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `cachefleet-agent ${agentVersion}: keeps this machine's Go build cache healthy

Usage: cachefleet-agent <command> [options]

Commands:
${lines.join("\n")}

Run \`cachefleet-agent help <command>\` (or \`<command> --help\`) for a command's options.

${environment}
`;
}

export function commandHelp(command: CommandSpec): string {
  const options = Object.entries(command.options).map(([name, option]) => [`--${name}${option.placeholder ? ` ${option.placeholder}` : ""}`, option.description] as const);
  options.push(["--help", "print this help"]);
  const width = Math.max(...options.map(([flag]) => flag.length));
  const sections = [`Usage: ${usageLine(command)}`, `${command.summary[0]?.toUpperCase() ?? ""}${command.summary.slice(1)}.`];
  if (command.details) sections.push(command.details);
  sections.push(`Options:\n${options.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`).join("\n")}`);
  if (command.readOnly) sections.push("Read-only: changes nothing on this machine.");
  return `${sections.join("\n\n")}\n`;
}
