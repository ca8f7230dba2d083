// How a report's JSON is kept in Report.payload: deflated and base64-encoded ("z:" + base64), which
// takes a 3.2 KB report to about 1.7 KB of text and keeps an idle machine's day of reports under
// 10 KB (issue 11). Rows stored before this read as they were: plain JSON, which starts with "{".
import { deflateRawSync, inflateRawSync } from "node:zlib";

const deflatedPrefix = "z:";

export function encodePayload(json: string): string {
  return `${deflatedPrefix}${deflateRawSync(json).toString("base64")}`;
}

/** The JSON text of a stored payload, deflated or not. */
export function decodePayload(stored: string): string {
  return stored.startsWith(deflatedPrefix) ? inflateRawSync(Buffer.from(stored.slice(deflatedPrefix.length), "base64")).toString("utf8") : stored;
}
