// The key store: the Keychain (through the `security` stand-in from test-support/macos-bin, which
// keeps items in a file and reproduces the real tool's output and exit codes, since macOS tools
// cannot run here) and the 0600 key file used off macOS.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createCommandRunner, invocationOf } from "./commands.js";
import { createKeyStore, keyFilePath, parseKeychainCreationDate } from "./keystore.js";
import { macosBin, standinCalls, standinRunner, tempDir } from "./test-support/standins.js";

function keychainStore(dir: string, keychain: "present" | "absent" | "broken" = "absent") {
  const commands = standinRunner({ dir, keychain, keychainSecrets: "readable" });
  return createKeyStore({ platform: "darwin", agentHome: path.join(dir, "agent"), account: "dev", commands, toolPath: [macosBin] });
}

describe("the Keychain key store", () => {
  it("creates a 32-byte key once, through security's stdin, and reads its creation date", async () => {
    const dir = tempDir("keystore");
    const store = keychainStore(dir);
    expect(store.location).toBe("keychain");
    expect(await store.exists()).toBe(false);
    expect(await store.createdAt()).toBeNull();
    expect(await store.readKey()).toBeNull();

    const before = Date.now();
    expect(await store.ensure()).toEqual({ created: true });
    const key = await store.readKey();
    expect(key?.length).toBe(32);
    expect(await store.exists()).toBe(true);
    const created = await store.createdAt();
    expect(created).not.toBeNull();
    // The Keychain keeps whole seconds.
    expect(created?.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);

    expect(await store.ensure()).toEqual({ created: false });
    expect((await store.readKey())?.equals(key ?? Buffer.alloc(0))).toBe(true);

    // The secret went to `security -i` on stdin: no call's argv holds it.
    const hex = key?.toString("hex") ?? "missing";
    const calls = standinCalls(dir);
    expect(calls.some((call) => call.join(" ") === "security -i")).toBe(true);
    for (const call of calls) expect(call.join(" ")).not.toContain(hex);
  });

  it("keeps the secret off every argv it builds", () => {
    const invocation = invocationOf({ kind: "keychain-write-key", service: "go-build-cache-encryption-key", account: "dev", keyHex: "ab".repeat(32) });
    expect(invocation.args).toEqual(["-i"]);
    expect(invocation.input).toBe(`add-generic-password -s go-build-cache-encryption-key -a dev -w ${"ab".repeat(32)}\n`);
    expect(() => invocationOf({ kind: "keychain-write-key", service: "go-build-cache-encryption-key", account: "dev -w x", keyHex: "ab".repeat(32) })).toThrow(/Not a user name/);
    expect(() => invocationOf({ kind: "keychain-read-key", service: "go-build-cache-encryption-key", account: "-dev" })).toThrow(/Not a user name/);
  });

  it("rotates: a pending key beside the current one, then the pending key replaces it with a fresh creation date", async () => {
    const dir = tempDir("keystore-rotate");
    const store = keychainStore(dir);
    await store.ensure();
    const old = await store.readKey();
    const pending = await store.createPendingKey();
    expect((await store.readPendingKey())?.equals(pending)).toBe(true);
    expect((await store.readKey())?.equals(old ?? Buffer.alloc(0))).toBe(true);
    await store.promotePendingKey();
    expect((await store.readKey())?.equals(pending)).toBe(true);
    expect(await store.readPendingKey()).toBeNull();
    await expect(store.promotePendingKey()).rejects.toThrow(/No rotation is under way/);
  });

  it("reads the stand-in's seeded item and its age, and reports a broken Keychain as an error", async () => {
    const present = keychainStore(tempDir("keystore-present"), "present");
    expect(await present.exists()).toBe(true);
    expect(await present.createdAt()).toEqual(new Date("2024-05-17T09:30:12Z"));
    expect(await present.ensure()).toEqual({ created: false });
    const broken = keychainStore(tempDir("keystore-broken"), "broken");
    await expect(broken.exists()).rejects.toThrow(/security find-generic-password exited 1: .*Operation not permitted/);
  });

  it("parses the creation date from security's attribute listing", () => {
    expect(parseKeychainCreationDate('    "cdat"<timedate>=0x32303234303531373039333031325A00  "20240517093012Z\\000"')).toEqual(new Date("2024-05-17T09:30:12Z"));
    expect(parseKeychainCreationDate('    "cdat"<timedate>=<NULL>')).toBeNull();
  });

  it("names the helper's way to read the key itself", () => {
    const store = keychainStore(tempDir("keystore-args"));
    expect(store.helperArgs()).toEqual(["-keychain", path.join(macosBin, "security"), "-service", "go-build-cache-encryption-key", "-account", "dev"]);
  });
});

describe("the key file off macOS", () => {
  const fileStore = (agentHome: string) => createKeyStore({ platform: "linux", agentHome, account: "dev", commands: createCommandRunner({ toolPath: [] }), toolPath: [] });

  it("creates a 0600 file of 64 hex digits in the agent's folder, once", async () => {
    const home = path.join(tempDir("keyfile"), "agent");
    const store = fileStore(home);
    expect(store.location).toBe("file");
    expect(await store.exists()).toBe(false);
    expect(await store.ensure()).toEqual({ created: true });
    expect(await store.ensure()).toEqual({ created: false });
    const file = keyFilePath(home);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, "utf8")).toMatch(/^[0-9a-f]{64}\n$/);
    expect(store.helperArgs()).toEqual(["-key-file", file]);
    expect(await store.createdAt()).toBeInstanceOf(Date);
    expect(fs.readdirSync(home)).toEqual(["cache-key"]);
  });

  it("refuses a key file other users can read", async () => {
    const home = path.join(tempDir("keyfile-open"), "agent");
    const store = fileStore(home);
    await store.ensure();
    fs.chmodSync(keyFilePath(home), 0o644);
    await expect(store.readKey()).rejects.toThrow(/readable by other users/);
  });

  it("rotates by one rename: the pending key replaces the old one", async () => {
    const home = path.join(tempDir("keyfile-rotate"), "agent");
    const store = fileStore(home);
    await store.ensure();
    const pending = await store.createPendingKey();
    await store.promotePendingKey();
    expect((await store.readKey())?.equals(pending)).toBe(true);
    expect(await store.readPendingKey()).toBeNull();
  });
});
