// Hostile inputs for property tests (fast-check), on both sides of the wire: reports that are
// valid except where an attacker or a broken agent changed one to three fields — to text with NUL,
// lone surrogates or great length, to numbers past what a column holds, to other types. Only
// tests import this (fast-check is a development dependency).
import fc from "fast-check";
import type { AgentReport } from "../report.js";
import { agentReport } from "./reports.js";

/** Single characters, weighted towards the ones databases refuse. */
const hostileCharacter = fc.oneof(
  fc.constantFrom("\u0000", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\u200B", "\uFFFF", "'", '"', "\\", "%", "\n"),
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
);

export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: hostileCharacter, maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.integer({ min: 0, max: 20_000 }).map((length) => "x".repeat(length)),
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 32, -1, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e300, -0, 0.5, 1e-300),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(hostileText, hostileNumber, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));

type Path = (string | number)[];

function leafPaths(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.length === 0 ? [path] : value.flatMap((item, index) => leafPaths(item, [...path, index]));
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    return entries.length === 0 ? [path] : entries.flatMap(([key, item]) => leafPaths(item, [...path, key]));
  }
  return [path];
}

function replaced(value: unknown, path: Path, replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(value)) return value.map((item, index) => (index === head ? replaced(item, rest, replacement) : item));
  if (typeof value === "object" && value !== null) return { ...value, [head]: replaced(Reflect.get(value, head), rest, replacement) };
  return value;
}

/** A valid report of a machine with some plaintext and encrypted entries. */
export const validReport: fc.Arbitrary<AgentReport> = fc
  .record({ plaintext: fc.nat(5000), encrypted: fc.nat(5000), hostname: fc.constantFrom("mac-a", "dev-mbp", "build-01") })
  .map((facts) => agentReport(facts));

type Mutation = { pick: number; leaves: "any" | "string" | "number"; value: unknown };

/** A change to one leaf: text for a text field, a number for a number field, or anything anywhere. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ pick: fc.nat(), leaves: fc.constant("string" as const), value: hostileText }),
  fc.record({ pick: fc.nat(), leaves: fc.constant("number" as const), value: hostileNumber }),
  fc.record({ pick: fc.nat(), leaves: fc.constant("any" as const), value: hostileValue }),
);

function leafOfKind(value: unknown, path: Path, kind: Mutation["leaves"]): boolean {
  if (kind === "any") return true;
  let leaf: unknown = value;
  for (const part of path) leaf = typeof leaf === "object" && leaf !== null ? Reflect.get(leaf, part) : undefined;
  return typeof leaf === kind;
}

/** A valid report with one to three of its fields (leaves) replaced by hostile values. */
export const hostileReport: fc.Arbitrary<unknown> = fc
  .tuple(validReport, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([report, mutations]) => {
    let mutated: unknown = report;
    for (const { pick, leaves, value } of mutations) {
      // The id stays a fresh one, so each run's report is new to the database.
      const paths = leafPaths(mutated).filter((path) => path[0] !== "id" && leafOfKind(mutated, path, leaves));
      const path = paths[pick % Math.max(1, paths.length)];
      if (path) mutated = replaced(mutated, path, value);
    }
    return mutated;
  });
