// Every fact the agent's probes found, grouped the way an admin asks about a machine. Each group
// says whether its probe ran (ok), did not apply (e.g. macOS-only facts on Linux) or failed.
import type { ReactNode } from "react";
import type { AgentProbes, GoProbe } from "@cachefleet/contract";
import { RelativeTime } from "~/components/relative-time";
import { formatBytes } from "~/format";
import type { MachineReport } from "./types";

type ProbeOutcome = { status: "ok" } | { status: "not-applicable" | "error"; message: string };

const outcomeLabels = { "ok": "ok", "not-applicable": "not applicable", "error": "error" } as const;

function ProbeGroup({ id, title, outcome, children }: { id: string; title: string; outcome: ProbeOutcome; children?: ReactNode }) {
  return (
    <section className="card probe-group" aria-labelledby={`probe-${id}-heading`} data-testid={`probe-${id}`}>
      <div className="command-header">
        <h3 id={`probe-${id}-heading`}>{title}</h3>
        <span className={`badge probe-${outcome.status}`} data-testid="probe-status">
          {outcomeLabels[outcome.status]}
        </span>
      </div>
      {outcome.status === "ok" ? (
        <dl className="facts">{children}</dl>
      ) : (
        <p className={outcome.status === "error" ? "error" : "muted"} data-testid="probe-message">
          {outcome.status === "error" ? "Could not tell: " : "Not applicable: "}
          {outcome.message}
        </p>
      )}
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const yesNo = (value: boolean | null, yes = "yes", no = "no") => (value === null ? "unknown" : value ? yes : no);

function IdentityGroup({ report }: { report: MachineReport }) {
  const { machine } = report;
  const hardware = report.probes.hardware;
  const macos = hardware.status === "ok" ? hardware.macos : null;
  return (
    <ProbeGroup id="identity" title="Identity and OS" outcome={{ status: "ok" }}>
      <Fact label="Hostname">{machine.hostname}</Fact>
      <Fact label="User">{machine.username || "—"}</Fact>
      <Fact label="Platform">
        {machine.platform} {machine.osRelease}
      </Fact>
      <Fact label="macOS">{macos ? `${macos.productName} ${macos.productVersion} (${macos.buildVersion})` : <span className="muted">not applicable</span>}</Fact>
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
            <code>{toolchain.binary}</code>
            {toolchain.buildInfo.status === "ok" ? (
              <span className="muted">
                {" "}
                built with {toolchain.buildInfo.info.goVersion}, {toolchain.buildInfo.info.settings.GOARCH ?? "unknown arch"}
              </span>
            ) : (
              <span className="muted"> (build info: {toolchain.buildInfo.message})</span>
            )}
          </Fact>
          <Fact label="Toolchains found">
            {toolchain.toolchains.length === 0 ? (
              "none besides the go above"
            ) : (
              <ul className="plain-list" data-testid="toolchains">
                {toolchain.toolchains.map((found) => (
                  <li key={found.root}>
                    {found.version ?? "unknown version"}
                    {found.active ? " (active)" : ""} at <code>{found.root}</code>
                    <span className="muted"> via {found.sources.join(", ") || "—"}</span>
                    {found.error ? <span className="error"> {found.error}</span> : null}
                  </li>
                ))}
              </ul>
            )}
          </Fact>
          {go.status === "ok"
            ? goEnvKeys.map((key) => (
                <Fact key={key} label={key}>
                  {go.env[key] ? <code>{go.env[key]}</code> : <span className="muted">unset</span>}
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
            <code>{permissions.gocache}</code>
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

function KeychainGroup({ keychain }: { keychain: AgentProbes["keychain"] }) {
  return (
    <ProbeGroup id="keychain" title="Keychain" outcome={keychain}>
      {keychain.status === "ok" ? (
        <>
          <Fact label="Encryption key item">{keychain.itemPresent ? "present" : "missing"}</Fact>
          <Fact label="Service">
            <code>{keychain.service}</code> <span className="muted">(presence only; the secret is never read)</span>
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
      <Fact label="GOBIN">{persistence.gobin ? <code>{persistence.gobin}</code> : <span className="muted">neither GOBIN nor GOPATH set</span>}</Fact>
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
              <ul className="plain-list">
                {launchAgents.paths.map((entry) => (
                  <li key={`${entry.file}:${entry.via}`}>
                    <code>{entry.label ?? entry.file}</code> via {entry.via}
                    {entry.holdsGobin ? " (holds GOBIN)" : ""}
                    {entry.ownAgent ? " (Cachefleet's agent)" : ""}
                  </li>
                ))}
              </ul>
            ) : null}
            {launchAgents.unreadable.length > 0 ? <span className="error"> {launchAgents.unreadable.length} unreadable</span> : null}
          </>
        ) : (
          <span className={launchAgents.status === "error" ? "error" : "muted"}>
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
            {drift.currentVersion} <span className="muted">since</span> <RelativeTime iso={drift.currentSince} />
          </Fact>
          <Fact label="Previous Go">
            {drift.previousVersion ?? "none seen"}
            {drift.previousLastSeenAt ? (
              <>
                {" "}
                <span className="muted">last seen</span> <RelativeTime iso={drift.previousLastSeenAt} />
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

export function ProbeGroups({ report }: { report: MachineReport }) {
  const { probes } = report;
  return (
    <section aria-labelledby="probes-heading" data-testid="probes">
      <h2 id="probes-heading">Machine probes</h2>
      <div className="probe-groups">
        <IdentityGroup report={report} />
        <HardwareGroup hardware={probes.hardware} />
        <GoGroup go={report.go} toolchain={probes.goToolchain} />
        <GocacheGroup permissions={probes.permissions} />
        <KeychainGroup keychain={probes.keychain} />
        <PersistenceGroup persistence={probes.persistence} />
        <DriftGroup drift={probes.versionDrift} />
      </div>
    </section>
  );
}
