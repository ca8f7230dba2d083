// Who this machine is, as reported at enrollment and with every report, and the time zone it
// runs in (remediation windows are in each machine's local time).
import fs from "node:fs";
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

/** What the OS says about its time zone, as `machineTimeZone` reads it; each undefined when absent. */
export interface TimeZoneSources {
  /** The TZ environment variable. */
  tz: string | undefined;
  /** Where the /etc/localtime symlink points. */
  localtimeLink: string | undefined;
  /** The text of /etc/timezone (Debian and its kin). */
  timezoneFile: string | undefined;
}

function wellFormed(name: string | undefined): string | undefined {
  const parsed = TimeZone.safeParse(name);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The IANA name these sources give, TZ first as the OS applies it: TZ when it holds a
 * well-formed name (a leading ":" allowed, as POSIX permits, and a path into a zoneinfo folder
 * read as the name after it); else the zoneinfo path /etc/localtime links to (macOS
 * /var/db/timezone/zoneinfo/Europe/Paris, Debian /usr/share/zoneinfo/Europe/Paris); else the first
 * line of /etc/timezone. Undefined when none gives one, so one odd setting never makes a report
 * invalid. Only the form is checked, as the contract does: knowing the zone is the dashboard's part.
 */
export function timeZoneFrom(sources: TimeZoneSources): string | undefined {
  const tz = sources.tz?.startsWith(":") ? sources.tz.slice(1) : sources.tz;
  return (
    wellFormed(tz) ??
    zoneOfPath(tz) ??
    zoneOfPath(sources.localtimeLink) ??
    wellFormed(sources.timezoneFile?.split("\n", 1)[0]?.trim())
  );
}

/** The zone a path into a zoneinfo folder names: what follows its last "zoneinfo/". */
function zoneOfPath(filePath: string | undefined): string | undefined {
  const at = filePath?.lastIndexOf("zoneinfo/") ?? -1;
  if (filePath === undefined || at < 0 || (at > 0 && filePath[at - 1] !== "/")) return undefined;
  // "posix/" and "right/" hold the same zones again (right/ counting leap seconds).
  return wellFormed(filePath.slice(at + "zoneinfo/".length).replace(/^(?:posix|right)\//, ""));
}

function readOrUndefined<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    // Absent or unreadable: this source names no zone.
    return undefined;
  }
}

/**
 * The IANA time zone this machine runs in, from `tz` (the TZ variable the agent started with) and
 * the OS's files rather than from Intl: asking Intl loads ICU's time zone data into the daemon for
 * good (about 8 MB of its memory). The files are read on every call, so a Mac that travels
 * reports its new zone.
 */
export function machineTimeZone(tz: string | undefined): string | undefined {
  return timeZoneFrom({
    tz,
    localtimeLink: readOrUndefined(() => fs.readlinkSync("/etc/localtime")),
    timezoneFile: readOrUndefined(() => fs.readFileSync("/etc/timezone", "utf8")),
  });
}
