import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cacheVerdict, classifyEntry, isActionLine, isCachefleetSealed, looksSealed } from "./classify.js";

const HEX_A = "b15a0a2384f52ea3dc202a027a7d4970c4b3881dcb069c58a912ddc1d5a1485b";
const HEX_B = "cd450c3b244e6aa1488e61b1cb5f352cd3ae6ea5cd38ebfbcb111ef0d2bfd3d6";
const DATA = `${HEX_A}-d`;
const ACTION = `${HEX_A}-a`;

const bytes = (...parts: Array<string | number[] | Uint8Array>): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));

/** n bytes using exactly `distinct` different values (0..distinct-1, then repeating 0). */
function withDistinct(n: number, distinct: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = i < distinct ? i : 0;
  return out;
}

describe("classifyEntry: output data magic", () => {
  const tail = [0x00, 0x01, 0xff, 0x00, 0x10];
  it.each([
    ["archive", bytes("!<arch>\n__.PKGDEF       0           0     0     644     3945      `\n", tail)],
    ["elf", bytes([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01], tail)],
    ["macho", bytes([0xfe, 0xed, 0xfa, 0xce], tail)],
    ["macho", bytes([0xfe, 0xed, 0xfa, 0xcf], tail)],
    ["macho", bytes([0xce, 0xfa, 0xed, 0xfe], tail)],
    ["macho", bytes([0xcf, 0xfa, 0xed, 0xfe], tail)],
    ["macho", bytes([0xca, 0xfe, 0xba, 0xbe], tail)],
    ["goindex", bytes("go index v2\n", tail)],
    ["goobject", bytes("go object linux amd64 go1.22.12 X:none\n", tail)],
  ])("recognises %s", (format, sample) => {
    expect(classifyEntry(DATA, sample)).toEqual({ class: "plaintext", format });
  });

  it("needs the whole magic, not a prefix of it", () => {
    expect(classifyEntry(DATA, bytes("!<arch>", [0x00]))).toEqual({ class: "plaintext", format: "binary" });
    expect(classifyEntry(DATA, bytes("go index"))).toEqual({ class: "plaintext", format: "text" });
    expect(classifyEntry(DATA, bytes([0xfe, 0xed, 0xfa]))).toEqual({ class: "plaintext", format: "binary" });
  });

  it("a magic wins over random-looking bytes after it", () => {
    const sample = bytes([0x7f, 0x45, 0x4c, 0x46], randomBytes(4092));
    expect(classifyEntry(DATA, sample)).toEqual({ class: "plaintext", format: "elf" });
  });
});

describe("classifyEntry: action entries", () => {
  // Exactly what cmd/go writes: fmt.Sprintf("v1 %x %x %20d %20d\n", ...), 175 bytes.
  const goLine = `v1 ${HEX_A} ${HEX_B} ${"270".padStart(20)} ${"1795474566333699617".padStart(20)}\n`;

  it("accepts the line cmd/go writes (space-padded numbers)", () => {
    expect(goLine.length).toBe(175);
    expect(classifyEntry(ACTION, bytes(goLine))).toEqual({ class: "plaintext", format: "action" });
  });

  it("accepts single spaces and a missing trailing newline", () => {
    expect(classifyEntry(ACTION, bytes(`v1 ${HEX_A} ${HEX_B} 0 1795474590777409050`))).toEqual({
      class: "plaintext",
      format: "action",
    });
  });

  it("rejects a hash of the wrong length", () => {
    const short = `v1 ${HEX_A.slice(1)} ${HEX_B} 270 1795474566333699617\n`;
    const long = `v1 ${HEX_A}0 ${HEX_B} 270 1795474566333699617\n`;
    expect(classifyEntry(ACTION, bytes(short))).toEqual({ class: "unknown", format: "other" });
    expect(classifyEntry(ACTION, bytes(long))).toEqual({ class: "unknown", format: "other" });
  });

  it("rejects other versions, non-hex, negative sizes, two trailing newlines, extra fields", () => {
    for (const line of [
      `v2 ${HEX_A} ${HEX_B} 270 1795474566333699617\n`,
      `v1 ${HEX_A.replace("b", "g")} ${HEX_B} 270 1795474566333699617\n`,
      `v1 ${HEX_A} ${HEX_B} -270 1795474566333699617\n`,
      `v1 ${HEX_A} ${HEX_B} 270 1795474566333699617\n\n`,
      `v1 ${HEX_A} ${HEX_B} 270 1795474566333699617 9\n`,
      "hello\n",
    ]) {
      expect(classifyEntry(ACTION, bytes(line)), JSON.stringify(line)).toEqual({ class: "unknown", format: "other" });
    }
  });

  it("matches exactly what the documented regular expression matches", () => {
    // The rule as a regular expression over printable ASCII; isActionLine checks it byte by byte.
    const rule = /^v1 [0-9a-fA-F]{64} [0-9a-fA-F]{64} +[0-9]+ +[0-9]+$/;
    const reference = (sample: Uint8Array): boolean => {
      const body = sample.at(-1) === 0x0a ? sample.subarray(0, -1) : sample;
      return body.length <= 256 && body.every((b) => b >= 0x20 && b <= 0x7e) && rule.test(Buffer.from(body).toString("latin1"));
    };
    // Mutations of real lines: every byte replaced, dropped or doubled, by characters the rule cares about.
    const lines = [goLine, `v1 ${HEX_A} ${HEX_B} 0 1795474590777409050`, `v1 ${HEX_A.toUpperCase()} ${HEX_B}  7  8\n`];
    const alphabet = [" ", "0", "9", "a", "f", "g", "A", "F", "G", "v", "1", "\n", "\t", "\u00e9", "\u0000"];
    let accepted = 0;
    for (const line of lines) {
      for (let i = 0; i < line.length; i++) {
        const variants = [line.slice(0, i) + line.slice(i + 1), line.slice(0, i) + line.charAt(i) + line.slice(i)];
        for (const c of alphabet) variants.push(line.slice(0, i) + c + line.slice(i + 1));
        for (const v of variants) {
          const sample = Buffer.from(v, "latin1");
          expect(isActionLine(sample), JSON.stringify(v)).toBe(reference(sample));
          if (reference(sample)) accepted++;
        }
      }
    }
    expect(accepted).toBeGreaterThan(1000);
    // Long numbers: the 256-byte cap.
    for (const digits of [1, 40, 60, 62, 63, 64, 80]) {
      const sample = Buffer.from(`v1 ${HEX_A} ${HEX_B} 1 ${"9".repeat(digits)}\n`, "latin1");
      expect(isActionLine(sample)).toBe(reference(sample));
    }
  });

  it("a valid action line in an output (-d) file is just text", () => {
    expect(classifyEntry(DATA, bytes(goLine))).toEqual({ class: "plaintext", format: "text" });
  });

  it("base64 decoding to at least 28 bytes is sealed", () => {
    const b64 = Buffer.from(randomBytes(28)).toString("base64"); // 40 chars ending in "=="
    expect(b64).toMatch(/^[A-Za-z0-9+/]{38}==$/);
    expect(classifyEntry(ACTION, bytes(b64))).toEqual({ class: "encrypted", format: "sealed" });
    expect(classifyEntry(ACTION, bytes(`${b64}\n`))).toEqual({ class: "encrypted", format: "sealed" });
    const unpadded = Buffer.from(randomBytes(100)).toString("base64").replace(/=+$/, "");
    expect(classifyEntry(ACTION, bytes(unpadded))).toEqual({ class: "encrypted", format: "sealed" });
  });

  it("base64 of fewer than 28 bytes, or broken base64, is not sealed", () => {
    const b64of27 = Buffer.alloc(27, 7).toString("base64"); // 36 chars, low entropy
    expect(classifyEntry(ACTION, bytes(b64of27))).toEqual({ class: "unknown", format: "other" });
    const ok = Buffer.alloc(60, 7).toString("base64"); // 80 chars, no padding
    expect(classifyEntry(ACTION, bytes(ok))).toEqual({ class: "encrypted", format: "sealed" });
    expect(classifyEntry(ACTION, bytes(`${ok}A`))).toEqual({ class: "unknown", format: "other" }); // 81 chars
    expect(classifyEntry(ACTION, bytes(`${ok.slice(0, 40)}-${ok.slice(41)}`))).toEqual({
      class: "unknown",
      format: "other",
    }); // url-safe alphabet
    expect(classifyEntry(ACTION, bytes(`${ok.slice(0, 78)}=`))).toEqual({ class: "unknown", format: "other" }); // bad padding
  });

  it("raw random bytes in an action entry are sealed", () => {
    expect(classifyEntry(ACTION, randomBytes(60))).toEqual({ class: "encrypted", format: "sealed" });
  });
});

describe("classifyEntry: text, binary, sealed, empty", () => {
  it("random bytes are sealed", () => {
    expect(classifyEntry(DATA, randomBytes(4096))).toEqual({ class: "encrypted", format: "sealed" });
    expect(classifyEntry(DATA, randomBytes(300))).toEqual({ class: "encrypted", format: "sealed" });
  });

  it("UTF-8 text is text, including a multi-byte character cut off by the end of a 4096-byte sample", () => {
    expect(classifyEntry(DATA, bytes(Buffer.from("package main // ünïcödé €\n")))).toEqual({
      class: "plaintext",
      format: "text",
    });
    const euro = Buffer.from("€"); // e2 82 ac
    const cut = Buffer.concat([Buffer.alloc(4094, "a"), euro.subarray(0, 2)]);
    expect(cut.length).toBe(4096);
    expect(classifyEntry(DATA, cut)).toEqual({ class: "plaintext", format: "text" });
  });

  it("a cut character is not fine when the sample is the whole file", () => {
    const euro = Buffer.from("€");
    const short = Buffer.concat([Buffer.from("abc"), euro.subarray(0, 2)]);
    expect(classifyEntry(DATA, short)).toEqual({ class: "plaintext", format: "binary" });
    const cut = Buffer.concat([Buffer.alloc(4094, "a"), euro.subarray(0, 2)]);
    expect(classifyEntry(DATA, cut, false)).toEqual({ class: "plaintext", format: "binary" });
  });

  it("an invalid continuation at the end is not excused", () => {
    const cut = Buffer.concat([Buffer.alloc(4094, "a"), Buffer.from([0xe2, 0x41])]);
    expect(classifyEntry(DATA, cut)).toEqual({ class: "plaintext", format: "binary" });
  });

  it("overlong encodings and surrogates are not UTF-8", () => {
    expect(classifyEntry(DATA, bytes("a", [0xc0, 0x80]))).toEqual({ class: "plaintext", format: "binary" });
    expect(classifyEntry(DATA, bytes("a", [0xed, 0xa0, 0x80]))).toEqual({ class: "plaintext", format: "binary" });
  });

  it("a NUL makes it binary", () => {
    expect(classifyEntry(DATA, bytes("/usr/bin/gcc", [0], "stat 1301496 1ed\n"))).toEqual({
      class: "plaintext",
      format: "binary",
    });
  });

  it("empty is unknown/empty for both kinds", () => {
    expect(classifyEntry(DATA, new Uint8Array(0))).toEqual({ class: "unknown", format: "empty" });
    expect(classifyEntry(ACTION, new Uint8Array(0))).toEqual({ class: "unknown", format: "empty" });
  });
});

describe("looksSealed", () => {
  it("needs at least 28 bytes", () => {
    expect(looksSealed(withDistinct(27, 27))).toBe(false);
    expect(looksSealed(withDistinct(28, 28))).toBe(true);
  });

  it("needs 0.85 of the distinct values uniform bytes would show (23 of 28)", () => {
    expect(looksSealed(withDistinct(28, 23))).toBe(true);
    expect(looksSealed(withDistinct(28, 22))).toBe(false);
  });

  it("checks entropy from 1024 bytes on", () => {
    // All 256 values present (passes the distinct test) but 3/4 of the bytes are zero: ~3 bits/byte.
    expect(looksSealed(withDistinct(1023, 256))).toBe(true);
    expect(looksSealed(withDistinct(1024, 256))).toBe(false);
    const uniform = new Uint8Array(1024).map((_, i) => i % 256);
    expect(looksSealed(uniform)).toBe(true);
  });
});

describe("cacheVerdict", () => {
  const t = (count: number) => ({ count, bytes: count * 10 });
  it.each([
    [1, 1, 0, "mixed"],
    [3, 0, 2, "plaintext"],
    [0, 4, 2, "encrypted"],
    [0, 0, 0, "empty"],
    [0, 0, 5, "empty"],
  ] as const)("plaintext=%i encrypted=%i unknown=%i → %s", (p, e, u, verdict) => {
    expect(cacheVerdict({ plaintext: t(p), encrypted: t(e), unknown: t(u) })).toBe(verdict);
  });
});

describe("classifyEntry: entries sealed by Cachefleet's cache helper", () => {
  // The helper's layout: "CFLTSEAL", version 1, kind, 4-byte key id, 12-byte nonce, ciphertext + 16-byte tag.
  function sealed(kind: "a" | "d", plaintextBytes: number, version = 1): Uint8Array {
    return new Uint8Array(Buffer.concat([Buffer.from("CFLTSEAL"), Buffer.from([version, kind.charCodeAt(0)]), randomBytes(4 + 12 + plaintextBytes + 16)]));
  }

  it("recognises a sealed action entry and a sealed output exactly, as encrypted cachefleet", () => {
    expect(classifyEntry(`${"ab".repeat(32)}-a`, sealed("a", 48))).toEqual({ class: "encrypted", format: "cachefleet" });
    expect(classifyEntry(`${"cd".repeat(32)}-d`, sealed("d", 0))).toEqual({ class: "encrypted", format: "cachefleet" });
  });

  it("recognises a large sealed output from its prefix alone", () => {
    const prefix = sealed("d", 1 << 20).subarray(0, 4096);
    expect(classifyEntry(`${"cd".repeat(32)}-d`, prefix, true)).toEqual({ class: "encrypted", format: "cachefleet" });
  });

  it("does not take a header for another kind, another version or a cut-off blob as the helper's", () => {
    const name = `${"ab".repeat(32)}-a`;
    expect(isCachefleetSealed(name, sealed("d", 48))).toBe(false);
    expect(isCachefleetSealed(name, sealed("a", 48, 2))).toBe(false);
    expect(isCachefleetSealed(name, sealed("a", 0).subarray(0, 20))).toBe(false);
    expect(isCachefleetSealed("README.txt", sealed("a", 48))).toBe(false);
  });

  it("keeps the statistical rule for other opaque bytes", () => {
    expect(classifyEntry(`${"ef".repeat(32)}-d`, new Uint8Array(randomBytes(2048)))).toEqual({ class: "encrypted", format: "sealed" });
  });

  it("still reads Go's own plaintext entries as plaintext", () => {
    const action = Buffer.from(`v1 ${"a".repeat(64)} ${"b".repeat(64)} ${"1".padStart(20)} ${"2".padStart(20)}\n`);
    expect(classifyEntry(`${"ab".repeat(32)}-a`, new Uint8Array(action))).toEqual({ class: "plaintext", format: "action" });
    expect(classifyEntry(`${"ab".repeat(32)}-d`, new Uint8Array(Buffer.from("!<arch>\n__.PKGDEF")))).toEqual({ class: "plaintext", format: "archive" });
  });
});
