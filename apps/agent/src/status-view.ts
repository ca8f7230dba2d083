// `cachefleet-agent status` for a person: the facts and the verdict in plain words, each finding
// with what to do next. Color is ANSI and only when the caller says the terminal wants it.
import { hitRateOf, type AgentReport, type ProbeStatus } from "@cachefleet/contract";
import type { Finding, Health } from "@cachefleet/health";

export interface Palette {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
}

function ansi(open: number, close: number): (text: string) => string {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const plain: Palette = { bold: (t) => t, dim: (t) => t, green: (t) => t, yellow: (t) => t, red: (t) => t };
const colored: Palette = { bold: ansi(1, 22), dim: ansi(2, 22), green: ansi(32, 39), yellow: ansi(33, 39), red: ansi(31, 39) };

/** Color only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function wantsColor(isTTY: boolean | undefined, noColor: string | undefined): boolean {
  return isTTY === true && (noColor === undefined || noColor === "");
}

export function palette(color: boolean): Palette {
  return color ? colored : plain;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

export function renderStatus(report: AgentReport, findings: readonly Finding[], health: Health, color: boolean): string {
  const p = palette(color);
  const out: string[] = [];
  const row = (label: string, text: string) => out.push(`  ${label.padEnd(13)} ${text}`);
  const more = (text: string) => out.push(`  ${" ".repeat(13)} ${text}`);
  const unavailable = (status: Exclude<ProbeStatus, "ok">, message: string) =>
    status === "error" ? p.red(`could not tell: ${message}`) : p.dim(`not applicable: ${message}`);
  const yes = (good: boolean, ok: string, bad: string) => (good ? p.green(ok) : p.yellow(bad));

  const verdict = health === "healthy" ? p.green("HEALTHY") : health === "warning" ? p.yellow("WARNING") : p.red("CRITICAL");
  const count = findings.length === 1 ? "1 finding" : `${findings.length} findings`;
  out.push(`${p.bold(report.machine.hostname)} (${report.machine.platform}/${report.machine.arch}): ${p.bold(verdict)}, ${count}`);
  out.push("");

  const { go, scan, probes } = report;
  if (go.status === "ok") row("Go", `${go.env.GOVERSION} ${go.env.GOOS}/${go.env.GOARCH}, GOROOT ${go.env.GOROOT}`);
  else row("Go", unavailable(go.status, go.message));
  const toolchain = probes.goToolchain;
  if (toolchain.status === "ok") {
    if (toolchain.buildInfo.status === "ok") {
      const info = toolchain.buildInfo.info;
      const arch = info.settings.GOARCH ? `, ${info.settings.GOARCH} build` : "";
      more(`${toolchain.binary} (built with ${info.goVersion}${arch})`);
    } else more(`${toolchain.binary}: build info ${unavailable(toolchain.buildInfo.status, toolchain.buildInfo.message)}`);
    if (toolchain.toolchains.length === 0) more(p.dim("no other toolchains found"));
    for (const found of toolchain.toolchains) {
      const version = found.version ?? p.yellow(`unknown version${found.error ? ` (${found.error})` : ""}`);
      more(`${found.active ? p.green("●") : "○"} ${version} ${found.root} ${p.dim(`[${found.sources.join(", ")}]`)}`);
    }
  } else row("Toolchains", unavailable(toolchain.status, toolchain.message));

  const hardware = probes.hardware;
  if (hardware.status === "ok") {
    const chip = hardware.appleSilicon ? "Apple Silicon" : "Intel";
    const macos = hardware.macos ? `, ${hardware.macos.productName} ${hardware.macos.productVersion} (${hardware.macos.buildVersion})` : "";
    row("Hardware", `${chip}, uname -m ${hardware.machine || "?"}${macos}`);
    if (hardware.agentTranslated) more(p.yellow("this agent itself runs under Rosetta"));
    if (hardware.goUnderRosetta) more(p.yellow(`Go is an ${hardware.goHostArch} build running under Rosetta`));
    else if (hardware.appleSilicon && hardware.goHostArch) more(p.green(`Go runs natively (${hardware.goHostArch})`));
    for (const note of hardware.notes) more(p.dim(note));
  } else row("Hardware", unavailable(hardware.status, hardware.message));

  const keychain = probes.keychain;
  if (keychain.status === "ok" && keychain.store === "file") row("Cache key", yes(keychain.itemPresent, "in the agent's key file", "no key file yet"));
  else if (keychain.status === "ok") row("Keychain", yes(keychain.itemPresent, `“${keychain.service}” item present`, `no “${keychain.service}” item`));
  else row("Keychain", unavailable(keychain.status, keychain.message));
  if (keychain.status === "ok" && keychain.keyCreatedAt) more(p.dim(`key created ${day(keychain.keyCreatedAt)}`));

  const backend = toolchain.status === "ok" ? toolchain.cacheBackend : null;
  if (backend?.kind === "cachefleet") row("Cache", p.green(`Cachefleet's encrypted cache (helper ${backend.version})`));
  else if (backend?.kind === "other") row("Cache", p.yellow(`another GOCACHEPROG: ${backend.commandLine}`));
  else if (backend?.kind === "disk") row("Cache", "Go's own disk cache (plaintext)");
  const hits = report.cacheHits;
  if (hits) {
    const rate = hitRateOf(hits);
    row("Hit rate", rate === null ? p.dim("no lookups yet") : `${(rate * 100).toFixed(1)}% of ${hits.gets} lookups (${hits.hits} hits, ${hits.puts} stored, ${formatBytes(hits.bytesServed)} served)`);
  }

  if (scan.status === "ok") {
    const summary = scan.summary;
    row("GOCACHE", `${summary.gocache}: ${summary.entries.count} entries, ${formatBytes(summary.entries.bytes)}, ${summary.verdict}`);
  } else row("GOCACHE", unavailable(scan.status, scan.message));
  const permissions = probes.permissions;
  if (permissions.status === "ok") {
    if (!permissions.exists) more(p.yellow("does not exist"));
    else {
      const facts = [
        permissions.isDirectory ? null : p.red("not a folder"),
        permissions.ownedByUser === null ? null : yes(permissions.ownedByUser, "owned by you", `owned by uid ${permissions.ownerUid}`),
        permissions.writable === null ? null : yes(permissions.writable, "writable", "not writable"),
        permissions.hardLinks === null ? null : yes(permissions.hardLinks, "hard links work", "no hard links"),
      ].filter((fact) => fact !== null);
      more(facts.join(", "));
    }
    if (permissions.disk) more(`${formatBytes(permissions.disk.freeBytes)} free of ${formatBytes(permissions.disk.totalBytes)}`);
  } else more(`permissions ${unavailable(permissions.status, permissions.message)}`);
  const drift = probes.versionDrift;
  if (drift.status === "ok") {
    const since = `${drift.currentVersion} since ${day(drift.currentSince)}`;
    if (drift.sharedAcrossVersions) more(p.yellow(`${since}; still holds entries from ${drift.previousVersion}`));
    else if (drift.previousVersion) more(`${since}; before: ${drift.previousVersion}${drift.lastCleanAt ? `, cleaned ${day(drift.lastCleanAt)}` : ""}`);
    else more(`${since}; no other Go version seen`);
  } else more(`version history ${unavailable(drift.status, drift.message)}`);

  const persistence = probes.persistence;
  if (persistence.status === "ok") {
    const goenv = persistence.goenv;
    if (goenv.status === "ok") row("go env -w", goenv.exists && goenv.keys.length > 0 ? `${goenv.keys.join(", ")} ${p.dim(`(${goenv.file})`)}` : p.dim(`nothing set (${goenv.file})`));
    else row("go env -w", unavailable(goenv.status, goenv.message));
    const launchAgents = persistence.launchAgents;
    if (launchAgents.status === "ok") {
      row("LaunchAgents", yes(launchAgents.gobinOnPath, `a PATH holds GOBIN (${persistence.gobin})`, `no PATH holds GOBIN (${persistence.gobin ?? "unset"})`));
      for (const entry of launchAgents.paths) more(p.dim(`${entry.label ?? entry.file} sets PATH via ${entry.via}${entry.holdsGobin ? " (with GOBIN)" : ""}`));
      for (const entry of launchAgents.unreadable) more(p.dim(`${entry.file}: ${entry.message}`));
    } else row("LaunchAgents", unavailable(launchAgents.status, launchAgents.message));
  } else row("Persistence", unavailable(persistence.status, persistence.message));

  const tools = probes.tools;
  if (tools.status === "ok") {
    if (!tools.exists) row("Tools", p.dim(`${tools.dir} does not exist`));
    else {
      const goTools = tools.binaries.filter((tool) => tool.kind === "go").length;
      row("Tools", `${tools.dir}: ${goTools} Go, ${tools.binaries.length - goTools} other${tools.truncated ? ` (first ${tools.binaries.length} of ${tools.total})` : ""}`);
      for (const tool of tools.binaries) {
        if (tool.kind === "go") more(`${tool.name} ${tool.module?.version ?? ""} ${p.dim(`${tool.module?.path ?? tool.path ?? ""}, ${tool.goVersion}`)}`);
        else if (tool.kind === "not-go") more(p.dim(`${tool.name} (not a Go program)`));
        else more(p.red(`${tool.name}: ${tool.message}`));
      }
    }
  } else row("Tools", unavailable(tools.status, tools.message));

  out.push("");
  if (findings.length === 0) {
    out.push(p.green("Nothing to do."));
  } else {
    out.push(p.bold("What to do"));
    for (const finding of findings) {
      const mark =
        finding.severity === "critical" ? p.red("✖ critical") : finding.severity === "warning" ? p.yellow("! warning ") : p.dim("i info    ");
      out.push(`  ${mark}  ${finding.title}`);
      out.push(`              → ${finding.action}`);
    }
  }
  return `${out.join("\n")}\n`;
}
