// `cachefleet-agent enroll`: trades an enrollment secret for this agent's token and keeps it in
// the 0600 config file.
import os from "node:os";
import { configPath, saveConfig } from "../../config.js";
import { agentHome } from "../../env.js";
import { machineIdentity } from "../../machine.js";
import { createServerClient } from "../../server.js";
import { UsageError } from "../errors.js";
import { text } from "../context.js";
import type { CommandHandler } from "../table.js";

export const enroll: CommandHandler = async ({ name, values, env }) => {
  const given = text(values, "server");
  const secret = text(values, "secret") ?? env.CACHEFLEET_ENROLL_SECRET;
  if (!given || !secret) throw new UsageError("enroll needs --server URL and --secret S (or CACHEFLEET_ENROLL_SECRET).", name);
  let server: string;
  try {
    server = new URL(given).origin;
  } catch {
    throw new UsageError(`--server must be a URL such as http://dashboard.example:3000 (got "${given}").`, name);
  }
  const home = agentHome(env);
  const machine = machineIdentity(env.CACHEFLEET_MACHINE_NAME);
  const enrolled = await createServerClient(server, null).agent.enroll.mutate({ secret, machine });
  saveConfig(home, { server, machineId: enrolled.machineId, token: enrolled.token, enrolledAt: new Date().toISOString() });
  console.log(`Enrolled ${machine.hostname} with ${server} as machine ${enrolled.machineId}.`);
  console.log(`The token is kept in ${configPath(home)} (readable only by ${os.userInfo().username}).`);
  return 0;
};
