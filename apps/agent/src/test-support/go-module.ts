// A real Go module for the cache helper's tests and benchmark: `packages` library packages in a
// chain (each imports the one before, plus a few standard packages) and a command that prints a
// line built from all of them, so a wrong cached output shows as a wrong line. Standard library
// only: it builds offline.
import fs from "node:fs";
import path from "node:path";

export const modulePath = "example.com/fleetcheck";

export interface GoModuleOptions {
  packages: number;
  /** Standard packages every library package imports (besides the previous package). */
  std?: readonly string[];
}

function packageName(index: number): string {
  return `pkg${String(index).padStart(3, "0")}`;
}

/** Writes the module into `dir`; returns the line `go run ./cmd/app` prints. */
export function writeGoModule(dir: string, options: GoModuleOptions): string {
  const std = options.std ?? ["strings"];
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "go.mod"), `module ${modulePath}\n\ngo 1.21\n`);
  for (let index = 1; index <= options.packages; index++) {
    const name = packageName(index);
    const previous = index > 1 ? packageName(index - 1) : null;
    const imports = [...std.map((pkg) => `\t"${pkg}"`), ...(previous ? [`\t"${modulePath}/${previous}"`] : [])];
    const uses = std.map((pkg) => `\t_ = ${usageOf(pkg)}`).join("\n");
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    fs.writeFileSync(
      path.join(dir, name, `${name}.go`),
      `// Package ${name} is generated for the cache helper's tests.
package ${name}

import (
${imports.join("\n")}
)

// Value is this package's share of the command's output.
func Value() int {
${uses}
	return ${index}${previous ? ` + ${previous}.Value()` : ""}
}
`,
    );
  }
  const last = packageName(options.packages);
  fs.mkdirSync(path.join(dir, "cmd", "app"), { recursive: true });
  fs.writeFileSync(
    path.join(dir, "cmd", "app", "main.go"),
    `package main

import "${modulePath}/${last}"

func main() {
	println("fleetcheck", ${last}.Value())
}
`,
  );
  return `fleetcheck ${(options.packages * (options.packages + 1)) / 2}`;
}

/** An expression that uses `pkg`, so the import is needed. */
function usageOf(pkg: string): string {
  const known: Record<string, string> = {
    strings: `strings.ToUpper("x")`,
    strconv: `strconv.Itoa(1)`,
    sort: `sort.IntsAreSorted(nil)`,
    "encoding/json": `json.Valid(nil)`,
    "net/url": `url.PathEscape("x")`,
    fmt: `fmt.Sprint(1)`,
    bytes: `bytes.ToUpper(nil)`,
    "crypto/sha256": `sha256.Sum256(nil)`,
    "text/template": `template.HTMLEscapeString("x")`,
    "regexp": `regexp.QuoteMeta("x")`,
  };
  const usage = known[pkg];
  if (!usage) throw new Error(`No usage known for ${pkg}`);
  return usage;
}
