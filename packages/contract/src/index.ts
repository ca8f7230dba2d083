export * from "./scan.js";
export * from "./probes.js";
export * from "./report.js";
export * from "./command.js";
export * from "./enroll.js";
export * from "./fleet.js";
export * from "./policy.js";
export * from "./api-token.js";
