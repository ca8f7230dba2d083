import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Go source imports as its text, as the bundler's ".go" text loader does (build.mjs).
  plugins: [
    {
      name: "go-source-as-text",
      enforce: "pre",
      load(id) {
        const file = id.split("?")[0] ?? id;
        return file.endsWith(".go") ? `export default ${JSON.stringify(readFileSync(file, "utf8"))};` : null;
      },
    },
  ],
  // Setups build real Go caches and compile the cache helper; with every package's suite running at
  // once on two cores that can take minutes. The limits only stop something hung; no test asserts
  // on time.
  test: { testTimeout: 300_000, hookTimeout: 600_000 },
});
