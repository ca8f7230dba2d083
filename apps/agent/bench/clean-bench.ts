// bench:clean — a synthetic GOCACHE of 300,000 entries (pairs of -a and -d in 256 buckets, sizes
// like a real cache's) cleaned twice in the same run: once by `go clean -cache`, once by the
// agent's batched clean at low priority. Prints each figure, the ratio, and how long the longest
// single pause between batches let other work run. Run with `pnpm bench:clean [-- --entries N]`.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { cleanCacheInBatches } from "../src/batched-clean.js";
import { atLowPriority } from "../src/trim.js";

const { values } = parseArgs({ options: { entries: { type: "string", default: "300000" }, go: { type: "string", default: "/usr/lib/go-1.24/bin/go" } } });
const entries = Number(values.entries);
if (!Number.isInteger(entries) || entries < 2) throw new Error(`--entries must be a whole number of at least 2, got ${values.entries}`);
const go = [values.go, "/usr/lib/go-1.22/bin/go"].find((candidate) => existsSync(candidate));
if (go === undefined) throw new Error("No Go toolchain found for the reference `go clean -cache`.");

const sha = (s: string): string => createHash("sha256").update(s).digest("hex");

/** Writes `entries` entries: a 175-byte action line per pair and an output of 100 B–8 KiB. */
function buildCache(cache: string): number {
  mkdirSync(cache, { recursive: true });
  for (let b = 0; b < 256; b++) mkdirSync(path.join(cache, b.toString(16).padStart(2, "0")));
  writeFileSync(path.join(cache, "README"), "This directory holds cached build artifacts from the Go build system.\n");
  writeFileSync(path.join(cache, "trim.txt"), String(Math.floor(Date.now() / 1000)));
  const filler = Buffer.alloc(8192, "x");
  let bytes = 0;
  for (let i = 0; i < entries / 2; i++) {
    const id = sha(`action ${i}`);
    const out = sha(`output ${i}`);
    const size = 100 + ((i * 7919) % 8092);
    writeFileSync(path.join(cache, out.slice(0, 2), `${out}-d`), filler.subarray(0, size));
    const line = `v1 ${id} ${out} ${String(size).padStart(20)} ${String(1795474566333699617n).padStart(20)}\n`;
    writeFileSync(path.join(cache, id.slice(0, 2), `${id}-a`), line);
    bytes += size + line.length;
  }
  return bytes;
}

/** Wall time of `work`, and the longest the event loop was held (a stand-in for "the Mac stalls"). */
async function timed(work: () => Promise<unknown>): Promise<{ ms: number; longestStallMs: number }> {
  let last = performance.now();
  let longest = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 10);
    last = now;
  }, 10);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  clearInterval(probe);
  return { ms, longestStallMs: Math.max(0, longest) };
}

const root = mkdtempSync(path.join(tmpdir(), "clean-bench-"));
try {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: root, GOTOOLCHAIN: "local", GOTELEMETRY: "off" };
  console.log(`building two synthetic caches of ${entries} entries under ${root} (load average ${loadavg()[0]?.toFixed(2)})`);
  const reference = path.join(root, "reference");
  const batched = path.join(root, "batched");
  const bytes = buildCache(reference);
  buildCache(batched);
  execFileSync("sync");
  console.log(`each cache: ${entries} entries, ${(bytes / 2 ** 20).toFixed(0)} MiB`);

  // go clean -cache runs in another process: its wall time is what a user waits for.
  const goClean = await timed(async () => {
    execFileSync(go, ["clean", "-cache"], { env: { ...env, GOCACHE: reference }, stdio: "ignore" });
  });
  console.log(`go clean -cache (${go}): ${(goClean.ms / 1000).toFixed(1)} s`);

  let lines = 0;
  const gentle = await timed(() => atLowPriority(() => cleanCacheInBatches(batched, { log: () => void lines++ })));
  console.log(`batched clean (2000 files a batch, 5 ms pauses, nice 19): ${(gentle.ms / 1000).toFixed(1)} s, ${lines} progress lines, longest event-loop stall ${gentle.longestStallMs.toFixed(0)} ms`);
  const left = execFileSync("find", [batched, "-type", "f"], { encoding: "utf8" }).trim().split("\n").filter(Boolean).map((f) => path.basename(f)).sort();
  if (left.join(",") !== "README,trim.txt") throw new Error(`the batched clean left ${left.length} files: ${left.slice(0, 5).join(", ")}`);
  console.log(`clean ${entries} entries: go clean -cache ${(goClean.ms / 1000).toFixed(1)} s, batched ${(gentle.ms / 1000).toFixed(1)} s, ratio ${(gentle.ms / goClean.ms).toFixed(2)}x`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
