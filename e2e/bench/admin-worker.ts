// The dispatch bench's admin, on its own thread: the pushes and probes an admin's browser would
// send, timed on an event loop that is not also handling thousands of simulated agents' events
// and claims. On the bench's main thread, a push's answer waited for the agents' work queued
// ahead of it, so the push request seemed to take as long as the whole delivery.
// Times are on the wall clock (performance.timeOrigin + performance.now()), which the main thread
// turns into its own performance.now() timeline.
import { parentPort, workerData } from "node:worker_threads";
import { createAdminClient } from "../support/simulated-agent.js";

export type AdminRequest = { id: number; type: "push"; machineIds: string[] } | { id: number; type: "probe"; probeId: string };

export type AdminAnswer =
  | { id: number; ok: true; sentAt: number; requestMs: number; commandIds: string[]; streams: number }
  | { id: number; ok: false; sentAt: number; requestMs: number; error: string };

const { url, cookie } = workerData as { url: string; cookie: string };
const client = createAdminClient(url, cookie);
const port = parentPort;
if (!port) throw new Error("admin-worker runs as a worker thread");

port.on("message", (request: AdminRequest) => {
  const sentAt = performance.timeOrigin + performance.now();
  const call =
    request.type === "push"
      ? client.commands.push.mutate({ target: { type: "machines", machineIds: request.machineIds }, spec: { kind: "rescan", options: {} } }).then(({ commandIds }) => ({ commandIds, streams: 0 }))
      : client.commands.probeStreams.mutate({ probeId: request.probeId }).then(({ streams }) => ({ commandIds: [] as string[], streams }));
  call.then(
    ({ commandIds, streams }) => port.postMessage({ id: request.id, ok: true, sentAt, requestMs: performance.timeOrigin + performance.now() - sentAt, commandIds, streams } satisfies AdminAnswer),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        ok: false,
        sentAt,
        requestMs: performance.timeOrigin + performance.now() - sentAt,
        error: (error instanceof Error ? error.message : String(error)).trim().split("\n").at(-1) ?? "",
      } satisfies AdminAnswer),
  );
});
