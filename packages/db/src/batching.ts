// Helpers for statements over many rows.
import { randomBytes } from "node:crypto";
import { processWide } from "./process-wide.js";

/**
 * The most ids one statement names in an `in` list. Prisma's query compiler assumes SQLite's old
 * limit of 999 bound parameters and refuses (P2029) any statement with more, even though the
 * bundled SQLite allows 32,766; 500 leaves room for the statement's other parameters.
 */
export const maxIdsPerStatement = 500;

export function chunked<T>(items: readonly T[], size: number = maxIdsPerStatement): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

const clock = processWide("sortable-id-clock", () => ({ lastMillis: 0, counter: 0 }));

/**
 * Random bytes drawn 4 KiB at a time: one randomBytes call per id cost ~13 µs, 130 ms of the
 * 10,000 ids of a push (measured), where slicing a pooled buffer costs under 1 µs.
 */
const randomPool = { bytes: Buffer.alloc(0), offset: 0 };

function randomPart(): string {
  if (randomPool.offset + 8 > randomPool.bytes.length) {
    randomPool.bytes = randomBytes(4096);
    randomPool.offset = 0;
  }
  const value = randomPool.bytes.readBigUInt64BE(randomPool.offset);
  randomPool.offset += 8;
  return value.toString(36).padStart(13, "0").slice(-12);
}

/**
 * A cuid-like id ("c" + 25 base-36 characters) that sorts in creation order within this process:
 * a batch's commands share one createdAt, and their ids keep them in the order they were pushed.
 */
export function sortableId(): string {
  // Never backwards, even if the wall clock is set back, so the order holds.
  const millis = Math.max(Date.now(), clock.lastMillis);
  if (millis === clock.lastMillis) clock.counter += 1;
  else {
    clock.lastMillis = millis;
    clock.counter = 0;
  }
  return `c${millis.toString(36).padStart(9, "0")}${clock.counter.toString(36).padStart(4, "0")}${randomPart()}`;
}
