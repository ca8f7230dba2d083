// The identity the agent reports at enrollment and with every report: the name the machine goes by
// in the fleet (CACHEFLEET_MACHINE_NAME or the OS hostname) and the OS hostname itself, which a
// name never hides; and the time zone it runs in, read from TZ and the OS's files.
import fs from "node:fs";
import os from "node:os";
import { describe, expect, it } from "vitest";
import { EnrollInput, MachineIdentity, TimeZone } from "@cachefleet/contract";
import { readAgentEnv } from "./env.js";
import { machineIdentity, machineNames, machineTimeZone, timeZoneFrom } from "./machine.js";

describe("the machine identity", () => {
  it("goes by the OS hostname and reports it once more as the OS hostname when no name is set", () => {
    const identity = machineIdentity(readAgentEnv({}).CACHEFLEET_MACHINE_NAME);
    expect(os.hostname()).not.toBe("");
    expect(identity).toMatchObject({ hostname: os.hostname(), osHostname: os.hostname(), platform: process.platform, arch: process.arch });
    expect(MachineIdentity.parse(identity)).toEqual(identity);
  });

  it("goes by CACHEFLEET_MACHINE_NAME and still reports the OS hostname when a name is set", () => {
    const identity = machineIdentity(readAgentEnv({ CACHEFLEET_MACHINE_NAME: "  dara-mbp " }).CACHEFLEET_MACHINE_NAME);
    expect(identity).toMatchObject({ hostname: "dara-mbp", osHostname: os.hostname() });
    expect(EnrollInput.parse({ secret: "s".repeat(32), machine: identity }).machine).toEqual(identity);
  });

  it.each([
    { when: "no name is set", name: undefined, osHostname: "Daras-MacBook-Pro.local", names: { hostname: "Daras-MacBook-Pro.local", osHostname: "Daras-MacBook-Pro.local" } },
    { when: "a name is set", name: "dara-mbp", osHostname: "Daras-MacBook-Pro.local", names: { hostname: "dara-mbp", osHostname: "Daras-MacBook-Pro.local" } },
    // The fleet gets a placeholder then, never passed off as the machine's real hostname.
    { when: "the OS names no host", name: undefined, osHostname: "", names: { hostname: "unknown-host" } },
    { when: "the OS names no host but a name is set", name: "ci-runner-3", osHostname: "", names: { hostname: "ci-runner-3" } },
  ])("names the machine when $when", ({ name, osHostname, names }) => {
    expect(machineNames(name, osHostname)).toEqual(names);
  });
});

describe("the machine's time zone", () => {
  const none = { tz: undefined, localtimeLink: undefined, timezoneFile: undefined };

  it.each([
    { when: "TZ names a zone", sources: { tz: "Asia/Kolkata", localtimeLink: "/usr/share/zoneinfo/Europe/Paris", timezoneFile: "Europe/Paris\n" }, zone: "Asia/Kolkata" },
    { when: "TZ names a zone after a colon, as POSIX permits", sources: { ...none, tz: ":US/Pacific" }, zone: "US/Pacific" },
    { when: "TZ is a path into a zoneinfo folder", sources: { ...none, tz: ":/usr/share/zoneinfo/America/Argentina/Buenos_Aires" }, zone: "America/Argentina/Buenos_Aires" },
    { when: "TZ is UTC", sources: { ...none, tz: "UTC", localtimeLink: "/usr/share/zoneinfo/Europe/Paris" }, zone: "UTC" },
    { when: "/etc/localtime links into macOS's zoneinfo", sources: { ...none, localtimeLink: "/var/db/timezone/zoneinfo/Europe/Paris" }, zone: "Europe/Paris" },
    { when: "/etc/localtime links into Debian's zoneinfo", sources: { ...none, localtimeLink: "/usr/share/zoneinfo/Etc/UTC", timezoneFile: "Asia/Tokyo\n" }, zone: "Etc/UTC" },
    { when: "/etc/localtime links relatively", sources: { ...none, localtimeLink: "../usr/share/zoneinfo/Asia/Kolkata" }, zone: "Asia/Kolkata" },
    { when: "/etc/localtime links into zoneinfo's posix copy", sources: { ...none, localtimeLink: "/usr/share/zoneinfo/posix/Europe/Paris" }, zone: "Europe/Paris" },
    { when: "/etc/localtime links into a versioned macOS zoneinfo", sources: { ...none, localtimeLink: "/var/db/timezone/tz/2025b.1.0/zoneinfo/America/New_York" }, zone: "America/New_York" },
    { when: "only /etc/timezone names one", sources: { ...none, timezoneFile: "Europe/Paris\n" }, zone: "Europe/Paris" },
    { when: "TZ is empty", sources: { ...none, tz: "", localtimeLink: "/usr/share/zoneinfo/Europe/Paris" }, zone: "Europe/Paris" },
    { when: "TZ is a POSIX rule, not a name", sources: { ...none, tz: "EST5EDT,M3.2.0,M11.1.0", timezoneFile: "America/New_York" }, zone: "America/New_York" },
    { when: "/etc/localtime links elsewhere", sources: { ...none, localtimeLink: "/etc/alternatives/localtime", timezoneFile: "Etc/UTC\n" }, zone: "Etc/UTC" },
    { when: "/etc/localtime links to a folder whose name only ends in zoneinfo", sources: { ...none, localtimeLink: "/opt/myzoneinfo/Europe/Paris" }, zone: undefined },
    { when: "/etc/localtime links to zoneinfo itself", sources: { ...none, localtimeLink: "/usr/share/zoneinfo/" }, zone: undefined },
    { when: "/etc/timezone is not a name", sources: { ...none, timezoneFile: "Europe/Paris; reboot\n" }, zone: undefined },
    { when: "/etc/timezone is empty", sources: { ...none, timezoneFile: "" }, zone: undefined },
    { when: "nothing names one", sources: none, zone: undefined },
  ])("is $zone when $when", ({ sources, zone }) => {
    expect(timeZoneFrom(sources)).toBe(zone);
  });

  it("takes the agent's TZ first, then reads the OS's files, without asking Intl", () => {
    expect(machineTimeZone(":Asia/Kolkata")).toBe("Asia/Kolkata");
    let link: string | undefined;
    try {
      link = fs.readlinkSync("/etc/localtime");
    } catch {
      link = undefined;
    }
    const fromFiles = machineTimeZone(undefined);
    if (link?.includes("/zoneinfo/")) expect(link.endsWith(`/${fromFiles ?? "(none)"}`)).toBe(true);
    expect(fromFiles === undefined || TimeZone.safeParse(fromFiles).success).toBe(true);
  });

  it("takes TZ from the agent's environment as it is, whatever it holds", () => {
    expect(readAgentEnv({ TZ: ":Europe/Paris" }).TZ).toBe(":Europe/Paris");
    expect(readAgentEnv({ TZ: "EST5EDT,M3.2.0,M11.1.0" }).TZ).toBe("EST5EDT,M3.2.0,M11.1.0");
  });
});
