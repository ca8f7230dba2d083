// Which machine an agent token belongs to, remembered for a few seconds. Every agent request
// (each heartbeat of the fleet) is authenticated by its token; looking the token up each time was
// one of a heartbeat's two statements. Revocation stays immediate on the instance that revokes
// (the revoke procedure forgets the machine here) and takes at most `ttlMs` on any other instance
// sharing the database, which then refuses the token as before. Only accepted tokens are
// remembered: an unknown token is looked up every time, so a newly enrolled machine is accepted at
// once and guessed tokens cannot fill the memory.
import { findMachineByToken, hashToken, type Db } from "@cachefleet/db";

export interface AgentTokenCacheOptions {
  /** How long an accepted token is believed without asking the database again. */
  ttlMs: number;
  /** At most this many tokens are remembered; the oldest make room. */
  maxEntries: number;
  now?: () => number;
}

export const defaultAgentTokenCacheOptions: AgentTokenCacheOptions = { ttlMs: 5_000, maxEntries: 100_000 };

export interface AgentMachine {
  id: string;
  hostname: string;
}

export class AgentTokenCache {
  /** By token hash (not the token itself, so process memory holds what the database holds). */
  readonly #entries = new Map<string, { machine: AgentMachine; checkedAt: number }>();
  readonly #now: () => number;

  constructor(
    private readonly db: Db,
    private readonly options: AgentTokenCacheOptions = defaultAgentTokenCacheOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  /** The machine the token belongs to, unless it is unknown or revoked. */
  async machineFor(token: string): Promise<AgentMachine | null> {
    const key = hashToken(token);
    const now = this.#now();
    const entry = this.#entries.get(key);
    if (entry && now - entry.checkedAt < this.options.ttlMs) return entry.machine;
    this.#entries.delete(key);
    const machine = await findMachineByToken(this.db, token);
    if (!machine) return null;
    if (this.#entries.size >= this.options.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { machine, checkedAt: now });
    return machine;
  }

  /** Forgets every token of a machine (it was revoked here): its next request asks the database. */
  forget(machineId: string): void {
    for (const [key, entry] of this.#entries) {
      if (entry.machine.id === machineId) this.#entries.delete(key);
    }
  }
}
