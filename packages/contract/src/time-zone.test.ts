// The report's optional time zone: any well-formed IANA name passes, whether or not this runtime's
// time zone data knows it (a Mac can know a newer zone than the dashboard), anything that is not
// a name is refused, and reports from agents that do not send one still parse.
import { describe, expect, it } from "vitest";
import { AgentReport, TimeZone } from "./report.js";
import { agentReport } from "./test-support/reports.js";

describe("the report's time zone", () => {
  it("accepts well-formed IANA names", () => {
    for (const name of ["UTC", "Etc/UTC", "Europe/Paris", "Asia/Kolkata", "US/Pacific", "America/Argentina/Buenos_Aires", "America/Port-au-Prince", "Etc/GMT+5", "Etc/GMT-14", "EST5EDT"]) {
      expect(TimeZone.safeParse(name).success, name).toBe(true);
    }
  });

  it("accepts a well-formed name this runtime does not know, leaving that to whoever uses it", () => {
    expect(() => new Intl.DateTimeFormat("en-US", { timeZone: "Mars/Olympus_Mons" })).toThrow(RangeError);
    expect(TimeZone.safeParse("Mars/Olympus_Mons").success).toBe(true);
  });

  it("refuses anything that is not a name", () => {
    for (const name of ["", "Europe/Paris; rm -rf /", "x".repeat(65), "/", "Europe//Paris", "/etc/localtime", "Europe/", "../../etc/passwd", "Europe/Paris ", ":Europe/Paris"]) {
      expect(TimeZone.safeParse(name).success, name).toBe(false);
    }
    expect(TimeZone.safeParse("Europe/Paris\n").error?.issues[0]?.message).toBe("Not a time zone name.");
  });

  it("is optional, so older agents' reports still parse", () => {
    const report = agentReport({ hostname: "mac-old" });
    expect(AgentReport.safeParse(report).success).toBe(true);
    expect(AgentReport.safeParse({ ...report, timeZone: "Asia/Tokyo" }).success).toBe(true);
    expect(AgentReport.safeParse({ ...report, timeZone: "Nowhere/Land" }).success).toBe(true);
    expect(AgentReport.safeParse({ ...report, timeZone: "Asia/Tokyo && reboot" }).success).toBe(false);
  });
});
