// One loop per dashboard process watches the database queue for every agent connected here: it
// hands the subscriptions of those agents the commands queued since its last look (commands
// pushed through another instance), wakes the streams of machines revoked since then (through
// another instance: they re-read, find the machine revoked and end), and ends commands whose
// agent went silent. A tick costs a few indexed queries however many agents are connected, and
// wakes no stream that has nothing new and no stream for a command pushed through here.
import { expireCommands, machinesRevokedSince, pendingCommandsSince, type Db } from "@cachefleet/db";
import type { CommandNotifier } from "./notifier.js";

/**
 * How far before its previous look a tick looks again, at least: commands are stamped with the
 * clock of the instance that queued them, and the statement that makes them visible may commit
 * later (on PostgreSQL a push's transaction commits its write time after the stamp: ~0.5 s for
 * 10,000 machines, seconds on a loaded server); this covers such delays and small clock
 * differences between instances. Commands this instance already offered are skipped, so a wide
 * window costs one indexed read of ids. A command older than the window that was still missed is
 * found by its stream's periodic re-read, minutes later.
 */
export const minimumLookBackMs = 10_000;

export class QueueWatcher {
  readonly #connected = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;
  #ticking = false;
  /** Where the next tick's window starts; moves on only after a tick that succeeded. */
  #lookFrom = new Date();

  constructor(
    private readonly db: Db,
    private readonly notifier: CommandNotifier,
    private readonly intervalMs: number,
    /** Told when a tick failed; the next tick looks again over the same window. */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The window's overlap with the previous tick's: a couple of intervals, never under the minimum. */
  get lookBackMs(): number {
    return Math.max(2 * this.intervalMs, minimumLookBackMs);
  }

  connect(machineId: string): void {
    this.#connected.set(machineId, (this.#connected.get(machineId) ?? 0) + 1);
    if (!this.#timer) {
      // A stream reads the whole queue when it connects, so the window starts just before then.
      this.#lookFrom = new Date(Date.now() - this.lookBackMs);
      this.#timer = setInterval(() => void this.tick(), this.intervalMs);
      this.#timer.unref();
    }
  }

  disconnect(machineId: string): void {
    const count = (this.#connected.get(machineId) ?? 1) - 1;
    if (count > 0) this.#connected.set(machineId, count);
    else this.#connected.delete(machineId);
    if (this.#connected.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  get connectedCount(): number {
    return this.#connected.size;
  }

  async tick(now = new Date()): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      await expireCommands(this.db, now);
      // Skipped: commands pushed through this instance, or offered by an earlier tick; its
      // streams have them already.
      const queued = await pendingCommandsSince(this.db, [...this.#connected.keys()], this.#lookFrom, (id) => this.notifier.wasOffered(id));
      const revoked = (await machinesRevokedSince(this.db, this.#lookFrom)).filter((machineId) => this.#connected.has(machineId));
      this.#lookFrom = new Date(now.getTime() - this.lookBackMs);
      this.notifier.notifyAll(queued);
      // A wake without commands: the stream re-reads, checking the machine first.
      for (const machineId of revoked) this.notifier.notify(machineId);
    } catch (error) {
      this.onError(error);
    } finally {
      this.#ticking = false;
    }
  }
}
