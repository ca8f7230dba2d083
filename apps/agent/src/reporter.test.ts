// The reporting loop on a real Go 1.22 cache in temp folders: an idle agent sends heartbeats only
// and starts no process; a `go build` and a `go env -w` each bring one full report; every full
// report names the machine's time zone. The dashboard
// end is a channel that checks what it receives against the contract and answers heartbeats from
// the digests of the reports it holds, as the dashboard does (packages/api covers the real one).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentReport, Heartbeat, type HeartbeatAck } from "@cachefleet/contract";
import { reportDigest } from "@cachefleet/contract/digest";
import { createCommandRunner, type CommandRunner } from "./commands.js";
import { Reporter, type ReportChannel } from "./reporter.js";
import { go122, isolatedGoEnv, tempDir, testProbeContext } from "./test-support/standins.js";

class ContractChannel implements ReportChannel {
  readonly reports: AgentReport[] = [];
  heartbeats = 0;
  #latestDigest: string | null = null;

  async report(report: AgentReport) {
    const stored = AgentReport.parse(JSON.parse(JSON.stringify(report)));
    this.reports.push(stored);
    this.#latestDigest = reportDigest(stored);
    return { digest: this.#latestDigest, health: "healthy" };
  }

  async heartbeat(beat: Heartbeat): Promise<HeartbeatAck> {
    const { reportDigest: digest } = Heartbeat.parse(beat);
    this.heartbeats += 1;
    return { sendFullReport: digest === null || digest !== this.#latestDigest };
  }

  /** As after a database restore from before the latest report. */
  forgetLatest(): void {
    this.#latestDigest = null;
  }
}

/** Counts the processes the probes start. */
function countingRunner(inner: CommandRunner): CommandRunner & { runs: number } {
  const counting = {
    runs: 0,
    run: (...args: Parameters<CommandRunner["run"]>) => {
      counting.runs += 1;
      return inner.run(...args);
    },
  };
  return counting;
}

async function until(done: () => boolean, timeoutMs = 120_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !done(); ) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let dir: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = tempDir("reporter");
  env = isolatedGoEnv(dir);
  const module = path.join(dir, "hello");
  fs.mkdirSync(module, { recursive: true });
  fs.writeFileSync(path.join(module, "go.mod"), "module example.com/hello\n\ngo 1.21\n");
  fs.writeFileSync(path.join(module, "main.go"), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n');
  // The cache holds something before the agent starts.
  execFileSync(go122, ["list", "std"], { cwd: module, env: { ...process.env, ...env }, stdio: "ignore" });
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!fs.existsSync(go122))("the reporting loop on a real Go 1.22 cache", () => {
  it("sends heartbeats only while nothing changes, and one full report after a go build and after go env -w", async () => {
    const commands = countingRunner(createCommandRunner({ toolPath: [], env }));
    const probes = testProbeContext({ dir, commands, platform: "linux", pathDirs: [path.dirname(go122)] });
    const channel = new ContractChannel();
    const logs: string[] = [];
    // Checks come from the test (and from the cache watch), not from a timer.
    const reporter = new Reporter({ probes, channel, heartbeatMs: 3_600_000, settleMs: 300, changeGapMs: 0, log: (line) => logs.push(line) });
    try {
      await reporter.start();
      expect(channel.reports).toHaveLength(1);
      const started = commands.runs;
      expect(started).toBeGreaterThan(0);

      for (let beat = 0; beat < 5; beat++) await reporter.check();
      expect(channel.reports).toHaveLength(1);
      expect(channel.heartbeats).toBe(5);
      // Idle: no process started, no rescan.
      expect(commands.runs).toBe(started);
      expect(reporter.counters.scans).toBe(1);

      const before = channel.reports[0]?.scan;
      execFileSync(go122, ["build", "-o", path.join(dir, "hello-bin"), "."], { cwd: path.join(dir, "hello"), env: { ...process.env, ...env } });
      // The watch sees the build's writes; once they settle, a rescan finds new entries.
      await until(() => channel.reports.length === 2);
      const after = channel.reports[1]?.scan;
      expect(before?.status === "ok" && after?.status === "ok" && after.summary.entries.count > before.summary.entries.count).toBe(true);
      expect(commands.runs).toBe(started);
      expect(logs.some((line) => line.startsWith("reported: ") && line.endsWith("(cache entries changed)"))).toBe(true);
      await reporter.check();
      expect(channel.reports).toHaveLength(2);

      execFileSync(go122, ["env", "-w", "GOFLAGS=-mod=mod"], { env: { ...process.env, ...env } });
      await reporter.check();
      expect(channel.reports).toHaveLength(3);
      const persistence = channel.reports[2]?.probes.persistence;
      expect(persistence?.status === "ok" && persistence.goenv.status === "ok" ? persistence.goenv.keys : []).toContain("GOFLAGS");
      // The GOENV file changed, so the probes that read it ran again.
      expect(commands.runs).toBeGreaterThan(started);
      const rerun = commands.runs;
      await reporter.check();
      expect(channel.reports).toHaveLength(3);
      expect(commands.runs).toBe(rerun);

      // A dashboard that lost the latest report asks for it in its answer to the next heartbeat.
      channel.forgetLatest();
      await reporter.check();
      expect(channel.reports).toHaveLength(4);
      expect(logs).toContain("the dashboard asked for a full report");
    } finally {
      reporter.stop();
    }
  });

  it("carries the time zone the machine runs in with its full reports, as remediation windows need", async () => {
    // A zone that is not this test machine's own, as the agent's TZ.
    const probes = { ...testProbeContext({ dir, commands: createCommandRunner({ toolPath: [], env }), platform: "linux", pathDirs: [path.dirname(go122)] }), timeZoneVariable: "Europe/Paris" };
    const channel = new ContractChannel();
    const reporter = new Reporter({ probes, channel, heartbeatMs: 3_600_000, settleMs: 300, changeGapMs: 0, log: () => {} });
    try {
      await reporter.start();
      expect(channel.reports).toHaveLength(1);
      expect(channel.reports[0]?.timeZone).toBe("Europe/Paris");
    } finally {
      reporter.stop();
    }
  });

  it("carries where the cache lives with its full reports, probed again only with the other spawning probes", async () => {
    const commands = countingRunner(createCommandRunner({ toolPath: [], env }));
    const probes = testProbeContext({ dir, commands, platform: "linux", pathDirs: [path.dirname(go122)] });
    const channel = new ContractChannel();
    const reporter = new Reporter({ probes, channel, heartbeatMs: 3_600_000, settleMs: 300, changeGapMs: 0, log: () => {} });
    try {
      await reporter.start();
      const placement = channel.reports[0]?.placement;
      // On Linux the file system under GOCACHE is read from /proc/self/mountinfo; the macOS-only
      // probes (Time Machine, Spotlight, FileVault) say they do not apply.
      expect(placement?.fileSystem.status).toBe("ok");
      expect(placement?.timeMachine.status).toBe("not-applicable");
      expect(placement?.fileVault.status).toBe("not-applicable");
      const runs = commands.runs;
      await reporter.check();
      expect(commands.runs).toBe(runs);
    } finally {
      reporter.stop();
    }
  });
});
