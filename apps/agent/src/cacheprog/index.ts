// The encrypted cache helper's face: what the agent's migration, probes and CLI use.
// See README.md in this folder for the API and the on-disk format.
export { cacheProgVersion, prepareCacheProg, CacheProgBuildError, helperPath, type CacheProgContext } from "./prepare.js";
export { describeCacheProg, helperBinaryPrefix, type CacheProgDescription } from "./describe.js";
export { readCacheProgStats } from "./stats.js";
export { rotateCacheKey, KeyRotationError, type RotateOptions, type RotateResult } from "./rotate.js";
export { joinQuoted, splitQuoted } from "./quoted.js";
