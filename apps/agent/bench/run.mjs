// Bundles a benchmark (TypeScript, importing the agent's sources and the helper's Go source as
// text, as build.mjs does) into dist/bench and runs it: `node bench/run.mjs cacheprog-bench`.
import { spawnSync } from "node:child_process";
import { build } from "esbuild";

const name = process.argv[2];
if (!name || !/^[\w-]+$/.test(name)) throw new Error("usage: node bench/run.mjs <bench name>");
const outfile = `dist/bench/${name}.js`;
await build({
  entryPoints: [`bench/${name}.ts`],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  loader: { ".go": "text" },
  banner: { js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);' },
  conditions: ["source"],
  logLevel: "warning",
});
const result = spawnSync(process.execPath, [outfile, ...process.argv.slice(3)], { stdio: "inherit" });
process.exitCode = result.status ?? 1;
