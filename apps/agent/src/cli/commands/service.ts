// `cachefleet-agent install` and `uninstall`: the login service (service.ts) that runs this bundle.
import { loadConfig } from "../../config.js";
import { installService, uninstallService } from "../../service.js";
import { probeContext, serviceContext } from "../context.js";
import type { CommandHandler } from "../table.js";

export const service: CommandHandler = async ({ name, env, readOnly, entryFile }) => {
  const context = serviceContext(env, probeContext(env, readOnly), entryFile);
  if (name === "install" && !loadConfig(context.agentHome)) {
    console.log("Note: this agent is not enrolled yet; the service starts reporting once you run `cachefleet-agent enroll`.");
  }
  const outcome = name === "install" ? await installService(context) : await uninstallService(context);
  for (const line of outcome.lines) console.log(line);
  return outcome.ok ? 0 : 1;
};
