// What one agent's command stream carries: every command pending for its machine when the stream
// opens, then each command queued for it while the stream stays open, each once. Served two ways
// with the same events: as the tRPC subscription `agent.commands` (router/agent.ts; tests call it
// directly) and, over HTTP, by the lighter server-sent-event writer in command-stream.ts.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { DeliveredCommand } from "@cachefleet/contract";
import { isMachineActive, pendingCommands, type Db, type QueuedCommand } from "@cachefleet/db";
import { iso } from "./dates.js";
import type { CommandNotifier } from "./notifier.js";
import type { QueueWatcher } from "./queue-watcher.js";

/** The stream's input: the last event id the agent saw (tRPC's client adds it on reconnect), and probes for the dispatch bench. */
export const CommandStreamInput = z
  .object({ lastEventId: z.string().max(64).nullish(), probes: z.boolean().optional() })
  .optional();
export type CommandStreamInput = z.infer<typeof CommandStreamInput>;

/** One event: a command for the machine, or a no-op probe echoed to a stream that asked for them. */
export interface CommandEvent {
  id: string;
  data: DeliveredCommand | { probe: string };
}

export interface CommandEventSources {
  db: Db;
  notifier: CommandNotifier;
  watcher: QueueWatcher;
  machine: { id: string };
}

const revokedWhileStreaming = "This machine was revoked; enroll again.";

/**
 * How long an idle command stream waits before it re-reads the queue on its own: a safety net
 * only. Commands pushed through this instance arrive in the stream's mailbox, those pushed
 * through another instance from the queue watcher within a tick, and so does a revocation on
 * another instance; so the net can be wide. Each stream draws its own wait between 4 and 6
 * minutes, so thousands of streams opened together (a dashboard restart) do not re-read together.
 * (Every 30 s, 10,000 streams re-read the queue 333 times a second, about a quarter of a core.)
 */
export function rereadAfterMs(random: () => number = Math.random): number {
  return 240_000 + Math.floor(random() * 120_000);
}

export function toDelivered(command: QueuedCommand): DeliveredCommand {
  return { id: command.id, spec: command.spec, timeoutSeconds: command.timeoutSeconds, createdAt: iso(command.createdAt) };
}

/**
 * The machine's pending commands, then each command as it is queued, until `signal` aborts. The
 * queue is the database, so a reconnecting agent (with or without lastEventId) gets every command
 * still pending; claiming decides who runs it. After that first read, commands arrive in the
 * stream's mailbox (from pushes on this instance and from the queue watcher) with no query; the
 * queue is read again only when a wake carries no commands and every few minutes
 * (rereadAfterMs), in case something was missed; each re-read first checks that the machine was
 * not revoked meanwhile (revoking wakes the stream, on this instance at once and on others at the
 * queue watcher's next tick), and ends the stream with UNAUTHORIZED if so.
 */
export async function* commandEvents(sources: CommandEventSources, input: CommandStreamInput, signal: AbortSignal | undefined): AsyncGenerator<CommandEvent, void> {
  const { db, notifier, watcher, machine } = sources;
  const delivered = new Set<string>();
  // Opened before the first read, so that a command queued during it is not missed.
  const mailbox = notifier.open(machine.id, { probes: input?.probes === true });
  watcher.connect(machine.id);
  try {
    let reread = true;
    // The token was checked just now, on the way in.
    let first = true;
    while (!signal?.aborted) {
      if (reread && !first && !(await isMachineActive(db, machine.id))) {
        throw new TRPCError({ code: "UNAUTHORIZED", message: revokedWhileStreaming });
      }
      first = false;
      const commands = reread ? await pendingCommands(db, machine.id) : [];
      for (const command of commands) {
        if (delivered.has(command.id)) continue;
        delivered.add(command.id);
        yield { id: command.id, data: toDelivered(command) };
      }
      const wake = await mailbox.next(rereadAfterMs(), signal);
      for (const probe of wake.probes) yield { id: `probe:${probe}`, data: { probe } };
      for (const command of wake.commands) {
        if (delivered.has(command.id) || command.machineId !== machine.id) continue;
        delivered.add(command.id);
        yield { id: command.id, data: toDelivered(command) };
      }
      reread = wake.reread;
    }
  } finally {
    watcher.disconnect(machine.id);
    mailbox.close();
  }
}
