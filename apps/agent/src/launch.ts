// How the long-lived agent (`cachefleet-agent run`) is started, wherever it is started: the
// LaunchAgent and the systemd unit `install` writes (service.ts), `pnpm start`'s local agent
// (scripts/start.mjs) and the agent bench (e2e/bench/agent.ts) all use the settings in
// package.json's "daemon" block, so the scripts outside the bundle read the same list.
//
// What they are for, measured on Linux with the agent idle after a scan (bench:agent; figures in
// the README): Node's defaults suit a short busy program, not a daemon that wakes once a minute.
// - --max-semi-space-size=1: a 1 MB young generation (semi-space) instead of up to 16 MB; the
//   agent's garbage is small and short-lived, and a rescan's burst no longer leaves a big nursery
//   resident.
// - --v8-pool-size=1: one V8 platform thread instead of four; each one that ever ran a GC task
//   keeps a glibc malloc arena of a few MB resident.
// - MALLOC_ARENA_MAX=2 (Linux, glibc): the threads a rescan starts (scan workers) share two malloc
//   arenas instead of one each; a worker's arena otherwise stays resident, ~9 MB, after it ended.
//   macOS's allocator has no such arenas, so the LaunchAgent sets nothing.
// - MALLOC_MMAP_THRESHOLD_=131072, MALLOC_TRIM_THRESHOLD_=131072, MALLOC_TOP_PAD_=0 (Linux, glibc):
//   fixed thresholds instead of glibc's sliding ones. By default every large block freed raises
//   the size below which glibc serves blocks from its heaps rather than from mmap, so after a
//   scan the large blocks of the next ones land in the heaps, where a few survivors keep the free
//   space around them resident; with fixed thresholds a block of 128 KB or more is mapped and
//   unmapped alone, and a heap's free top goes back to the OS. Measured beside the same agent
//   without them: the brk heap idles at ~5 MB instead of 6-12 MB, ~3 MB less idle RSS and a
//   lower peak, the scan bench's CPU unchanged. macOS's allocator returns freed memory by itself
//   and reads none of these; only the Node flags above apply there.
import manifest from "../package.json" with { type: "json" };

export const daemonNodeFlags: readonly string[] = manifest.daemon.nodeFlags;

/** The environment variables the daemon runs with on `platform`, besides its own. */
export function daemonEnvironment(platform: NodeJS.Platform): Record<string, string> {
  return platform === "linux" ? { ...manifest.daemon.linuxEnv } : {};
}

/** argv of the daemon: node, its flags, the agent's entry file, "run". */
export function daemonCommandLine(nodePath: string, cliPath: string): string[] {
  return [nodePath, ...daemonNodeFlags, cliPath, "run"];
}
