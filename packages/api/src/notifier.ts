// Wakes an agent's command subscription as soon as a command is queued on this instance, handing
// it the command itself so the stream needs no query to deliver it. Other dashboard instances'
// commands arrive the same way from this process's queue watcher; the database stays the truth
// for a stream that (re)connects and for its periodic re-read.
import type { QueuedCommand } from "@cachefleet/db";

/** What woke a stream: commands to offer, and whether it should also re-read the queue. */
export interface Wake {
  commands: QueuedCommand[];
  /** Probes to echo (only for streams opened to carry them; see CommandNotifier.probeAllSoon). */
  probes: string[];
  /** A wake without commands (or a timeout): only the database knows what is pending. */
  reread: boolean;
}

/**
 * One stream's inbox, opened before the stream first reads the queue: a notification that comes
 * while that read is under way is kept here, not lost.
 */
export class Mailbox {
  #commands: QueuedCommand[] = [];
  #probes: string[] = [];
  #reread = false;
  #wake: (() => void) | null = null;

  constructor(
    private readonly onClose: (mailbox: Mailbox) => void,
    /** Whether the stream asked to carry probes as well as commands. */
    readonly carriesProbes: boolean,
  ) {}

  deliver(commands: readonly QueuedCommand[] | undefined): void {
    if (commands && commands.length > 0) this.#commands.push(...commands);
    else this.#reread = true;
    this.#wake?.();
  }

  deliverProbe(probeId: string): void {
    if (!this.carriesProbes) return;
    this.#probes.push(probeId);
    this.#wake?.();
  }

  /** What arrived since the last call; waits for something, at most `timeoutMs` or until abort. */
  async next(timeoutMs: number, signal?: AbortSignal): Promise<Wake> {
    if (!this.#pending() && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          this.#wake = null;
          resolve();
        };
        const timer = setTimeout(() => {
          this.#reread = true;
          done();
        }, timeoutMs);
        signal?.addEventListener("abort", done, { once: true });
        this.#wake = done;
      });
    }
    const wake = { commands: this.#commands, probes: this.#probes, reread: this.#reread };
    this.#commands = [];
    this.#probes = [];
    this.#reread = false;
    return wake;
  }

  close(): void {
    this.#wake?.();
    this.onClose(this);
  }

  #pending(): boolean {
    return this.#commands.length > 0 || this.#probes.length > 0 || this.#reread;
  }
}

/**
 * How long the notifier remembers which commands it handed to streams (between one and two of
 * these): far longer than the queue watcher's window, so the watcher can skip them.
 */
const rememberOfferedMs = 30_000;

/**
 * How many machines' streams `notifyAll` wakes per turn of the event loop. Each woken stream runs
 * a chain of promise jobs (its generator, the response body's stream) before its event reaches the
 * socket, and those jobs all run before the event loop turns, so no other request is served while
 * a slice goes out. Between slices the event loop reads what arrived: above all the claims of the
 * agents that already have their command, each a whole HTTP request. Measured with
 * bench:dispatch at 10,000 agents on PostgreSQL (2026-12-02, the same machine and load), bulk p99
 * against the no-op reference: in slices of 500, the agents start reading while later slices go
 * out (reference 1.5 s) but the claims take turns with the fan-out (bulk 5.1 s); in one slice of
 * 10,000 no claim gets in, but every event waits for the whole slice (reference 3.7 s, bulk 7.2 s);
 * slices of 2,000 did best on both (reference 2.4 s, bulk 4.2 s). At 1,000 agents a push is one
 * slice. The slice stays bounded so that a push to a very large fleet still lets other requests
 * (health checks, the admin's pages) in between slices.
 */
export const fanOutSlice = 2_000;

export class CommandNotifier {
  readonly #mailboxes = new Map<string, Set<Mailbox>>();
  /** Machines still to wake, with their commands, or the id of a probe to echo. */
  readonly #fanOut: [string, QueuedCommand[] | string][] = [];
  #fanningOut = false;
  #openStreams = 0;
  // Two generations, so that forgetting is one swap rather than a timer per command.
  #offered = new Set<string>();
  #previouslyOffered = new Set<string>();
  #generationStartedAt = Date.now();

  /**
   * Tells the machine's open streams on this instance. With `commands` (pending, of this
   * machine) they offer those at once; without, they re-read the queue.
   */
  notify(machineId: string, commands?: readonly QueuedCommand[]): void {
    if (commands) this.#remember(commands);
    for (const mailbox of this.#mailboxes.get(machineId) ?? []) mailbox.deliver(commands);
  }

  /**
   * `notify` for many commands of many machines, one slice of machines per turn of the event loop
   * (see fanOutSlice), in order. The first slice is delivered before this returns.
   */
  notifyAll(commands: readonly QueuedCommand[]): void {
    // Remembered now, not when their slice goes out, so a watcher tick in between skips them.
    this.#remember(commands);
    const byMachine = new Map<string, QueuedCommand[]>();
    for (const command of commands) {
      const machineCommands = byMachine.get(command.machineId);
      if (machineCommands) machineCommands.push(command);
      else byMachine.set(command.machineId, [command]);
    }
    this.#fanOut.push(...byMachine);
    if (!this.#fanningOut) this.#drainFanOut();
  }

  /**
   * `notifyAll` once the current request has had its answer written: through `afterResponse`
   * (the framework's `after`) when given, else a turn of the event loop later (setImmediate runs
   * after the I/O this turn started). Remembered at once, so a watcher tick in between skips them.
   */
  notifyAllSoon(commands: readonly QueuedCommand[], afterResponse: (task: () => void) => void = setImmediate): void {
    this.#remember(commands);
    afterResponse(() => this.notifyAll(commands));
  }

  #drainFanOut(): void {
    this.#fanningOut = true;
    for (const [machineId, what] of this.#fanOut.splice(0, fanOutSlice)) {
      if (typeof what === "string") for (const mailbox of this.#mailboxes.get(machineId) ?? []) mailbox.deliverProbe(what);
      else this.notify(machineId, what);
    }
    // The next slice goes once this slice's promise jobs have all run and the event loop has
    // done its pending I/O: the slice's events are written out, and other requests (the push's
    // own answer, claims) are not held up until every stream has its event. (Chained through
    // process.nextTick, the fan-out to 1,000 streams kept all I/O waiting: the push request,
    // answered before the fan-out began, still took as long as the fan-out on a loaded machine.)
    if (this.#fanOut.length > 0) setImmediate(() => this.#drainFanOut());
    else this.#fanningOut = false;
  }

  /**
   * Sends a no-op event through every open stream that carries probes, in the same slices and
   * order as `notifyAll`, at the same moment as `notifyAllSoon` (once the answer is written), and
   * with no database work: its round trip is the floor a push to as many agents cannot beat, the
   * reference the dispatch bench compares pushes with. Returns how many machines' streams it goes to.
   */
  probeAllSoon(probeId: string, afterResponse: (task: () => void) => void = setImmediate): number {
    const machines = [...this.#mailboxes].filter(([, mailboxes]) => [...mailboxes].some((mailbox) => mailbox.carriesProbes)).map(([machineId]) => machineId);
    afterResponse(() => {
      this.#fanOut.push(...machines.map((machineId): [string, string] => [machineId, probeId]));
      if (!this.#fanningOut) this.#drainFanOut();
    });
    return machines.length;
  }

  /**
   * Whether this instance already handed the command to its machine's streams (or had none open:
   * a stream that opens later reads the queue first, and the command was committed before it was
   * notified). The queue watcher skips such commands instead of waking every stream again.
   */
  wasOffered(commandId: string): boolean {
    this.#rotate();
    return this.#offered.has(commandId) || this.#previouslyOffered.has(commandId);
  }

  #remember(commands: readonly QueuedCommand[]): void {
    this.#rotate();
    for (const command of commands) this.#offered.add(command.id);
  }

  #rotate(): void {
    if (Date.now() - this.#generationStartedAt < rememberOfferedMs) return;
    this.#previouslyOffered = this.#offered;
    this.#offered = new Set();
    this.#generationStartedAt = Date.now();
  }

  /** How many command streams are open on this instance (for the metrics). */
  get openStreamCount(): number {
    return this.#openStreams;
  }

  /** Opens an inbox for one stream of the machine; close it when the stream ends. */
  open(machineId: string, options: { probes?: boolean } = {}): Mailbox {
    this.#openStreams += 1;
    const mailbox = new Mailbox((closed) => {
      const set = this.#mailboxes.get(machineId);
      if (set?.delete(closed)) this.#openStreams -= 1;
      if (set?.size === 0) this.#mailboxes.delete(machineId);
    }, options.probes ?? false);
    const set = this.#mailboxes.get(machineId) ?? new Set<Mailbox>();
    set.add(mailbox);
    this.#mailboxes.set(machineId, set);
    return mailbox;
  }

}
