// The sealed entry format the cache helper (helper/main.go) writes, for the agent's own use:
// key rotation opens every entry with the old key and seals it again with the new one. Both sides
// must agree byte for byte; the rotation test proves it against the real helper.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { sealedEntryMagic, sealedEntryVersion } from "@cachefleet/contract";

export type EntryKind = "a" | "d";

const magic = Buffer.from(sealedEntryMagic, "latin1");
const headerLength = magic.length + 1 + 1 + 4;
const nonceLength = 12;
const tagLength = 16;
export const sealOverhead = headerLength + nonceLength + tagLength;

/** The 4 bytes that name a key in entry headers without revealing it. */
export function keyIdOf(key: Buffer): Buffer {
  return createHash("sha256").update(Buffer.concat([Buffer.from("cachefleet key id\0", "latin1"), key])).digest().subarray(0, 4);
}

/** The key id in a sealed entry's header, or null when the bytes are not a sealed entry of `kind`. */
export function sealedKeyId(kind: EntryKind, blob: Buffer): Buffer | null {
  if (blob.length < sealOverhead || !blob.subarray(0, magic.length).equals(magic)) return null;
  if (blob[magic.length] !== sealedEntryVersion || blob[magic.length + 1] !== kind.charCodeAt(0)) return null;
  return blob.subarray(magic.length + 2, headerLength);
}

export function seal(key: Buffer, kind: EntryKind, id: Buffer, plain: Buffer): Buffer {
  const header = Buffer.concat([magic, Buffer.from([sealedEntryVersion, kind.charCodeAt(0)]), keyIdOf(key)]);
  const nonce = randomBytes(nonceLength);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.concat([header, id]));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([header, nonce, body, cipher.getAuthTag()]);
}

/** The plaintext, or null when the blob is not an intact entry of `kind` and `id` under `key`. */
export function open(key: Buffer, kind: EntryKind, id: Buffer, blob: Buffer): Buffer | null {
  const keyId = sealedKeyId(kind, blob);
  if (!keyId?.equals(keyIdOf(key))) return null;
  const nonce = blob.subarray(headerLength, headerLength + nonceLength);
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAAD(Buffer.concat([blob.subarray(0, headerLength), id]));
  decipher.setAuthTag(blob.subarray(blob.length - tagLength));
  try {
    return Buffer.concat([decipher.update(blob.subarray(headerLength + nonceLength, blob.length - tagLength)), decipher.final()]);
  } catch {
    return null;
  }
}
