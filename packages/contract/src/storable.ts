// What both databases can hold, checked where input enters: every string free of NUL (PostgreSQL's
// text refuses U+0000) and of lone UTF-16 surrogates (no UTF-8 encoding exists for them:
// PostgreSQL refuses them, SQLite would store a replacement character), and counts within a
// 32-bit column. Checked once over a whole parsed message, so a field added later is covered too.
import type { z } from "zod";

/** PostgreSQL's integer columns (entry counts) hold at most this; no cache has more entries. */
export const maxStoredCount = 2_147_483_647;

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored as it is, or null when it can. */
export function unstorableTextReason(text: string): string | null {
  if (text.includes("\u0000")) return "contains a NUL character, which cannot be stored";
  if (loneSurrogate.test(text)) return "contains a lone UTF-16 surrogate, which is not valid Unicode text";
  return null;
}

function findUnstorable(value: unknown, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (typeof value === "string") {
    const reason = unstorableTextReason(value);
    if (reason) ctx.addIssue({ code: "custom", path, message: `This text ${reason}.` });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findUnstorable(item, [...path, index], ctx));
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const reason = unstorableTextReason(key);
      if (reason) ctx.addIssue({ code: "custom", path: [...path, key], message: `This key ${reason}.` });
      findUnstorable(item, [...path, key], ctx);
    }
  }
}

/** A refinement for a whole message: refuses any string in it that a database cannot store. */
export function refuseUnstorableText(value: unknown, ctx: z.RefinementCtx): void {
  findUnstorable(value, [], ctx);
}
