import { describe, expect, it } from "vitest";
import { goBuildsOf, gocacheFromEnvironment, parsePsOutput } from "./go-builds.js";

describe("Go build detection", () => {
  it("counts go, compile and link processes of the same user on the same cache", () => {
    const processes = [
      { pid: 10, ppid: 1, uid: 501, name: "go", gocache: "/Users/dev/Library/Caches/go-build" },
      { pid: 11, ppid: 10, uid: 501, name: "/usr/local/go/pkg/tool/darwin_arm64/compile", gocache: null },
      { pid: 12, ppid: 1, uid: 502, name: "link", gocache: null },
      { pid: 13, ppid: 1, uid: 501, name: "gopls", gocache: null },
      { pid: 14, ppid: 1, uid: 501, name: "go", gocache: "/tmp/other-cache" },
      { pid: 99, ppid: 1, uid: 501, name: "go", gocache: null },
      // The agent's own `go env -json`, running while it reports.
      { pid: 100, ppid: 99, uid: 501, name: "go", gocache: null },
    ];
    expect(goBuildsOf(processes, 501, 99, "/Users/dev/Library/Caches/go-build").map((p) => p.pid)).toEqual([10, 11]);
    expect(goBuildsOf(processes, 501, 99).map((p) => p.pid)).toEqual([10, 11, 14]);
  });

  it("reads ps output as macOS prints it", () => {
    const stdout = "    1     0     0 /sbin/launchd\n  812   700   501 /usr/local/go/bin/go\n  813   812   501 /usr/local/go/pkg/tool/darwin_arm64/compile\n";
    expect(parsePsOutput(stdout)).toEqual([
      { pid: 1, ppid: 0, uid: 0, name: "/sbin/launchd" },
      { pid: 812, ppid: 700, uid: 501, name: "/usr/local/go/bin/go" },
      { pid: 813, ppid: 812, uid: 501, name: "/usr/local/go/pkg/tool/darwin_arm64/compile" },
    ]);
  });

  it("decides a process's GOCACHE like go env does on Linux", () => {
    expect(gocacheFromEnvironment(new Map([["GOCACHE", "/c"], ["HOME", "/home/d"]]))).toBe("/c");
    expect(gocacheFromEnvironment(new Map([["XDG_CACHE_HOME", "/x"], ["HOME", "/home/d"]]))).toBe("/x/go-build");
    expect(gocacheFromEnvironment(new Map([["HOME", "/home/d"]]))).toBe("/home/d/.cache/go-build");
    expect(gocacheFromEnvironment(new Map())).toBeNull();
  });
});
