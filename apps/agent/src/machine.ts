// Who this machine is, as reported at enrollment and with every report, and the time zone it
// runs in (remediation windows are in each machine's local time).
import os from "node:os";
import { TimeZone, type MachineIdentity } from "@cachefleet/contract";

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

/**
 * The IANA time zone this machine runs in; undefined when the runtime names none the contract
 * accepts (e.g. "Etc/Unknown"), so one odd setting never makes every report invalid.
 */
export function machineTimeZone(): string | undefined {
  const named = TimeZone.safeParse(Intl.DateTimeFormat().resolvedOptions().timeZone);
  return named.success ? named.data : undefined;
}
