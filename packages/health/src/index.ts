export * from "./go-version.js";
export * from "./rules.js";
export * from "./policy.js";
export * from "./hygiene.js";
export * from "./remediation.js";
export * from "./rule-titles.js";
