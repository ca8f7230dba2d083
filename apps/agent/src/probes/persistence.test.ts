// Environment persistence on a temp HOME: keys in a GOENV file, and LaunchAgent plists whose PATH
// holds GOBIN or not (macOS), including plists that are junk.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GoEnv } from "@cachefleet/contract";
import { renderPlist } from "../plist.js";
import { tempDir } from "../test-support/standins.js";
import { launchAgentPaths, parseGoEnvKeys, pathHolds, probePersistence } from "./persistence.js";

let home: string;
let goenvFile: string;
let launchAgents: string;

function env(overrides: Partial<GoEnv> = {}): GoEnv {
  return {
    GOVERSION: "go1.22.2", GOOS: "darwin", GOARCH: "arm64", GOHOSTARCH: "arm64", GOROOT: "/usr/local/go",
    GOPATH: path.join(home, "go"), GOBIN: "", GOCACHE: path.join(home, "Library", "Caches", "go-build"), GOMODCACHE: "",
    GOENV: goenvFile, GOTOOLCHAIN: "auto", ...overrides,
  };
}

function writeAgent(name: string, content: string): void {
  fs.writeFileSync(path.join(launchAgents, name), content);
}

beforeAll(() => {
  home = tempDir("persistence");
  goenvFile = path.join(home, "Library", "Application Support", "go", "env");
  launchAgents = path.join(home, "Library", "LaunchAgents");
  fs.mkdirSync(path.dirname(goenvFile), { recursive: true });
  fs.mkdirSync(launchAgents, { recursive: true });
  fs.writeFileSync(goenvFile, "GOPRIVATE=github.com/acme/*\nGOPROXY=https://user:secret@proxy.acme.dev\n\n# comment\nGOBIN=/Users/dev/go/bin\nnot a setting\n");
});

afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

describe("GOENV file", () => {
  it("lists the keys set with go env -w and never their values", () => {
    const probe = probePersistence(env(), "linux", home);
    expect(probe).toMatchObject({ status: "ok", goenv: { status: "ok", file: goenvFile, exists: true, keys: ["GOPRIVATE", "GOPROXY", "GOBIN"] } });
    expect(JSON.stringify(probe)).not.toContain("secret");
  });

  it("reports a missing file, and GOENV=off as not applicable", () => {
    expect(probePersistence(env({ GOENV: path.join(home, "nope") }), "linux", home)).toMatchObject({ goenv: { status: "ok", exists: false, keys: [] } });
    expect(probePersistence(env({ GOENV: "off" }), "linux", home)).toMatchObject({ goenv: { status: "not-applicable" } });
    expect(parseGoEnvKeys("A=1\nA=2\n =x\nB =y\n")).toEqual(["A", "B"]);
  });
});

describe("LaunchAgents", () => {
  it("finds a PATH that holds GOBIN (GOPATH/bin here) through launchctl setenv", () => {
    writeAgent(
      "dev.env.path.plist",
      renderPlist({ Label: "dev.env.path", ProgramArguments: ["/bin/launchctl", "setenv", "PATH", `/usr/bin:/bin:${home}/go/bin/`], RunAtLoad: true }),
    );
    const probe = probePersistence(env(), "darwin", home);
    expect(probe).toMatchObject({
      status: "ok",
      gobin: path.join(home, "go", "bin"),
      gobinFrom: "GOPATH",
      launchAgents: { status: "ok", folder: launchAgents, plists: 1, gobinOnPath: true, unreadable: [] },
    });
    if (probe.status === "ok" && probe.launchAgents.status === "ok") {
      expect(probe.launchAgents.paths).toEqual([
        { file: path.join(launchAgents, "dev.env.path.plist"), label: "dev.env.path", via: "launchctl-setenv", path: `/usr/bin:/bin:${home}/go/bin/`, holdsGobin: true, ownAgent: false },
      ]);
    }
  });

  it("says GOBIN is not on PATH when only other folders or cachefleet's own plist hold it, and tolerates junk", () => {
    fs.rmSync(path.join(launchAgents, "dev.env.path.plist"));
    const gobin = path.join(home, "tools");
    writeAgent("com.example.other.plist", renderPlist({ Label: "com.example.other", EnvironmentVariables: { PATH: "/usr/local/bin:/usr/bin" }, ProgramArguments: ["/usr/local/bin/other"] }));
    writeAgent("dev.cachefleet.agent.plist", renderPlist({ Label: "dev.cachefleet.agent", EnvironmentVariables: { PATH: `${gobin}:/usr/bin` } }));
    writeAgent("broken.plist", "<?xml version=\"1.0\"?><plist><dict><key>Label</key><string>broken</dict>");
    writeAgent("binary.plist", "bplist00\u0000\u0001junk");
    writeAgent("not-a-plist.txt", "ignored");
    const probe = probePersistence(env({ GOBIN: gobin }), "darwin", home);
    expect(probe).toMatchObject({ status: "ok", gobin, gobinFrom: "GOBIN", launchAgents: { status: "ok", plists: 4, gobinOnPath: false } });
    if (probe.status !== "ok" || probe.launchAgents.status !== "ok") throw new Error("expected an answer");
    expect(probe.launchAgents.paths.map((entry) => [entry.label, entry.via, entry.holdsGobin, entry.ownAgent])).toEqual([
      ["com.example.other", "EnvironmentVariables", false, false],
      ["dev.cachefleet.agent", "EnvironmentVariables", true, true],
    ]);
    expect(probe.launchAgents.unreadable.map((entry) => path.basename(entry.file))).toEqual(["binary.plist", "broken.plist"]);
    expect(probe.launchAgents.unreadable[0]?.message).toContain("binary property list");
  });

  it("is not applicable on Linux while the GOENV part still answers", () => {
    expect(probePersistence(env(), "linux", home)).toMatchObject({
      status: "ok",
      goenv: { status: "ok", exists: true },
      launchAgents: { status: "not-applicable", message: "LaunchAgents exist only on macOS." },
    });
  });

  it("reports no LaunchAgents folder as none found", () => {
    const bare = tempDir("bare-home");
    expect(probePersistence(env(), "darwin", bare)).toMatchObject({ launchAgents: { status: "ok", plists: 0, paths: [], gobinOnPath: false } });
    fs.rmSync(bare, { recursive: true, force: true });
  });

  it("errors without go env", () => {
    expect(probePersistence(null, "darwin", home)).toMatchObject({ status: "error" });
  });

  it("compares PATH entries as folders", () => {
    expect(pathHolds("/a/b/:/c", "/a/b")).toBe(true);
    expect(pathHolds("/a/b/c:/d", "/a/b")).toBe(false);
    expect(pathHolds("", "/a")).toBe(false);
    expect(pathHolds("/a", null)).toBe(false);
    expect(launchAgentPaths(["not", "a", "dict"])).toEqual([]);
  });
});
