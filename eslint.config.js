// One lint configuration for the whole workspace; each package runs `eslint .` against it.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/.next/**",
      "**/generated/**",
      "**/next-env.d.ts",
      "**/test-results/**",
      "**/playwright-report/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  {
    // Each process reads its environment in one module, its package's env.ts, which validates it
    // once and hands typed values on: reading process.env anywhere else would parse a variable
    // (DATABASE_URL, say) a second time, by other rules.
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read the environment through this package's env.ts, which validates it once." },
      ],
      "no-restricted-imports": [
        "error",
        {
          paths: ["process", "node:process"].map((name) => ({
            name,
            importNames: ["env"],
            message: "Read the environment through this package's env.ts, which validates it once.",
          })),
        },
      ],
    },
  },
  {
    // Allowed to read process.env: the env modules themselves; tests, test support, the end-to-end
    // harness and the benches, which build the environments of the processes they start (go, the
    // agent, the dashboard) from their own; and db's generate script, which runs before anything is
    // built (so it cannot import db's env module) and only hands its environment on to Prisma's CLI.
    files: [
      "**/env.ts",
      "**/*.test.ts",
      "**/*.spec.ts",
      "**/test-support/**",
      "e2e/**",
      "**/bench/**",
      "packages/db/scripts/generate.mjs",
    ],
    rules: { "no-restricted-properties": "off", "no-restricted-imports": "off" },
  },
  {
    // Playwright hooks name the fixtures they need by destructuring; `{}` asks for none.
    files: ["**/*.spec.ts"],
    rules: { "no-empty-pattern": "off" },
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly" },
    },
  },
);
