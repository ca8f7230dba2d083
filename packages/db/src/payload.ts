// How a report's JSON is kept in Report.payload: deflated against a preset dictionary (one typical
// report, payload-dictionary.ts) and base64-encoded, as "z1:" + base64. The keys and structure
// every report repeats then cost almost nothing: a 3.2 KB report takes about 0.3–0.6 KB of text,
// which keeps an idle machine's day of reports (four) well under 10 KB (issue 11). Rows stored
// before this read as they were: plain JSON, which starts with "{".
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { payloadDictionaryV1 } from "./payload-dictionary.js";

const dictionaryV1 = Buffer.from(payloadDictionaryV1, "utf8");
const prefixV1 = "z1:";

export function encodePayload(json: string): string {
  return `${prefixV1}${deflateRawSync(json, { dictionary: dictionaryV1 }).toString("base64")}`;
}

/** The JSON text of a stored payload, deflated or not. */
export function decodePayload(stored: string): string {
  if (stored.startsWith(prefixV1)) return inflateRawSync(Buffer.from(stored.slice(prefixV1.length), "base64"), { dictionary: dictionaryV1 }).toString("utf8");
  return stored;
}
