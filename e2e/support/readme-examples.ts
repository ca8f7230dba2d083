// The README's shell examples, run as written: the specs take them from the README itself, so a
// line a reader copies is the line the tests ran.
import fs from "node:fs";
import path from "node:path";
import { repositoryRoot } from "@cachefleet/db/layout";

/**
 * The README's first `sh` block that calls `procedure` (e.g. "fleet.list"), aimed at
 * `dashboardUrl` instead of http://localhost:3000, with each placeholder (e.g. "<machine id>")
 * replaced by its value.
 */
export function readmeCurl(procedure: string, dashboardUrl: string, placeholders: Record<string, string> = {}): string {
  const readme = fs.readFileSync(path.join(repositoryRoot, "README.md"), "utf8");
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? "").find((text) => text.includes(`/api/trpc/${procedure}`));
  if (!block) throw new Error(`The README has no curl example for ${procedure}.`);
  let command = block.replaceAll("http://localhost:3000", dashboardUrl);
  for (const [placeholder, value] of Object.entries(placeholders)) {
    if (!command.includes(placeholder)) throw new Error(`The README's ${procedure} example has no ${placeholder}.`);
    command = command.replaceAll(placeholder, value);
  }
  return command;
}
