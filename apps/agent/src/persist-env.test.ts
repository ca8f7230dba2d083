// persist-env with a real Go 1.22 (its own GOENV file in a temp folder) and the launchctl
// stand-in (apps/agent/src/test-support/macos-bin, which reproduces launchd's output and exit codes):
// GOBIN is written when unset, the LaunchAgent holds exactly the contract's content, the
// persistence probe then finds GOBIN on the GUI PATH, and a second run changes nothing.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gobinLaunchAgentPlist, gobinPathLabel, type StepName, type StepStatus } from "@cachefleet/contract";
import { createGoRunner, readGoEnv } from "./commands.js";
import { runPlan, type StepSink } from "./plan-runner.js";
import { probePersistence } from "./probes/persistence.js";
import { go122, isolatedGoEnv, standinCalls, standinRunner, tempDir } from "./test-support/standins.js";

class RecordingSink implements StepSink {
  readonly updates: { step: StepName; status: StepStatus; log: string }[] = [];
  async update(step: StepName, status: StepStatus, log: string): Promise<{ cancelRequested: boolean }> {
    this.updates.push({ step, status, log });
    return { cancelRequested: false };
  }
}

let dir: string;
beforeAll(() => {
  dir = tempDir("persist-env");
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const command = { id: "p", spec: { kind: "persist-env", options: {} }, timeoutSeconds: 120 } as const;

describe.skipIf(!fs.existsSync(go122))("persist-env (skipped without Go 1.22)", () => {
  it("sets GOBIN when unset, writes the LaunchAgent the dashboard shows, loads it, and says how to undo it", async () => {
    const home = path.join(dir, "home");
    const goEnv = isolatedGoEnv(dir);
    const commands = standinRunner({ dir, goEnv });
    const go = createGoRunner(go122, commands);
    const sink = new RecordingSink();
    const context = { gocache: goEnv.GOCACHE ?? "", runner: go, commands, platform: "darwin" as const, home, uid: 501, sink };
    const result = await runPlan(context, command);
    expect(result).toMatchObject({ status: "succeeded", failedStep: null });

    const gobin = path.join(goEnv.GOPATH ?? "", "bin");
    expect(fs.readFileSync(goEnv.GOENV ?? "", "utf8")).toContain(`GOBIN=${gobin}`);
    const plist = path.join(home, "Library", "LaunchAgents", `${gobinPathLabel}.plist`);
    expect(fs.readFileSync(plist, "utf8")).toBe(gobinLaunchAgentPlist(gobin));
    expect(standinCalls(dir)).toContainEqual(["launchctl", "bootstrap", "gui/501", plist]);
    const log = sink.updates.map((u) => u.log).join("");
    expect(log).toContain(`to undo: launchctl bootout gui/$(id -u)/${gobinPathLabel}; rm "${plist}"; go env -u GOBIN`);

    const persistence = probePersistence(await readGoEnv(go), "darwin", home);
    expect(persistence).toMatchObject({ status: "ok", gobin, launchAgents: { status: "ok", gobinOnPath: true } });

    // Again: GOBIN is set now, the file is the same, launchd already has it.
    const again = await runPlan(context, { ...command, id: "p2" });
    expect(again.status).toBe("succeeded");
    expect(fs.readdirSync(path.dirname(plist))).toEqual([`${gobinPathLabel}.plist`]);
  });

  it("refuses off macOS", async () => {
    const result = await runPlan({ gocache: dir, runner: createGoRunner(go122), commands: standinRunner({ dir }), platform: "linux", home: dir, uid: 1000, sink: new RecordingSink() }, command);
    expect(result).toMatchObject({ status: "failed", failedStep: "persist", error: expect.stringContaining("only on macOS") });
  });
});
