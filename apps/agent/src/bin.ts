// The `cachefleet-agent` executable (bundled as dist/cli.js): runs the command line and exits with
// its code. Everything else lives in modules that do nothing when imported.
//
// A GOCACHE scan worker starts this same file (@cachefleet/gocache's scan-workers): importing the
// scanner first lets a worker do its job, and end its thread, before anything below runs. The
// check after it covers a worker this file cannot serve (one started by an agent of another
// build, still running while this one replaced it): it must never run the command line.
import { isScanWorker } from "@cachefleet/gocache";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";
import { runCli } from "./cli.js";
import { processEnvironment } from "./env.js";

if (isMainThread && !isScanWorker()) {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: processEnvironment(),
    entryFile: fileURLToPath(import.meta.url),
  });
}
