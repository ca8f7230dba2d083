// Apple hardware facts: Apple Silicon or Intel, whether the agent runs under Rosetta, the macOS
// version, and whether the Go toolchain is an amd64 build running translated on Apple Silicon.
// macOS only; elsewhere the probe is not applicable.
import { probeLimits, type GoEnv, type HardwareProbe, type MacOSVersion } from "@cachefleet/contract";
import type { Command, RunResult } from "../commands.js";
import { clip, errorMessage, failed, notApplicable } from "./answer.js";
import type { ProbeContext } from "./context.js";

type SysctlFlag = { value: boolean } | { problem: string };

/**
 * `sysctl -n NAME` for a 0/1 flag. An OID the kernel does not know (hw.optional.arm64 on older
 * Intel Macs, sysctl.proc_translated before Rosetta 2) means the feature is absent: sysctl says
 * "unknown oid" on stderr and exits non-zero; some releases print 0 or nothing instead.
 */
export function readSysctlFlag(result: RunResult): SysctlFlag {
  const out = result.stdout.trim();
  if (result.exitCode === 0 && (out === "1" || out === "0" || out === "")) return { value: out === "1" };
  if (result.exitCode !== 0 && /unknown oid/i.test(result.stderr)) return { value: false };
  return { problem: `sysctl exited ${result.exitCode}: ${(result.stderr || result.stdout).trim()}` };
}

/** `sw_vers` prints "ProductName:\tmacOS" lines (tabs vary between releases). */
export function parseSwVers(stdout: string): MacOSVersion | null {
  const fields = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const match = /^(\w+):\s*(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) fields.set(match[1], match[2].trim());
  }
  const productVersion = fields.get("ProductVersion");
  if (!productVersion) return null;
  return {
    productName: clip(fields.get("ProductName") ?? "macOS", 256),
    productVersion: clip(productVersion, 256),
    buildVersion: clip(fields.get("BuildVersion") ?? "", 256),
  };
}

export async function probeHardware(context: ProbeContext, env: GoEnv | null): Promise<HardwareProbe> {
  if (context.platform !== "darwin") return notApplicable("Apple hardware facts (sysctl, sw_vers) exist only on macOS.");
  const notes: string[] = [];
  const attempt = async (command: Command): Promise<RunResult | null> => {
    try {
      return await context.commands.run(command);
    } catch (error) {
      notes.push(clip(errorMessage(error)));
      return null;
    }
  };
  try {
    const [arm64Result, translatedResult, unameResult, swVersResult] = await Promise.all([
      context.commands.run({ kind: "sysctl-arm64" }),
      attempt({ kind: "sysctl-translated" }),
      attempt({ kind: "uname-machine" }),
      attempt({ kind: "sw-vers" }),
    ]);
    // Without hw.optional.arm64 nothing else here can be judged, so its failure fails the probe.
    const arm64 = readSysctlFlag(arm64Result);
    if ("problem" in arm64) return failed(arm64.problem);

    let agentTranslated = false;
    if (translatedResult) {
      const translated = readSysctlFlag(translatedResult);
      if ("value" in translated) agentTranslated = translated.value;
      else notes.push(clip(translated.problem));
    }
    let machine = "";
    if (unameResult && unameResult.exitCode === 0) machine = clip(unameResult.stdout.trim(), 256);
    else if (unameResult) notes.push(clip(`uname -m exited ${unameResult.exitCode}: ${unameResult.stderr.trim()}`));
    let macos: MacOSVersion | null = null;
    if (swVersResult && swVersResult.exitCode === 0) {
      macos = parseSwVers(swVersResult.stdout);
      if (!macos) notes.push("sw_vers printed no ProductVersion.");
    } else if (swVersResult) notes.push(clip(`sw_vers exited ${swVersResult.exitCode}: ${swVersResult.stderr.trim()}`));

    const goHostArch = env?.GOHOSTARCH ? clip(env.GOHOSTARCH, 256) : null;
    return {
      status: "ok",
      machine,
      appleSilicon: arm64.value,
      agentTranslated,
      macos,
      goHostArch,
      goUnderRosetta: arm64.value && goHostArch === "amd64",
      notes: notes.slice(0, probeLimits.notes),
    };
  } catch (error) {
    return failed(error);
  }
}
