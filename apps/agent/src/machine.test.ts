// The identity the agent reports at enrollment and with every report: the name the machine goes by
// in the fleet (CACHEFLEET_MACHINE_NAME or the OS hostname) and the OS hostname itself, which a
// name never hides.
import os from "node:os";
import { describe, expect, it } from "vitest";
import { EnrollInput, MachineIdentity } from "@cachefleet/contract";
import { readAgentEnv } from "./env.js";
import { machineIdentity, machineNames } from "./machine.js";

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
