// What the last scan learned, kept between reports so a rescan re-reads only entries that changed
// (see @cachefleet/gocache scanCacheIncremental). Losing or damaging it only costs a full scan.
import fs from "node:fs";
import path from "node:path";
import { parseScanState, type ScanState } from "@cachefleet/gocache";

export function scanStatePath(agentHome: string): string {
  return path.join(agentHome, "scan-state.json");
}

export function loadScanState(file: string): ScanState | null {
  try {
    return parseScanState(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch {
    return null;
  }
}

export function saveScanState(file: string, state: ScanState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
  fs.renameSync(temporary, file);
}
