// The agent's version: set by the bundler from package.json (build.mjs), "dev" when run from source.
declare const AGENT_VERSION: string;
export const agentVersion = typeof AGENT_VERSION === "string" ? AGENT_VERSION : "dev";
