import { describe, expect, it } from "vitest";
import { ruleTitle, ruleTitles } from "./rule-titles.js";
import { evaluateHealth } from "./rules.js";
import { go, summary } from "./test-support/facts.js";

describe("rule titles", () => {
  it("name every rule in words, never by its id, and no two rules alike", () => {
    const titles = Object.entries(ruleTitles);
    for (const [rule, title] of titles) {
      expect(title).not.toBe(rule);
      expect(title).not.toMatch(/^[a-z]+(-[a-z]+)+$/);
    }
    expect(new Set(titles.map(([, title]) => title)).size).toBe(titles.length);
  });

  it("name the rules findings come from", () => {
    const findings = evaluateHealth({ go: go("go1.24.4"), scan: { status: "ok", summary: summary(3, 4, "mixed") } });
    expect(findings.map((finding) => ruleTitle(finding.rule))).toEqual(["Mixed cache (plaintext and encrypted entries)"]);
  });

  it("leave an id no rule has as it is (a remediation saved for a rule since removed)", () => {
    expect(ruleTitle("no-such-rule")).toBe("no-such-rule");
    expect(ruleTitle("toString")).toBe("toString");
  });
});
