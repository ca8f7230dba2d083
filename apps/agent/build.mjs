// Bundles the agent into one file that plain `node` runs (dist/cli.js), so a Mac needs only Node
// and the dashboard can serve the agent as that one file. Each command's handler is imported on
// demand (cli/table.ts): in one bundle esbuild turns those imports into lazily run module
// initialisers, so a command evaluates only the modules it uses.
//   node build.mjs [OUTDIR]   (default: dist; tests build their own copy elsewhere)
import { readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

const outdir = process.argv[2] ?? "dist";

await build({
  entryPoints: ["src/bin.ts"],
  outfile: path.join(outdir, "cli.js"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  legalComments: "none",
  define: {
    AGENT_VERSION: JSON.stringify(version),
    // tRPC's httpLink asks `input instanceof FormData` of every call, and reading Node's global
    // FormData loads undici (Node's fetch), ~12 MB that then stay resident in the daemon although
    // it never uses fetch (src/http-fetch.ts). The agent sends no FormData, so its bundle answers
    // that question with a class nothing is an instance of. agent-faults.test.ts checks that the
    // running agent never loads undici.
    FormData: "AgentSendsNoFormData",
  },
  // The cache helper's Go source travels inside the bundle as text; the agent compiles it on the Mac.
  loader: { ".go": "text" },
  banner: {
    // Bundled CommonJS dependencies still call require(); give them one.
    js: '#!/usr/bin/env node\nimport { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);\nclass AgentSendsNoFormData {}',
  },
  // Workspace packages expose their TypeScript under the "source" condition, so the bundle is
  // built from source and needs no earlier build of its dependencies.
  conditions: ["source"],
  logLevel: "warning",
});
