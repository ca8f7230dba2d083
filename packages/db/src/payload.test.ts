import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { agentReport, notProbed } from "@cachefleet/contract/test-support";
import { decodePayload, encodePayload } from "./payload.js";
import { payloadDictionaryV1 } from "./payload-dictionary.js";

describe("stored report payloads", () => {
  it("round-trip deflated, and are much smaller than the JSON", () => {
    const json = JSON.stringify(agentReport({ hostname: "ana-mbp", plaintext: 1234, encrypted: 5, cacheBytes: 80_000_000, goVersions: ["go1.23.4"] }));
    const stored = encodePayload(json);
    expect(stored.startsWith("z1:")).toBe(true);
    expect(decodePayload(stored)).toBe(json);
    expect(stored.length).toBeLessThan(json.length / 3);
  });

  it("round-trip a report unlike the dictionary, and read older plain-JSON rows as they are", () => {
    const json = JSON.stringify({ ...agentReport({ hostname: "ci-runner", probes: notProbed("hardware", "keychain", "tools") }), unicode: "äß✓" });
    expect(decodePayload(encodePayload(json))).toBe(json);
    expect(decodePayload('{"id":"x"}')).toBe('{"id":"x"}');
  });

  it("keep the dictionary that stored rows were deflated with", () => {
    // Changing it would make every stored "z1:" payload unreadable.
    expect(createHash("sha256").update(payloadDictionaryV1).digest("hex")).toBe("8e86209bed35a58d3f403f81becf9ca96ade353cf5bdb09b5d654cdf5ef4036c");
  });
});
