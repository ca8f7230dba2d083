// Key rotation: a new key, every sealed entry opened with the old key and sealed again under the
// new one (bounded concurrency, atomic renames, progress lines), and the old key deleted only
// after a pass finds every entry opening with the new key. An entry that opens with neither key is
// dropped: it is only a cache. The new key is stored before the first entry changes, so an
// interrupted rotation resumes with the same key instead of stranding what it already re-sealed.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { cacheProgTempFolder } from "@cachefleet/contract";
import type { KeyStore } from "../keystore.js";
import { keyIdOf, open, seal, sealedKeyId, type EntryKind } from "./sealed.js";

export interface RotateOptions {
  gocache: string;
  keyStore: KeyStore;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Entries handled at once (default 8). */
  concurrency?: number;
}

export interface RotateResult {
  /** Entries now sealed under the new key. */
  resealed: number;
  /** Sealed entries that opened with neither key, removed. */
  dropped: number;
}

export class KeyRotationError extends Error {}

const entryName = /^[0-9a-f]{64}-[ad]$/;
/** Passes over the cache before giving up on catching up with builds that keep writing old-key entries. */
const maxPasses = 5;

interface Entry {
  file: string;
  kind: EntryKind;
  id: Buffer;
}

function listEntries(gocache: string): Entry[] {
  const entries: Entry[] = [];
  for (let bucket = 0; bucket < 256; bucket++) {
    const dir = path.join(gocache, bucket.toString(16).padStart(2, "0"));
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!entryName.test(name)) continue;
      entries.push({ file: path.join(dir, name), kind: name.endsWith("-a") ? "a" : "d", id: Buffer.from(name.slice(0, 64), "hex") });
    }
  }
  return entries;
}

type Outcome = "already" | "resealed" | "dropped" | "not-sealed" | "gone";

function writeAtomic(gocache: string, file: string, data: Buffer): void {
  const tempDir = path.join(gocache, cacheProgTempFolder);
  fs.mkdirSync(tempDir, { recursive: true, mode: 0o700 });
  const temporary = path.join(tempDir, `rotate-${randomBytes(8).toString("hex")}`);
  try {
    fs.writeFileSync(temporary, data, { mode: 0o644 });
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

async function rotateEntry(gocache: string, entry: Entry, oldKey: Buffer, newKey: Buffer): Promise<Outcome> {
  let blob: Buffer;
  try {
    blob = await fs.promises.readFile(entry.file);
  } catch {
    return "gone"; // trimmed or replaced by a build meanwhile
  }
  const keyId = sealedKeyId(entry.kind, blob);
  // Go's own plaintext entries (a cache switched over without a clean) are not the helper's to re-seal.
  if (keyId === null && !blob.subarray(0, 8).equals(Buffer.from("CFLTSEAL", "latin1"))) return "not-sealed";
  if (keyId?.equals(keyIdOf(newKey)) && open(newKey, entry.kind, entry.id, blob)) return "already";
  const plain = keyId?.equals(keyIdOf(oldKey)) ? open(oldKey, entry.kind, entry.id, blob) : null;
  if (!plain) {
    await fs.promises.rm(entry.file, { force: true });
    return "dropped";
  }
  writeAtomic(gocache, entry.file, seal(newKey, entry.kind, entry.id, plain));
  return "resealed";
}

export async function rotateCacheKey(options: RotateOptions): Promise<RotateResult> {
  const { gocache, keyStore, log, signal } = options;
  const concurrency = Math.max(1, Math.min(64, Math.floor(options.concurrency ?? 8)));
  const oldKey = await keyStore.readKey();
  if (!oldKey) throw new KeyRotationError(`There is no cache key in ${keyStore.description} to rotate.`);
  const resumed = await keyStore.readPendingKey();
  const newKey = resumed ?? (await keyStore.createPendingKey());
  log(resumed ? "Resuming an interrupted key rotation with its new key." : `New cache key stored in ${keyStore.description} beside the current one.`);

  let resealed = 0;
  let dropped = 0;
  for (let pass = 1; ; pass++) {
    signal?.throwIfAborted();
    const entries = listEntries(gocache);
    let done = 0;
    let changed = 0;
    let nextReport = 0;
    const counts: Record<Outcome, number> = { already: 0, resealed: 0, dropped: 0, "not-sealed": 0, gone: 0 };
    log(`Pass ${pass}: checking ${entries.length} entries in ${gocache}`);
    let cursor = 0;
    const worker = async (): Promise<void> => {
      for (let index = cursor++; index < entries.length; index = cursor++) {
        signal?.throwIfAborted();
        const entry = entries[index];
        if (!entry) continue;
        const outcome = await rotateEntry(gocache, entry, oldKey, newKey);
        counts[outcome]++;
        if (outcome === "resealed" || outcome === "dropped") changed++;
        done++;
        if (done >= nextReport) {
          log(`  ${done} of ${entries.length} entries: ${counts.resealed} re-sealed, ${counts.dropped} dropped`);
          nextReport = done + Math.max(500, Math.ceil(entries.length / 10));
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    resealed += counts.resealed;
    dropped += counts.dropped;
    log(`Pass ${pass} done: ${counts.resealed} re-sealed, ${counts.already} already under the new key, ${counts.dropped} dropped${counts["not-sealed"] ? `, ${counts["not-sealed"]} plaintext entries left alone` : ""}.`);
    // Done when a whole pass changed nothing: every entry then opened with the new key.
    if (changed === 0) break;
    if (pass >= maxPasses) {
      throw new KeyRotationError(`Builds kept writing entries under the old key through ${maxPasses} passes; the old key is kept. Run the rotation again when no build is running.`);
    }
  }
  await keyStore.promotePendingKey();
  log(`The new key replaced the old one in ${keyStore.description}.`);
  return { resealed, dropped };
}
