// What a restarted agent says about the command it was running: only what is true at the point
// the journal recorded (a step started, or finished before the next began).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { interruptionMessage, readJournal, writeJournal, type RunningCommand } from "./journal.js";

const base = { commandId: "c1", kind: "migrate", startedAt: "2026-11-23T09:05:07.000Z" };

describe("the interruption message", () => {
  it.each<[string, RunningCommand, RegExp]>([
    ["before any step", { ...base, step: null, backupPath: null }, /^The agent stopped before its first step .*; nothing was changed\.$/],
    [
      "during the backup, naming the unfinished copy as not a backup",
      { ...base, step: "backup", backupPath: "/c/go-build.backup-20261123-090507.partial" },
      /^The agent stopped during its backup step .*\. The unfinished copy at \/c\/go-build\.backup-20261123-090507\.partial is not a backup; .* The cache itself is untouched\.$/,
    ],
    ["after a verified backup", { ...base, step: "backup", stepDone: true, backupPath: "/c/b" }, /^The agent stopped after its backup step .*: the verified backup at \/c\/b is kept; the cache itself is untouched\.$/],
    ["during the clean", { ...base, step: "clean", backupPath: "/c/b" }, /^The agent stopped during its clean step .*: the cache may be partly cleaned; .* The backup at \/c\/b is kept\.$/],
    ["after the clean", { ...base, step: "clean", stepDone: true, backupPath: null }, /^The agent stopped after its clean step .*: the cache was emptied and rebuilds on the next build\.$/],
    ["during reinit", { ...base, step: "reinit", backupPath: "/c/b" }, /^The agent stopped during its reinit step .*\. The backup at \/c\/b is kept\.$/],
  ])("%s", (_, entry, expected) => {
    expect(interruptionMessage(entry)).toMatch(expected);
  });

  it("never says a clean may have happened when the agent stopped before cleaning", () => {
    for (const step of ["backup", "reinit", "verify"] as const) {
      expect(interruptionMessage({ ...base, step, backupPath: null })).not.toMatch(/clean/);
    }
  });
});

describe("the journal file", () => {
  it("round-trips an entry, and reads a damaged file as no entry", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-journal-"));
    try {
      const file = path.join(dir, "running-command.json");
      writeJournal(file, { ...base, step: "clean", stepDone: true, backupPath: "/c/b" });
      expect(readJournal(file)).toEqual({ ...base, step: "clean", stepDone: true, backupPath: "/c/b" });
      fs.writeFileSync(file, "{ half");
      expect(readJournal(file)).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
