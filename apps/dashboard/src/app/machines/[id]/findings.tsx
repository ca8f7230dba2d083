// What is wrong with the machine under the team's current policy, most severe first, and what to do.
import type { MachineDetail } from "./types";

export function Findings({ machine }: { machine: MachineDetail }) {
  const { policy } = machine;
  return (
    <section aria-labelledby="findings-heading">
      <h2 id="findings-heading">Findings</h2>
      <p className="muted">
        Evaluated with the team policy:{" "}
        {policy.requireEncryption ? `encrypted caches required from Go ${policy.requireEncryptedFromGo}` : "encrypted caches not required"}.
      </p>
      {machine.latestReport === null ? (
        <p className="muted">No report yet: findings appear after the agent&apos;s first report.</p>
      ) : machine.findings.length === 0 ? (
        <p className="muted" data-testid="no-findings">
          No findings: this machine follows the team&apos;s policy.
        </p>
      ) : (
        <ul className="findings">
          {machine.findings.map((finding) => (
            <li key={finding.rule} className={`severity-${finding.severity}`} data-testid="finding" data-rule={finding.rule}>
              <span className={`badge severity-badge-${finding.severity}`} data-testid="finding-severity">
                {finding.severity}
              </span>{" "}
              <strong>{finding.title}</strong>
              <div data-testid="finding-action">
                <span className="muted">What to do: </span>
                {finding.action}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
