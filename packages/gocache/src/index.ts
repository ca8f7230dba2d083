export {
  DEFAULT_SAMPLE_BYTES,
  MIN_SEALED_BYTES,
  cacheVerdict,
  classifyEntry,
  isActionLine,
  isCachefleetSealed,
  isSealedBase64,
  isUtf8Text,
  looksSealed,
  magicFormat,
} from "./classify.js";
export type { Classification } from "./classify.js";
export { BOOKKEEPING_FILES, scanCache } from "./scan.js";
export type { ScanOptions } from "./scan.js";
export { SCAN_STATE_VERSION, TRUST_MARGIN_MS, parseScanState, scanCacheIncremental } from "./scan-incremental.js";
export { isScanWorker } from "./scan-workers.js";
export type { IncrementalScan, IncrementalScanOptions, ScanState } from "./scan-incremental.js";
export { MIN_TRIM_DAYS, MTIME_INTERVAL_MS, TRIM_BUCKET, TRIM_INTERVAL_MS, TRIM_LIMIT_MS, isTrimmableName, parseTrimTime, readLastTrimAt, trimCutoffMs } from "./trim.js";
