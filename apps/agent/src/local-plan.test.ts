// `cachefleet-agent migrate` / `disable` at the Mac: when it may run without asking, what it says it
// will do, and how it prints each step live.
import { describe, expect, it } from "vitest";
import { confirmationProblem, describePlan, printingSink } from "./local-plan.js";

describe("a local migration", () => {
  it("asks on a terminal, runs with --yes, and refuses without either", () => {
    expect(confirmationProblem("migrate", false, true)).toBeNull();
    expect(confirmationProblem("migrate", true, false)).toBeNull();
    expect(confirmationProblem("migrate", false, false)).toMatch(/no terminal to ask on; run it again with --yes/);
    expect(confirmationProblem("disable", false, false)).toMatch(/^disable changes/);
  });

  it("says what each step will do, and which the options skip", () => {
    const lines = describePlan({ kind: "migrate", options: { backup: false } }, "/Users/dev/Library/Caches/go-build");
    expect(lines.map((line) => line.trim().split(":")[0])).toEqual(["(skipped) backup", "clean", "enable", "reinit", "verify"]);
    expect(lines[2]).toContain("GOCACHEPROG");
    expect(describePlan({ kind: "disable", options: { backup: true } }, "/c").map((line) => line.trim().split(":")[0])).toEqual(["backup", "disable", "clean"]);
  });

  it("prints each status change once and every log line as it arrives", async () => {
    const printed: string[] = [];
    const sink = printingSink((line) => printed.push(line));
    await sink.update("enable", "running", "");
    await sink.update("enable", "running", "created a new cache key in the agent's key file\n");
    await sink.update("enable", "succeeded", "GOCACHEPROG=/home/dev/.config/cachefleet/cacheprog/cachefleet-cacheprog-1.0.0\n");
    await sink.update("verify", "failed", "error: The cache key is missing\n");
    expect(printed).toEqual([
      "→ enable running",
      "  enable: created a new cache key in the agent's key file",
      "  enable: GOCACHEPROG=/home/dev/.config/cachefleet/cacheprog/cachefleet-cacheprog-1.0.0",
      "✓ enable succeeded",
      "  verify: error: The cache key is missing",
      "✗ verify failed",
    ]);
  });
});
