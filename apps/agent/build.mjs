// Bundles the agent into one file that plain `node` runs (dist/cli.js), so a Mac needs only Node
// and the dashboard can serve the agent as that one file. Each command's handler is imported on
// demand (cli/table.ts): in one bundle esbuild turns those imports into lazily run module
// initialisers, so a command evaluates only the modules it uses.
//   node build.mjs [OUTDIR]   (default: dist; tests build their own copy elsewhere)
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

const outdir = process.argv[2] ?? "dist";
const outfile = path.join(outdir, "cli.js");

// zod's namespace re-exports (`z.locales`, `core.locales`) pull in its error messages in ~50
// languages, ~0.3 MB of source the agent never uses: its messages are zod's English default,
// which zod's schemas import from locales/en.js directly, not through this index. The index is
// replaced by one that offers English alone.
const englishOnlyZodLocales = {
  name: "english-only-zod-locales",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: "zod/v4/locales (English only)", namespace: "zod-locales", pluginData: path.resolve(path.dirname(args.importer), "../locales") } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({ contents: 'export { default as en } from "./en.js";\n', resolveDir: args.pluginData }));
  },
};

await build({
  entryPoints: ["src/bin.ts"],
  outfile,
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
  plugins: [englishOnlyZodLocales],
  logLevel: "warning",
});

// V8 keeps the daemon's whole source as one string for as long as it runs, and a single character
// beyond Latin-1 anywhere in it makes that a two-byte string: 3 MB instead of 1.5 MB of heap.
// esbuild escapes such characters in code (its default ASCII charset) but copies comments as they
// are, so the dashes and ellipses of comments are written as "-" and "." here (anything else as
// "?"). Each UTF-16 unit becomes one character, so the source map's columns still hold.
const bundle = readFileSync(outfile, "utf8");
const ascii = bundle.replace(/[\u0080-\uffff]/g, (character) => (character === "\u2026" ? "." : character === "\u2014" || character === "\u2013" ? "-" : "?"));
if (ascii !== bundle) writeFileSync(outfile, ascii);
