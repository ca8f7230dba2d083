// The helper's stats file as the Go helper writes it (RFC 3339 times with nanoseconds), and what
// the schema refuses.
import { describe, expect, it } from "vitest";
import { CacheProgStats } from "./cacheprog.js";

const written = {
  version: 1,
  gets: 387,
  hits: 256,
  misses: 131,
  puts: 452,
  bytesServed: 37678186,
  bytesWritten: 37334228,
  busyMs: 1519.166194,
  since: "2026-12-01T14:46:56.353519681Z",
  updatedAt: "2026-12-01T14:47:34.774365471Z",
};

describe("CacheProgStats", () => {
  it("accepts the stats file the helper writes", () => {
    expect(CacheProgStats.parse(written)).toEqual(written);
  });

  it("refuses negative or fractional counts, another version and missing times", () => {
    expect(CacheProgStats.safeParse({ ...written, hits: -1 }).success).toBe(false);
    expect(CacheProgStats.safeParse({ ...written, gets: 1.5 }).success).toBe(false);
    expect(CacheProgStats.safeParse({ ...written, version: 2 }).success).toBe(false);
    const { since: _since, ...withoutSince } = written;
    expect(CacheProgStats.safeParse(withoutSince).success).toBe(false);
  });
});
