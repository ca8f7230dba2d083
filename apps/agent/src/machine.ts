// Who this machine is, as reported at enrollment and with every report.
import os from "node:os";
import type { MachineIdentity } from "@cachefleet/contract";

export function machineIdentity(name?: string): MachineIdentity {
  let username = "";
  try {
    username = os.userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): report the machine without a user name.
  }
  return {
    hostname: name ?? (os.hostname() || "unknown-host"),
    username,
    platform: process.platform,
    osRelease: os.release(),
    arch: process.arch,
  };
}
