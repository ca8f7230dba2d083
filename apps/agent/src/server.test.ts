// The agent's check of what a server sends, before anything acts on it: the contract's schemas,
// defaults filled in, and a reason a person can read for everything else.
import { describe, expect, it } from "vitest";
import { checkDeliveredCommand } from "./server.js";

const createdAt = "2026-11-23T09:05:07.000Z";

describe("checking a delivered command", () => {
  it("fills in the contract's defaults, so clean with {} options backs up first", () => {
    const check = checkDeliveredCommand({ id: "c1", spec: { kind: "clean", options: {} }, timeoutSeconds: 600, createdAt });
    expect(check).toEqual({ ok: true, command: { id: "c1", spec: { kind: "clean", options: { backup: true } }, timeoutSeconds: 600, createdAt } });
  });

  it.each([
    ["a negative prune age", { kind: "prune-backups", options: { olderThanDays: -1000 } }],
    ["a zero prune age", { kind: "prune-backups", options: { olderThanDays: 0 } }],
    ["a fractional prune age", { kind: "prune-backups", options: { olderThanDays: 0.5 } }],
    ["an unknown kind", { kind: "exec", options: { argv: ["rm", "-rf", "/"] } }],
    ["an extra option", { kind: "clean", options: { backup: false, path: "/" } }],
    ["an option of the wrong type", { kind: "migrate", options: { backup: "no" } }],
  ])("refuses %s, keeping the id to report it by", (_, spec) => {
    const check = checkDeliveredCommand({ id: "c2", spec, timeoutSeconds: 600, createdAt });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.id).toBe("c2");
    expect(check.reason).toMatch(/^Refused by the agent: the command is outside the contract it accepts, so nothing was run \(.+\)\.$/);
  });

  it("refuses a time limit outside the contract, and anything without a usable id", () => {
    expect(checkDeliveredCommand({ id: "c3", spec: { kind: "rescan", options: {} }, timeoutSeconds: 10 ** 9, createdAt })).toMatchObject({ ok: false, id: "c3" });
    expect(checkDeliveredCommand({ spec: { kind: "rescan", options: {} }, timeoutSeconds: 600, createdAt })).toMatchObject({ ok: false, id: null });
    expect(checkDeliveredCommand({ id: "x".repeat(65), spec: { kind: "rescan", options: {} }, timeoutSeconds: 600, createdAt })).toMatchObject({ ok: false, id: null });
    expect(checkDeliveredCommand("rm -rf /")).toMatchObject({ ok: false, id: null });
  });
});
