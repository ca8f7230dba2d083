import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configPath, loadConfig, saveConfig } from "./config.js";

describe("agent config", () => {
  it("is written 0600 in a 0700 folder and read back", () => {
    const home = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-config-")), "agent");
    expect(loadConfig(home)).toBeNull();
    const config = { server: "http://localhost:3000", machineId: "m1", token: "t".repeat(43), enrolledAt: new Date().toISOString() };
    saveConfig(home, config);
    expect(fs.statSync(configPath(home)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(home).mode & 0o777).toBe(0o700);
    expect(loadConfig(home)).toEqual(config);
  });

  it("refuses a damaged config with a clear message", () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-config-"));
    fs.writeFileSync(configPath(home), JSON.stringify({ server: "not a url" }));
    expect(() => loadConfig(home)).toThrow(/not a valid agent config/);
  });
});
