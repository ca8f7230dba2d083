import { describe, expect, it } from "vitest";
import { AgentReport, CommandSpec, DeliveredCommand, EnrollInput, GoEnv, MachineIdentity, StepProgress, planSteps } from "./index.js";
import { agentReport } from "./test-support/reports.js";

describe("command specs", () => {
  it("accept the allowlisted kinds with bounded options", () => {
    expect(CommandSpec.parse({ kind: "migrate", options: {} })).toEqual({ kind: "migrate", options: { backup: true } });
    expect(CommandSpec.parse({ kind: "migrate", options: { backup: false } })).toEqual({ kind: "migrate", options: { backup: false } });
    expect(CommandSpec.parse({ kind: "migrate", options: { replaceOtherCacheProg: true } })).toEqual({ kind: "migrate", options: { backup: true, replaceOtherCacheProg: true } });
    expect(CommandSpec.parse({ kind: "disable" })).toEqual({ kind: "disable", options: { backup: true } });
    expect(CommandSpec.parse({ kind: "rotate-key", options: {} })).toEqual({ kind: "rotate-key", options: {} });
    expect(CommandSpec.parse({ kind: "rescan" })).toEqual({ kind: "rescan", options: {} });
  });

  it("accept a trim only of entries unused for at least Go's own 5 days", () => {
    expect(CommandSpec.parse({ kind: "trim" })).toEqual({ kind: "trim", options: { olderThanDays: 5 } });
    expect(CommandSpec.parse({ kind: "trim", options: { olderThanDays: 30 } })).toEqual({ kind: "trim", options: { olderThanDays: 30 } });
    for (const olderThanDays of [4, 0, -1, 5.5, "5"]) expect(CommandSpec.safeParse({ kind: "trim", options: { olderThanDays } }).success).toBe(false);
    expect(CommandSpec.safeParse({ kind: "trim", options: { olderThanDays: 5, gocache: "/" } }).success).toBe(false);
  });

  it("refuse unknown kinds and any option that is not declared", () => {
    expect(CommandSpec.safeParse({ kind: "shell", options: { argv: ["rm", "-rf", "/"] } }).success).toBe(false);
    expect(CommandSpec.safeParse({ kind: "migrate", options: { backup: true, path: "/etc" } }).success).toBe(false);
    expect(CommandSpec.safeParse({ kind: "rescan", options: { gocache: "/tmp" } }).success).toBe(false);
    expect(CommandSpec.safeParse({ kind: "migrate", options: { backup: "yes" } }).success).toBe(false);
    // Only a migration may replace another helper; the other kinds take no such option.
    expect(CommandSpec.safeParse({ kind: "clean", options: { backup: true, replaceOtherCacheProg: true } }).success).toBe(false);
    expect(CommandSpec.safeParse({ kind: "disable", options: { backup: true, replaceOtherCacheProg: true } }).success).toBe(false);
    expect(CommandSpec.safeParse({ kind: "rotate-key", options: { concurrency: 64 } }).success).toBe(false);
  });

  it("plan a migration as backup, clean, enable, reinit, verify and a disable as backup, disable, clean", () => {
    expect(planSteps(CommandSpec.parse({ kind: "migrate", options: { backup: false } }))).toEqual([
      { step: "backup", skipped: true },
      { step: "clean", skipped: false },
      { step: "enable", skipped: false },
      { step: "reinit", skipped: false },
      { step: "verify", skipped: false },
    ]);
    expect(planSteps(CommandSpec.parse({ kind: "disable" })).map((entry) => entry.step)).toEqual(["backup", "disable", "clean"]);
    expect(planSteps(CommandSpec.parse({ kind: "rotate-key" })).map((entry) => entry.step)).toEqual(["rotate-key"]);
  });

  it("validate delivered commands and progress messages", () => {
    expect(DeliveredCommand.safeParse({ id: "c1", spec: { kind: "rescan", options: {} }, createdAt: "yesterday" }).success).toBe(false);
    expect(StepProgress.parse({ commandId: "c1", step: "clean", status: "running" }).log).toBe("");
    expect(StepProgress.safeParse({ commandId: "c1", step: "format-disk", status: "running" }).success).toBe(false);
    expect(StepProgress.safeParse({ commandId: "c1", step: "clean", status: "running", log: "x".repeat(16 * 1024 + 1) }).success).toBe(false);
  });
});

describe("reports and enrollment", () => {
  it("fill go env keys that an older Go does not print", () => {
    expect(GoEnv.parse({ GOVERSION: "go1.21.0", GOCACHE: "/c" }).GOTOOLCHAIN).toBe("");
  });

  it("require a plausible enrollment secret", () => {
    const machine = { hostname: "m", username: "u", platform: "darwin", osRelease: "24", arch: "arm64" };
    expect(EnrollInput.safeParse({ secret: "short", machine }).success).toBe(false);
    expect(EnrollInput.safeParse({ secret: "s".repeat(32), machine }).success).toBe(true);
    expect(EnrollInput.safeParse({ secret: "s".repeat(32), machine: { ...machine, hostname: "" } }).success).toBe(false);
  });

  it("take the OS hostname beside the fleet name, and identities of older agents without it", () => {
    const older = { hostname: "dara-mbp", username: "dara", platform: "darwin", osRelease: "24", arch: "arm64" };
    expect(MachineIdentity.parse(older)).toEqual(older);
    expect("osHostname" in MachineIdentity.parse(older)).toBe(false);
    const named = { ...older, osHostname: "Daras-MacBook-Pro.local" };
    expect(MachineIdentity.parse(named)).toEqual(named);
    expect(EnrollInput.parse({ secret: "s".repeat(32), machine: named }).machine.osHostname).toBe("Daras-MacBook-Pro.local");
  });

  it("hold the OS hostname to the fleet name's limits", () => {
    const identity = { hostname: "m", username: "u", platform: "darwin", osRelease: "24", arch: "arm64" };
    const valid = (osHostname: unknown) => MachineIdentity.safeParse({ ...identity, osHostname }).success;
    expect(valid("h".repeat(255))).toBe(true);
    expect(valid("h".repeat(256))).toBe(false);
    expect(valid("")).toBe(false);
    expect(valid(null)).toBe(false);
    expect(valid(42)).toBe(false);
    // What no database can store is refused for this field too, in reports and at enrollment.
    const report = agentReport({ osHostname: "nul\u0000host" });
    expect(AgentReport.safeParse(report).success).toBe(false);
    expect(EnrollInput.safeParse({ secret: "s".repeat(32), machine: { ...identity, osHostname: "lone\uD800" } }).success).toBe(false);
  });
});
