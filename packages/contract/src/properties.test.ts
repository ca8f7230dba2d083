// Property tests (fast-check) of the wire schemas: whatever arrives, parsing either refuses it or
// yields a message every database can store — no NUL, no lone surrogate, counts within 32 bits —
// that survives JSON and parses again to itself. Parsing never throws.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostileReport, hostileText, validReport } from "./test-support/hostile.js";
import { AgentReport, CommandResult, EnrollInput, StepProgress, maxStoredCount, unstorableTextReason } from "./index.js";

function everyStringAndCount(value: unknown, visit: (leaf: string | number) => void): void {
  if (typeof value === "string" || typeof value === "number") visit(value);
  else if (Array.isArray(value)) for (const item of value) everyStringAndCount(item, visit);
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      visit(key);
      everyStringAndCount(item, visit);
    }
  }
}

function expectStorable(value: unknown): void {
  everyStringAndCount(value, (leaf) => {
    if (typeof leaf === "string") expect(unstorableTextReason(leaf)).toBeNull();
  });
}

describe("the wire schemas under arbitrary input", () => {
  it("accept every valid report, unchanged through JSON", () => {
    fc.assert(
      fc.property(validReport, (report) => {
        const parsed = AgentReport.parse(JSON.parse(JSON.stringify(report)));
        expect(parsed).toEqual(report);
      }),
      { numRuns: 200 },
    );
  });

  it("refuse a hostile report or yield one every database can store", () => {
    fc.assert(
      fc.property(hostileReport, (input) => {
        const parsed = AgentReport.safeParse(input);
        if (!parsed.success) return;
        expectStorable(parsed.data);
        if (parsed.data.scan.status === "ok") expect(parsed.data.scan.summary.entries.count).toBeLessThanOrEqual(maxStoredCount);
        // Compared as JSON, which is what is stored (-0 is written as 0).
        expect(JSON.stringify(AgentReport.parse(JSON.parse(JSON.stringify(parsed.data))))).toBe(JSON.stringify(parsed.data));
      }),
      { numRuns: 1000 },
    );
  });

  it("never throw on any value, and keep what they accept storable", () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 3 }), (input) => {
        for (const schema of [AgentReport, EnrollInput, StepProgress, CommandResult]) {
          const parsed = schema.safeParse(input);
          if (parsed.success) expectStorable(parsed.data);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("refuse any machine name, log or error text that a database cannot store", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const storable = unstorableTextReason(text) === null;
        const enroll = EnrollInput.safeParse({ secret: "cfe_a-long-enough-secret", machine: { hostname: `h${text}`.slice(0, 255), username: text.slice(0, 255), platform: "darwin", osRelease: "24", arch: "arm64" } });
        const osHostname = `o${text}`.slice(0, 255);
        const enrollWithOsHostname = EnrollInput.safeParse({ secret: "cfe_a-long-enough-secret", machine: { hostname: "h", osHostname, username: "", platform: "darwin", osRelease: "24", arch: "arm64" } });
        const progress = StepProgress.safeParse({ commandId: "c1", step: "scan", status: "running", log: text.slice(0, 16 * 1024) });
        if (!storable && unstorableTextReason(text.slice(0, 255)) !== null) expect(enroll.success).toBe(false);
        expect(enrollWithOsHostname.success).toBe(unstorableTextReason(osHostname) === null);
        if (!storable && unstorableTextReason(text.slice(0, 16 * 1024)) !== null) expect(progress.success).toBe(false);
        if (storable) expect(progress.success).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
