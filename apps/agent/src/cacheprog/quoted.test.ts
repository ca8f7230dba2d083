// GOCACHEPROG quoting: the go command splits the value with cmd/internal/quoted, so the agent's
// join must produce what that split reads back, for the paths macOS really has.
import { describe, expect, it } from "vitest";
import { joinQuoted, splitQuoted } from "./quoted.js";

describe("joinQuoted / splitQuoted (cmd/internal/quoted)", () => {
  const cases: Array<[string[], string]> = [
    [["/usr/local/bin/helper"], "/usr/local/bin/helper"],
    [["/Users/dev/Library/Application Support/cachefleet/cacheprog/h", "-key-file", "/a b/k"], "'/Users/dev/Library/Application Support/cachefleet/cacheprog/h' -key-file '/a b/k'"],
    [["/it's here/h"], `"/it's here/h"`],
    [['/say "hi"/h'], `'/say "hi"/h'`],
    [["tab\there"], "'tab\there'"],
  ];

  it.each(cases)("joins %j as %s and splits it back", (args, joined) => {
    expect(joinQuoted(args)).toBe(joined);
    expect(splitQuoted(joined)).toEqual(args);
  });

  it("splits the way the go command does: quotes only around whole fields, no escapes", () => {
    expect(splitQuoted("  a  'b c'\t\"d'e\"  ")).toEqual(["a", "b c", "d'e"]);
    expect(splitQuoted("")).toEqual([]);
    expect(() => splitQuoted("'unterminated")).toThrow(/unterminated ' string/);
  });

  it("refuses a field holding both kinds of quote", () => {
    expect(() => joinQuoted([`it's "both"`])).toThrow(/both single and double quotes/);
  });
});
