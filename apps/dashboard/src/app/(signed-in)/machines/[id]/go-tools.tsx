// The Go tools installed in GOBIN: module, version, and the Go release that built each.
import type { AgentProbes } from "@cachefleet/contract";
import { EmptyState } from "~/components/empty-state";
import { Card, CardContent } from "~/components/ui/card";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { formatCount } from "~/format";
import { GobinValue } from "./gobin";
import { Section } from "./section";

export function GoTools({ tools }: { tools: AgentProbes["tools"] }) {
  const goTools = tools.status === "ok" ? tools.binaries.flatMap((tool) => (tool.kind === "go" ? [tool] : [])) : [];
  const others = tools.status === "ok" ? tools.binaries.filter((tool) => tool.kind !== "go") : [];
  return (
    <Section id="tools" title="Installed Go tools" description={tools.status === "ok" ? <>In GOBIN, <GobinValue gobin={{ dir: tools.dir, isDefault: tools.dirFrom !== "GOBIN" }} /></> : undefined}>
      {tools.status !== "ok" ? (
        <p className={tools.status === "error" ? "text-sm text-destructive" : "text-sm text-muted-foreground"}>
          {tools.status === "error" ? "Could not list the tools: " : "Not applicable: "}
          {tools.message}
        </p>
      ) : goTools.length === 0 ? (
        <EmptyState title="No Go tools" description={tools.exists ? "Nothing installed with go install." : "The folder does not exist: no Go tools are installed."} className="py-8" />
      ) : (
        <Card className="py-2">
          <CardContent className="px-4">
            <Table data-testid="go-tools">
              {tools.truncated ? <TableCaption className="text-left">The first {formatCount(tools.binaries.length)} of {formatCount(tools.total)} executables.</TableCaption> : null}
              <TableHeader>
                <TableRow>
                  <TableHead scope="col">Tool</TableHead>
                  <TableHead scope="col">Module</TableHead>
                  <TableHead scope="col">Version</TableHead>
                  <TableHead scope="col">Built with</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {goTools.map((tool) => (
                  <TableRow key={tool.name} data-testid="go-tool-row">
                    <TableHead scope="row" className="font-medium">
                      {tool.name}
                    </TableHead>
                    <TableCell>{tool.module?.path ?? tool.path ?? "—"}</TableCell>
                    <TableCell>{tool.module?.version ?? "—"}</TableCell>
                    <TableCell>{tool.goVersion}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      )}
      {others.length > 0 ? (
        <p className="text-sm text-muted-foreground">
          Also there, not Go programs or unreadable: {others.map((tool) => (tool.kind === "error" ? `${tool.name} (${tool.message})` : tool.name)).join(", ")}.
        </p>
      ) : null}
    </Section>
  );
}
