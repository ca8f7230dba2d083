// The Keychain probe through the key store: which store holds the key and since when. The macOS
// store runs the `security` stand-in from test-support/macos-bin (it keeps items in a file and
// reproduces the real tool's output and exit codes, since macOS tools cannot run here).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createCacheHelper } from "../cache-helper.js";
import { createCommandRunner } from "../commands.js";
import { createKeyStore } from "../keystore.js";
import { macosBin, standinRunner, tempDir, testProbeContext } from "../test-support/standins.js";
import { probeKeychain } from "./keychain.js";

function contextWithStore(dir: string, platform: NodeJS.Platform) {
  const commands = platform === "darwin" ? standinRunner({ dir, keychain: "absent", keychainSecrets: "readable" }) : createCommandRunner({ toolPath: [] });
  const keyStore = createKeyStore({ platform, agentHome: path.join(dir, "agent"), account: "dev", commands, toolPath: [macosBin] });
  const cacheHelper = createCacheHelper({ go: null, commands, agentHome: path.join(dir, "agent"), keyStore });
  return { keyStore, context: { ...testProbeContext({ dir, commands, platform }), cacheHelper } };
}

describe("the Keychain probe with the key store", () => {
  it("on Linux: not applicable until a key file exists, then the file store with the key's creation date", async () => {
    const dir = tempDir("keychain-linux");
    const { keyStore, context } = contextWithStore(dir, "linux");
    expect(await probeKeychain(context)).toMatchObject({ status: "not-applicable", message: expect.stringContaining("no key file yet") });
    await keyStore.ensure();
    const probe = await probeKeychain(context);
    expect(probe).toMatchObject({ status: "ok", service: "go-build-cache-encryption-key", itemPresent: true, store: "file" });
    expect(probe.status === "ok" && probe.keyCreatedAt !== null && Date.parse(probe.keyCreatedAt) > Date.now() - 3_600_000).toBe(true);
  });

  it("on macOS: the Keychain item, missing until the key store creates it", async () => {
    const dir = tempDir("keychain-mac");
    const { keyStore, context } = contextWithStore(dir, "darwin");
    expect(await probeKeychain(context)).toEqual({ status: "ok", service: "go-build-cache-encryption-key", itemPresent: false, store: "keychain", keyCreatedAt: null });
    await keyStore.ensure();
    expect(await probeKeychain(context)).toMatchObject({ status: "ok", itemPresent: true, store: "keychain", keyCreatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });
});
