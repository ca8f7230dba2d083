// The API's one date convention: Dates leave as ISO 8601 strings in UTC, other fields untouched.
import { describe, expect, it } from "vitest";
import { iso, isoDates } from "./dates.js";

describe("dates on the wire", () => {
  it("are ISO strings in UTC, and null stays null", () => {
    expect(iso(new Date(Date.UTC(2026, 11, 1, 17, 42, 12)))).toBe("2026-12-01T17:42:12.000Z");
    expect(iso(null)).toBeNull();
  });

  it("convert every Date field of a row and leave the rest", () => {
    const row = { id: "m1", lastSeenAt: new Date(0), revokedAt: null as Date | null, count: 3, tags: ["a"] };
    const sent = isoDates(row);
    expect(sent).toEqual({ id: "m1", lastSeenAt: "1970-01-01T00:00:00.000Z", revokedAt: null, count: 3, tags: ["a"] });
    // The type says the same: a Date field becomes a string.
    const lastSeenAt: string = sent.lastSeenAt;
    expect(lastSeenAt).toBe("1970-01-01T00:00:00.000Z");
  });
});
