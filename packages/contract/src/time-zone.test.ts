// The report's optional time zone: IANA names this runtime knows pass, anything else is refused,
// and reports from agents that do not send one still parse.
import { describe, expect, it } from "vitest";
import { AgentReport, TimeZone } from "./report.js";
import { agentReport } from "./test-support/reports.js";

describe("the report's time zone", () => {
  it("accepts the names Intl reports", () => {
    for (const name of ["UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+5", Intl.DateTimeFormat().resolvedOptions().timeZone]) {
      expect(TimeZone.safeParse(name).success).toBe(true);
    }
  });

  it("refuses unknown names and anything that is not a name", () => {
    for (const name of ["Mars/Olympus_Mons", "", "Europe/Paris; rm -rf /", "x".repeat(65)]) {
      expect(TimeZone.safeParse(name).success).toBe(false);
    }
  });

  it("is optional, so older agents' reports still parse", () => {
    const report = agentReport({ hostname: "mac-old" });
    expect(AgentReport.safeParse(report).success).toBe(true);
    expect(AgentReport.safeParse({ ...report, timeZone: "Asia/Tokyo" }).success).toBe(true);
    expect(AgentReport.safeParse({ ...report, timeZone: "Nowhere/Land" }).success).toBe(false);
  });
});
