// Pure classification rules for GOCACHE entries. No I/O: callers hand in a name and the first
// bytes of a file (at most DEFAULT_SAMPLE_BYTES), and get back a class and a format.
import { sealedEntryMagic, sealedEntryVersion, type CacheVerdict, type EntryClass, type EntryFormat, type ScanSummary } from "@cachefleet/contract";

/** How many leading bytes of each entry the classifier looks at. */
export const DEFAULT_SAMPLE_BYTES = 4096;

/** AES-GCM: a 12-byte nonce plus a 16-byte tag is the smallest possible sealed blob. */
export const MIN_SEALED_BYTES = 28;

export interface Classification {
  class: EntryClass;
  format: EntryFormat;
}

/**
 * Whether bytes look like ciphertext: long enough to hold an AES-GCM nonce and tag, with nearly as
 * many distinct byte values as uniform random bytes of that length would show, and (for samples of
 * 1 KiB or more) a Shannon entropy of at least 7.5 bits per byte.
 */
export function looksSealed(sample: Uint8Array): boolean {
  const n = sample.length;
  if (n < MIN_SEALED_BYTES) return false;
  const counts = new Uint32Array(256);
  for (let i = 0; i < n; i++) {
    const b = sample[i] ?? 0;
    counts[b] = (counts[b] ?? 0) + 1;
  }
  let distinct = 0;
  for (let v = 0; v < 256; v++) if ((counts[v] ?? 0) > 0) distinct++;
  const expectedDistinct = 256 * (1 - Math.pow(255 / 256, n));
  if (distinct < 0.85 * expectedDistinct) return false;
  if (n >= 1024) {
    let entropy = 0;
    for (let v = 0; v < 256; v++) {
      const c = counts[v] ?? 0;
      if (c === 0) continue;
      const p = c / n;
      entropy -= p * Math.log2(p);
    }
    if (entropy < 7.5) return false;
  }
  return true;
}

// Go writes action entries with fmt "v1 %x %x %20d %20d\n": the two decimals are space-padded
// to 20 columns, so fields may be separated by more than one space. isActionLine matches
// /^v1 [0-9a-fA-F]{64} [0-9a-fA-F]{64} +[0-9]+ +[0-9]+$/ byte by byte: every entry of a cache
// goes through it, and building a string for a regular expression was a quarter of a scan's time.
const SPACE = 0x20;

const MAGICS: ReadonlyArray<{ bytes: readonly number[]; format: EntryFormat }> = [
  { bytes: ascii("!<arch>\n"), format: "archive" },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], format: "elf" },
  { bytes: [0xfe, 0xed, 0xfa, 0xce], format: "macho" },
  { bytes: [0xfe, 0xed, 0xfa, 0xcf], format: "macho" },
  { bytes: [0xce, 0xfa, 0xed, 0xfe], format: "macho" },
  { bytes: [0xcf, 0xfa, 0xed, 0xfe], format: "macho" },
  { bytes: [0xca, 0xfe, 0xba, 0xbe], format: "macho" },
  { bytes: ascii("go index v"), format: "goindex" },
  { bytes: ascii("go object "), format: "goobject" },
];

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

function startsWith(sample: Uint8Array, prefix: readonly number[]): boolean {
  if (sample.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (sample[i] !== prefix[i]) return false;
  return true;
}

const SEALED_MAGIC = ascii(sealedEntryMagic);
/** Magic, version, kind, key id, nonce and tag: the smallest entry the helper writes. */
const CACHEFLEET_OVERHEAD = SEALED_MAGIC.length + 1 + 1 + 4 + 12 + 16;

/**
 * Whether the bytes start an entry sealed by Cachefleet's cache helper: its magic, a version it
 * writes, the kind its file name says ('a' for `-a`, 'd' for `-d`), and room for nonce and tag
 * (checked against the file's size, since the sample may be a prefix).
 */
export function isCachefleetSealed(name: string, sample: Uint8Array, fileSize: number = sample.length): boolean {
  if (!startsWith(sample, SEALED_MAGIC) || sample.length < SEALED_MAGIC.length + 2) return false;
  if (sample[SEALED_MAGIC.length] !== sealedEntryVersion) return false;
  const kind = sample[SEALED_MAGIC.length + 1];
  const expected = name.endsWith("-a") ? 0x61 : name.endsWith("-d") ? 0x64 : -1;
  return kind === expected && fileSize >= CACHEFLEET_OVERHEAD;
}

/** The format named by the entry's leading magic bytes, or null. */
export function magicFormat(sample: Uint8Array): EntryFormat | null {
  for (const m of MAGICS) if (startsWith(sample, m.bytes)) return m.format;
  return null;
}

/** `sample` without one trailing "\n". */
function withoutTrailingNewline(sample: Uint8Array): Uint8Array {
  const n = sample.length;
  return n > 0 && sample[n - 1] === 0x0a ? sample.subarray(0, n - 1) : sample;
}

function isHexDigit(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** Index just past `count` hex digits from `at`, or -1. */
function skipHex(body: Uint8Array, at: number, count: number): number {
  for (let i = at; i < at + count; i++) if (!isHexDigit(body[i] ?? 0)) return -1;
  return at + count;
}

/** Index just past one or more spaces and then one or more digits from `at`, or -1. */
function skipSpacesAndNumber(body: Uint8Array, at: number): number {
  let i = at;
  while (body[i] === SPACE) i++;
  if (i === at || !isDigit(body[i] ?? 0)) return -1;
  while (isDigit(body[i] ?? 0)) i++;
  return i;
}

/** Whether the bytes are a `v1 <hex> <hex> <size> <nanos>` action line (one trailing newline allowed). */
export function isActionLine(sample: Uint8Array): boolean {
  const body = withoutTrailingNewline(sample);
  // A real line is 173 bytes; anything much longer is not one.
  if (body.length > 256) return false;
  if (body[0] !== 0x76 || body[1] !== 0x31 || body[2] !== SPACE) return false; // "v1 "
  let at = skipHex(body, 3, 64);
  if (at < 0 || body[at] !== SPACE) return false;
  at = skipHex(body, at + 1, 64);
  if (at < 0) return false;
  at = skipSpacesAndNumber(body, at);
  if (at < 0) return false;
  at = skipSpacesAndNumber(body, at);
  return at === body.length;
}

function isBase64Char(b: number): boolean {
  return (
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    (b >= 0x30 && b <= 0x39) || // 0-9
    b === 0x2b || // +
    b === 0x2f // /
  );
}

/**
 * Whether the bytes are standard-alphabet base64 (optional `=` padding, optional trailing newline)
 * that decodes to at least MIN_SEALED_BYTES bytes. When `truncated`, the sample is a prefix of a
 * longer file, so its length need not be a whole number of base64 quanta.
 */
export function isSealedBase64(sample: Uint8Array, truncated = false): boolean {
  const body = truncated ? sample : withoutTrailingNewline(sample);
  let dataChars = body.length;
  let padding = 0;
  while (padding < 2 && dataChars > 0 && body[dataChars - 1] === 0x3d) {
    dataChars--;
    padding++;
  }
  if (dataChars === 0) return false;
  for (let i = 0; i < dataChars; i++) if (!isBase64Char(body[i] ?? 0)) return false;
  if (padding > 0) {
    if (body.length % 4 !== 0) return false;
  } else if (!truncated && dataChars % 4 === 1) {
    return false;
  }
  return Math.floor((dataChars * 6) / 8) >= MIN_SEALED_BYTES;
}

/**
 * Whether the bytes are well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF)
 * without any NUL. When `truncated`, a multi-byte character cut off by the end of the sample is
 * accepted as long as its present bytes are a valid prefix.
 */
export function isUtf8Text(sample: Uint8Array, truncated = false): boolean {
  const n = sample.length;
  let i = 0;
  while (i < n) {
    const b0 = sample[i] ?? 0;
    if (b0 === 0) return false;
    if (b0 < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) need = 1;
    else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      if (b0 === 0xe0) lo = 0xa0;
      else if (b0 === 0xed) hi = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      if (b0 === 0xf0) lo = 0x90;
      else if (b0 === 0xf4) hi = 0x8f;
    } else return false;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return truncated; // cut off by the end of the sample
      const b = sample[i + k] ?? 0;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (b < min || b > max) return false;
    }
    i += need + 1;
  }
  return true;
}

/**
 * Classifies one GOCACHE entry from its file name and its first bytes (at most
 * DEFAULT_SAMPLE_BYTES). `truncated` says whether the file is longer than the sample; it defaults
 * to "the sample filled a whole DEFAULT_SAMPLE_BYTES buffer".
 */
export function classifyEntry(
  name: string,
  sample: Uint8Array,
  truncated: boolean = sample.length >= DEFAULT_SAMPLE_BYTES,
): Classification {
  if (sample.length === 0) return { class: "unknown", format: "empty" };
  // A truncated sample is a prefix of a longer file, which then has room for nonce and tag.
  if (isCachefleetSealed(name, sample, truncated ? Number.MAX_SAFE_INTEGER : sample.length)) {
    return { class: "encrypted", format: "cachefleet" };
  }

  if (name.endsWith("-a")) {
    if (isActionLine(sample)) return { class: "plaintext", format: "action" };
    if (isSealedBase64(sample, truncated) || looksSealed(sample)) {
      return { class: "encrypted", format: "sealed" };
    }
    return { class: "unknown", format: "other" };
  }

  const magic = magicFormat(sample);
  if (magic !== null) return { class: "plaintext", format: magic };
  if (isUtf8Text(sample, truncated)) return { class: "plaintext", format: "text" };
  if (looksSealed(sample)) return { class: "encrypted", format: "sealed" };
  return { class: "plaintext", format: "binary" };
}

/** mixed when both plaintext and encrypted entries exist; otherwise whichever exists; else empty. */
export function cacheVerdict(classes: ScanSummary["classes"]): CacheVerdict {
  const plain = classes.plaintext.count > 0;
  const sealed = classes.encrypted.count > 0;
  if (plain && sealed) return "mixed";
  if (plain) return "plaintext";
  if (sealed) return "encrypted";
  return "empty";
}
