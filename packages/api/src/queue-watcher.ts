// One loop per dashboard process watches the database queue for every agent connected here: it
// wakes the subscriptions of machines with pending commands (commands pushed through another
// instance) and ends commands whose agent went silent. One query per tick, however many agents.
import { expireCommands, machinesWithPendingCommands, type Db } from "@cachefleet/db";
import type { CommandNotifier } from "./notifier.js";

export class QueueWatcher {
  readonly #connected = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;
  #ticking = false;

  constructor(
    private readonly db: Db,
    private readonly notifier: CommandNotifier,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void = (error) => console.error("command queue watcher:", error),
  ) {}

  connect(machineId: string): void {
    this.#connected.set(machineId, (this.#connected.get(machineId) ?? 0) + 1);
    if (!this.#timer) {
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

  async tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      await expireCommands(this.db);
      for (const machineId of await machinesWithPendingCommands(this.db, [...this.#connected.keys()])) this.notifier.notify(machineId);
    } catch (error) {
      this.onError(error);
    } finally {
      this.#ticking = false;
    }
  }
}
