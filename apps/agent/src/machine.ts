// Who this machine is, as reported at enrollment and with every report, and the time zone it
// runs in (remediation windows are in each machine's local time).
import os from "node:os";
import { TimeZone, type MachineIdentity } from "@cachefleet/contract";

/**
 * The names a machine reports: `hostname`, the one it goes by in the fleet (the developer's
 * CACHEFLEET_MACHINE_NAME, else the OS hostname), and `osHostname`, the OS's own, whatever the
 * fleet calls the machine. An OS that names no host leaves `osHostname` out rather than passing
 * off the fleet's placeholder as the machine's real hostname.
 */
export function machineNames(name: string | undefined, osHostname: string): Pick<MachineIdentity, "hostname" | "osHostname"> {
  return { hostname: name ?? (osHostname || "unknown-host"), ...(osHostname ? { osHostname } : {}) };
}

/** This machine's identity; `name` is CACHEFLEET_MACHINE_NAME when set. */
export function machineIdentity(name?: string): MachineIdentity {
  let username = "";
  try {
    username = os.userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): report the machine without a user name.
  }
  return {
    ...machineNames(name, os.hostname()),
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
