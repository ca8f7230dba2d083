// Bundles the agent for plain `node` (dist/cli.js and the chunks it loads), so a Mac needs only
// Node. Each command's handler is its own chunk, loaded when that command runs: the long-lived
// `run` never holds the code of `status`, `install` or `migrate`, and a scan worker (which starts
// the file its code is in) loads the scanner's chunk instead of the whole agent.
//   node build.mjs [OUTDIR]   (default: dist; tests build their own copy elsewhere)
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

const outdir = process.argv[2] ?? "dist";

await build({
  entryPoints: { cli: "src/bin.ts" },
  outdir,
  // Named by content: an agent still running from an earlier build keeps finding its own chunks.
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  legalComments: "none",
  define: { AGENT_VERSION: JSON.stringify(version) },
  // The cache helper's Go source travels inside the bundle as text; the agent compiles it on the Mac.
  loader: { ".go": "text" },
  banner: {
    // Bundled CommonJS dependencies still call require(); give them one (in every chunk).
    js: '#!/usr/bin/env node\nimport { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
  },
  // Workspace packages expose their TypeScript under the "source" condition, so the bundle is
  // built from source and needs no earlier build of its dependencies.
  conditions: ["source"],
  logLevel: "warning",
});
