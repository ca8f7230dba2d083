// The `cachefleet-agent` executable (bundled as dist/cli.js): runs the command line and exits with
// its code. Everything else lives in modules that do nothing when imported.
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";
import { runCli } from "./cli.js";

// An agent from an earlier, single-file build that is still running while this one replaced it
// starts this file as its scan worker: a worker must never run the command line.
if (isMainThread) {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    entryFile: fileURLToPath(import.meta.url),
  });
}
