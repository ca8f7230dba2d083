// Wakes an agent's command subscription as soon as a command is queued on this instance. Other
// dashboard instances sharing the database notice by polling, so this is only a shortcut.
import { EventEmitter, on } from "node:events";

export class CommandNotifier {
  readonly #events = new EventEmitter();

  constructor() {
    this.#events.setMaxListeners(0);
  }

  notify(machineId: string): void {
    this.#events.emit(machineId);
  }

  /** Resolves when a command is queued for the machine, after `timeoutMs`, or on abort. */
  async wait(machineId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const stop = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      for await (const _ of on(this.#events, machineId, { signal: stop })) return;
    } catch (error) {
      if (!stop.aborted) throw error;
    }
  }
}
