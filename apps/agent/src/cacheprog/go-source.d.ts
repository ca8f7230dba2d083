// Go source files import as their text: the agent's bundler (build.mjs) and the test runner
// (vitest.config.ts) both load `*.go` as a string, so the helper's source ships inside the bundle.
declare module "*.go" {
  const source: string;
  export default source;
}
