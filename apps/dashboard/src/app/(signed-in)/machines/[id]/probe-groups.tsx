// Every fact the agent's probes found, grouped the way an admin asks about a machine. Each group
// says whether its probe ran (ok), did not apply (e.g. macOS-only facts on Linux) or failed.
import type { ReactNode } from "react";
import type { AgentProbes, GoProbe } from "@cachefleet/contract";
import { RelativeTime } from "~/components/relative-time";
import { Badge } from "~/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "~/components/ui/card";
import { formatBytes } from "~/format";
import { GobinValue, gobinFromEnv } from "./gobin";
import { Fact, FactList, Muted, Section } from "./section";
import type { MachineDetail, MachineReport } from "./types";

/** What the fleet calls the machine (`hostname`) and what its OS does (`osHostname`), as its detail gives them. */
type MachineNameFacts = Pick<MachineDetail, "hostname" | "osHostname">;

type ProbeOutcome = { status: "ok" } | { status: "not-applicable" | "error"; message: string };

const outcomeLabels = { "ok": "ok", "not-applicable": "not applicable", "error": "error" } as const;
const outcomeTones = { "ok": "success", "not-applicable": "neutral", "error": "danger" } as const;

function ProbeGroup({
  id,
  title,
  outcome,
  badge = outcome.status,
  children,
}: {
  id: string;
  title: string;
  outcome: ProbeOutcome;
  /** The badge, when it says more than the probe's own outcome (a key file where no Keychain exists). */
  badge?: ProbeOutcome["status"];
  children?: ReactNode;
}) {
  return (
    <Card className="gap-4 py-5" aria-labelledby={`probe-${id}-heading`} role="region" data-testid={`probe-${id}`}>
      <CardHeader className="flex items-center justify-between gap-2">
        <CardTitle id={`probe-${id}-heading`} role="heading" aria-level={3}>
          {title}
        </CardTitle>
        <Badge variant={outcomeTones[badge]} data-testid="probe-status">
          {outcomeLabels[badge]}
        </Badge>
      </CardHeader>
      <CardContent>
        {outcome.status === "ok" ? (
          <FactList>{children}</FactList>
        ) : (
          <p className={outcome.status === "error" ? "text-sm text-destructive" : "text-sm text-muted-foreground"} data-testid="probe-message">
            {outcome.status === "error" ? "Could not tell: " : "Not applicable: "}
            {outcome.message}
          </p>
        )}
      </CardContent>
    </Card>
  );
}

const yesNo = (value: boolean | null, yes = "yes", no = "no") => (value === null ? "unknown" : value ? yes : no);

/**
 * The name the fleet calls the machine and the hostname its OS reports. With no name set they are
 * one value, shown once, as the hostname (the page's heading already shows it as the name). An
 * agent from before the OS hostname was reported leaves it "not reported": the name may be one
 * the developer set, so it is not passed off as the hostname.
 */
function MachineNames({ names }: { names: MachineNameFacts }) {
  if (names.osHostname === names.hostname) {
    return (
      <Fact label="Hostname" testId="machine-hostname">
        {names.osHostname}
      </Fact>
    );
  }
  return (
    <>
      <Fact label="Name" testId="machine-name">
        {names.hostname}
      </Fact>
      <Fact label="Hostname" testId="machine-hostname">
        {names.osHostname ?? <Muted>not reported</Muted>}
      </Fact>
    </>
  );
}

function IdentityGroup({ names, report }: { names: MachineNameFacts; report: MachineReport }) {
  const { machine } = report;
  const hardware = report.probes.hardware;
  const macos = hardware.status === "ok" ? hardware.macos : null;
  return (
    <ProbeGroup id="identity" title="Identity and OS" outcome={{ status: "ok" }}>
      <MachineNames names={names} />
      <Fact label="User">{machine.username || "—"}</Fact>
      <Fact label="Platform">
        {machine.platform} {machine.osRelease}
      </Fact>
      <Fact label="macOS">{macos ? `${macos.productName} ${macos.productVersion} (${macos.buildVersion})` : <Muted>not applicable</Muted>}</Fact>
      <Fact label="Agent">{report.agentVersion}</Fact>
      <Fact label="Reported">
        <RelativeTime iso={report.takenAt} />
      </Fact>
    </ProbeGroup>
  );
}

function HardwareGroup({ hardware }: { hardware: AgentProbes["hardware"] }) {
  return (
    <ProbeGroup id="hardware" title="Hardware and Rosetta" outcome={hardware}>
      {hardware.status === "ok" ? (
        <>
          <Fact label="Processor">{hardware.appleSilicon ? "Apple Silicon" : "Intel or other"}</Fact>
          <Fact label="uname -m">{hardware.machine || "—"}</Fact>
          <Fact label="Go host architecture">{hardware.goHostArch ?? "unknown"}</Fact>
          <Fact label="Go under Rosetta">{yesNo(hardware.goUnderRosetta, "yes: an amd64 Go runs translated")}</Fact>
          <Fact label="Agent under Rosetta">{yesNo(hardware.agentTranslated)}</Fact>
          {hardware.notes.length > 0 ? <Fact label="Notes">{hardware.notes.join("; ")}</Fact> : null}
        </>
      ) : null}
    </ProbeGroup>
  );
}

const goEnvKeys = ["GOVERSION", "GOOS", "GOARCH", "GOHOSTARCH", "GOROOT", "GOPATH", "GOBIN", "GOCACHE", "GOMODCACHE", "GOENV", "GOTOOLCHAIN"] as const;

function GoGroup({ go, toolchain }: { go: GoProbe; toolchain: AgentProbes["goToolchain"] }) {
  return (
    <ProbeGroup id="go" title="Go toolchains and go env" outcome={toolchain.status === "ok" ? go : toolchain}>
      {toolchain.status === "ok" ? (
        <>
          <Fact label="go binary">
            <code className="text-xs">{toolchain.binary}</code>
            {toolchain.buildInfo.status === "ok" ? (
              <span className="text-muted-foreground">
                {" "}
                built with {toolchain.buildInfo.info.goVersion}, {toolchain.buildInfo.info.settings.GOARCH ?? "unknown arch"}
              </span>
            ) : (
              <span className="text-muted-foreground"> (build info: {toolchain.buildInfo.message})</span>
            )}
          </Fact>
          <Fact label="Toolchains found">
            {toolchain.toolchains.length === 0 ? (
              "none besides the go above"
            ) : (
              <ul className="mt-1 space-y-1" data-testid="toolchains">
                {toolchain.toolchains.map((found) => (
                  <li key={found.root}>
                    {found.version ?? "unknown version"}
                    {found.active ? " (active)" : ""} at <code className="text-xs">{found.root}</code>
                    <span className="text-muted-foreground"> via {found.sources.join(", ") || "—"}</span>
                    {found.error ? <span className="text-destructive"> {found.error}</span> : null}
                  </li>
                ))}
              </ul>
            )}
          </Fact>
          {go.status === "ok"
            ? goEnvKeys.map((key) => (
                <Fact key={key} label={key}>
                  {key === "GOBIN" ? <GobinValue gobin={gobinFromEnv(go.env)} /> : go.env[key] ? <code className="text-xs">{go.env[key]}</code> : <Muted>unset</Muted>}
                </Fact>
              ))
            : null}
        </>
      ) : null}
    </ProbeGroup>
  );
}

function GocacheGroup({ permissions }: { permissions: AgentProbes["permissions"] }) {
  return (
    <ProbeGroup id="permissions" title="GOCACHE and permissions" outcome={permissions}>
      {permissions.status === "ok" ? (
        <>
          <Fact label="Path">
            <code className="text-xs">{permissions.gocache}</code>
          </Fact>
          <Fact label="Exists">{permissions.exists ? (permissions.isDirectory ? "yes, a folder" : "yes, but not a folder") : "no"}</Fact>
          <Fact label="Owned by the user">
            {yesNo(permissions.ownedByUser)}
            {permissions.ownedByUser === false ? ` (uid ${permissions.ownerUid}, user uid ${permissions.userUid})` : ""}
          </Fact>
          <Fact label="Writable">{yesNo(permissions.writable)}</Fact>
          <Fact label="Hard links">
            {yesNo(permissions.hardLinks, "supported", "not supported")}
            {permissions.hardLinkError ? ` (${permissions.hardLinkError})` : ""}
          </Fact>
          <Fact label="Disk">{permissions.disk ? `${formatBytes(permissions.disk.freeBytes)} free of ${formatBytes(permissions.disk.totalBytes)}` : "unknown"}</Fact>
        </>
      ) : null}
    </ProbeGroup>
  );
}

/**
 * The Keychain exists on macOS only, so elsewhere the card says "not applicable" whatever the
 * probe answered; an agent there that keeps the key in its 0600 key file shows that file's state.
 */
function KeychainGroup({ keychain, platform }: { keychain: AgentProbes["keychain"]; platform: string }) {
  if (platform !== "darwin") {
    const outcome: ProbeOutcome =
      keychain.status === "ok"
        ? { status: "ok" }
        : keychain.status === "not-applicable"
          ? keychain
          : { status: "not-applicable", message: `the Keychain exists on macOS only; the agent's key file could not be read (${keychain.message})` };
    return (
      <ProbeGroup id="keychain" title="Keychain" outcome={outcome} badge="not-applicable">
        {keychain.status === "ok" ? (
          <>
            <Fact label="Keychain">
              <Muted>not applicable: the Keychain exists on macOS only</Muted>
            </Fact>
            <Fact label="Key file">
              {keychain.itemPresent ? "present" : "missing"} <Muted>(the agent&apos;s 0600 key file stands in for the Keychain)</Muted>
            </Fact>
          </>
        ) : null}
      </ProbeGroup>
    );
  }
  return (
    <ProbeGroup id="keychain" title="Keychain" outcome={keychain}>
      {keychain.status === "ok" ? (
        <>
          <Fact label="Encryption key item">{keychain.itemPresent ? "present" : "missing"}</Fact>
          <Fact label="Service">
            <code className="text-xs">{keychain.service}</code> <Muted>(presence only; the secret is never read)</Muted>
          </Fact>
        </>
      ) : null}
    </ProbeGroup>
  );
}

function PersistenceGroup({ persistence }: { persistence: AgentProbes["persistence"] }) {
  if (persistence.status !== "ok") return <ProbeGroup id="persistence" title="Environment persistence" outcome={persistence} />;
  const { goenv, launchAgents } = persistence;
  return (
    <ProbeGroup id="persistence" title="Environment persistence" outcome={persistence}>
      <Fact label="GOBIN">
        <GobinValue gobin={persistence.gobin === null ? null : { dir: persistence.gobin, isDefault: persistence.gobinFrom !== "GOBIN" }} />
      </Fact>
      <Fact label="go env -w">
        {goenv.status === "ok"
          ? goenv.exists
            ? goenv.keys.length > 0
              ? goenv.keys.join(", ")
              : "the file sets nothing"
            : "no GOENV file"
          : `${outcomeLabels[goenv.status]}: ${goenv.message}`}
      </Fact>
      <Fact label="LaunchAgents">
        {launchAgents.status === "ok" ? (
          <>
            {launchAgents.plists} plists; GOBIN {launchAgents.gobinOnPath ? "is" : "is not"} on a LaunchAgent PATH
            {launchAgents.paths.length > 0 ? (
              <ul className="mt-1 space-y-1">
                {launchAgents.paths.map((entry) => (
                  <li key={`${entry.file}:${entry.via}`}>
                    <code className="text-xs">{entry.label ?? entry.file}</code> via {entry.via}
                    {entry.holdsGobin ? " (holds GOBIN)" : ""}
                    {entry.ownAgent ? " (Cachefleet's agent)" : ""}
                  </li>
                ))}
              </ul>
            ) : null}
            {launchAgents.unreadable.length > 0 ? <span className="text-destructive"> {launchAgents.unreadable.length} unreadable</span> : null}
          </>
        ) : (
          <span className={launchAgents.status === "error" ? "text-destructive" : "text-muted-foreground"}>
            {outcomeLabels[launchAgents.status]}: {launchAgents.message}
          </span>
        )}
      </Fact>
    </ProbeGroup>
  );
}

function DriftGroup({ drift }: { drift: AgentProbes["versionDrift"] }) {
  return (
    <ProbeGroup id="drift" title="Version drift" outcome={drift}>
      {drift.status === "ok" ? (
        <>
          <Fact label="Current Go">
            {drift.currentVersion} <Muted>since</Muted> <RelativeTime iso={drift.currentSince} />
          </Fact>
          <Fact label="Previous Go">
            {drift.previousVersion ?? "none seen"}
            {drift.previousLastSeenAt ? (
              <>
                {" "}
                <Muted>last seen</Muted> <RelativeTime iso={drift.previousLastSeenAt} />
              </>
            ) : null}
          </Fact>
          <Fact label="Last clean">
            <RelativeTime iso={drift.lastCleanAt} fallback="none seen" />
          </Fact>
          <Fact label="Shared across versions">{drift.sharedAcrossVersions ? "yes: entries from the earlier Go remain" : "no"}</Fact>
        </>
      ) : null}
    </ProbeGroup>
  );
}

export function ProbeGroups({ names, report }: { names: MachineNameFacts; report: MachineReport }) {
  const { probes } = report;
  return (
    <Section id="probes" title="Machine probes" description="Every fact the agent's probes found in its latest report.">
      <div className="grid gap-4 lg:grid-cols-2" data-testid="probes">
        <IdentityGroup names={names} report={report} />
        <HardwareGroup hardware={probes.hardware} />
        <GoGroup go={report.go} toolchain={probes.goToolchain} />
        <GocacheGroup permissions={probes.permissions} />
        <KeychainGroup keychain={probes.keychain} platform={report.machine.platform} />
        <PersistenceGroup persistence={probes.persistence} />
        <DriftGroup drift={probes.versionDrift} />
      </div>
    </Section>
  );
}
