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
  test: { testTimeout: 120_000, hookTimeout: 180_000 },
});
