// The Go tools installed in GOBIN: module, version, and the Go release that built each.
import type { AgentProbes } from "@cachefleet/contract";

export function GoTools({ tools }: { tools: AgentProbes["tools"] }) {
  const goTools = tools.status === "ok" ? tools.binaries.flatMap((tool) => (tool.kind === "go" ? [tool] : [])) : [];
  const others = tools.status === "ok" ? tools.binaries.filter((tool) => tool.kind !== "go") : [];
  return (
    <section aria-labelledby="tools-heading">
      <h2 id="tools-heading">Installed Go tools</h2>
      {tools.status !== "ok" ? (
        <p className={tools.status === "error" ? "error" : "muted"}>
          {tools.status === "error" ? "Could not list the tools: " : "Not applicable: "}
          {tools.message}
        </p>
      ) : !tools.exists ? (
        <p className="muted">
          <code>{tools.dir}</code> does not exist: no Go tools are installed.
        </p>
      ) : goTools.length === 0 ? (
        <p className="muted">
          No Go tools in <code>{tools.dir}</code>.
        </p>
      ) : (
        <table data-testid="go-tools">
          <caption className="muted">
            In <code>{tools.dir}</code> ({tools.dirFrom})
            {tools.truncated ? `; the first ${tools.binaries.length} of ${tools.total} executables` : ""}
          </caption>
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col">Module</th>
              <th scope="col">Version</th>
              <th scope="col">Built with</th>
            </tr>
          </thead>
          <tbody>
            {goTools.map((tool) => (
              <tr key={tool.name} data-testid="go-tool-row">
                <th scope="row">{tool.name}</th>
                <td>{tool.module?.path ?? tool.path ?? "—"}</td>
                <td>{tool.module?.version ?? "—"}</td>
                <td>{tool.goVersion}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {others.length > 0 ? (
        <p className="muted">
          Also there, not Go programs or unreadable: {others.map((tool) => (tool.kind === "error" ? `${tool.name} (${tool.message})` : tool.name)).join(", ")}.
        </p>
      ) : null}
    </section>
  );
}
