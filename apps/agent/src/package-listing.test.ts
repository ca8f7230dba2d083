import { describe, expect, it } from "vitest";
import { namesShown, summarizePackageListing } from "./package-listing.js";

describe("summarizePackageListing", () => {
  it("says how many packages go list printed and names only the first few", () => {
    const names = Array.from({ length: 301 }, (_, index) => `pkg${index}`);
    const summary = summarizePackageListing(`${names.join("\n")}\n`);
    expect(summary).toBe(`go list std: 301 standard library packages in the cache (pkg0, pkg1, pkg2 and ${301 - namesShown} more)`);
    expect(summary).not.toContain("pkg3,");
  });

  it("names every package when there are no more than it shows, and counts one in the singular", () => {
    expect(summarizePackageListing("fmt\nos\n")).toBe("go list std: 2 standard library packages in the cache (fmt, os)");
    expect(summarizePackageListing("unsafe")).toBe("go list std: 1 standard library package in the cache (unsafe)");
  });

  it("ignores blank lines and says so when nothing was listed", () => {
    expect(summarizePackageListing("\n  \n")).toBe("go list std listed no packages");
  });
});
