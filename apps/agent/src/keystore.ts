// The cache encryption key's home: a Keychain generic-password item on macOS (service
// go-build-cache-encryption-key, account = the user), a 0600 file in the agent's config folder
// elsewhere. The key is 32 random bytes kept as 64 hex digits. It travels only through a process's
// stdin or stdout pipe or a private file, never on an argv, and nothing here logs or returns it
// except readKey/readPendingKey, which only key rotation calls.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { keychainService } from "@cachefleet/contract";
import { keyStoreServices, resolveTool, type CommandRunner, type KeyStoreService } from "./commands.js";

export type KeyStoreLocation = "keychain" | "file";

export interface KeyStore {
  readonly location: KeyStoreLocation;
  /** Where the key lives, for messages (never the key). */
  readonly description: string;
  exists(): Promise<boolean>;
  /** Creates the key when there is none; an existing key is kept. */
  ensure(): Promise<{ created: boolean }>;
  /** When the current key was made; null when there is none. */
  createdAt(): Promise<Date | null>;
  /** The arguments that tell the cache helper where to read the key itself. */
  helperArgs(): string[];
  readKey(): Promise<Buffer | null>;
  /** A rotation's new key, kept beside the current one until every entry is re-sealed. */
  readPendingKey(): Promise<Buffer | null>;
  /** Stores a new random key as the pending key (replacing an abandoned one) and returns it. */
  createPendingKey(): Promise<Buffer>;
  /** Makes the pending key the key; the old key is gone afterwards. */
  promotePendingKey(): Promise<void>;
}

export interface KeyStoreOptions {
  platform: NodeJS.Platform;
  /** The agent's config folder: the key file's home off macOS. */
  agentHome: string;
  /** The Keychain item's account: the user's short name. */
  account: string;
  commands: CommandRunner;
  /** Folders where `security` is looked up for the helper's command line. */
  toolPath: readonly string[];
}

export class KeyStoreError extends Error {}

const keyBytes = 32;

function parseKey(text: string, where: string): Buffer {
  const hex = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new KeyStoreError(`${where} does not hold a cache key (64 hex digits).`);
  return Buffer.from(hex, "hex");
}

/** The user the agent runs as: the Keychain item's account. */
export function currentAccount(): string {
  return os.userInfo().username;
}

export function createKeyStore(options: KeyStoreOptions): KeyStore {
  return options.platform === "darwin" ? keychainStore(options) : fileStore(options.agentHome);
}

// macOS: the login Keychain ------------------------------------------------------------------------

/** `security` exits 44 (errSecItemNotFound) when no item matches. */
const itemNotFound = 44;
const [currentService, pendingService] = keyStoreServices;

/** The creation date in `security find-generic-password` output: `"cdat"<timedate>=0x… "20240517093012Z\000"`. */
export function parseKeychainCreationDate(attributes: string): Date | null {
  const match = /"cdat"<timedate>=\S*\s+"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z/.exec(attributes);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  if (year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined || second === undefined) return null;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

function keychainStore(options: KeyStoreOptions): KeyStore {
  const { commands, account } = options;
  const failure = (what: string, result: { exitCode: number; stderr: string }) =>
    new KeyStoreError(`security ${what} exited ${result.exitCode}: ${result.stderr.trim() || "(no message)"}`);

  async function read(service: KeyStoreService): Promise<Buffer | null> {
    const result = await commands.run({ kind: "keychain-read-key", service, account });
    if (result.exitCode === itemNotFound) return null;
    if (result.exitCode !== 0) throw failure("find-generic-password", result);
    return parseKey(result.stdout, `The Keychain item ${service}`);
  }

  async function present(service: KeyStoreService): Promise<boolean> {
    const result = await commands.run({ kind: "keychain-item-attributes", service, account });
    if (result.exitCode === itemNotFound) return false;
    if (result.exitCode !== 0) throw failure("find-generic-password", result);
    return true;
  }

  async function remove(service: KeyStoreService): Promise<void> {
    const result = await commands.run({ kind: "keychain-delete-key", service, account });
    if (result.exitCode !== 0 && result.exitCode !== itemNotFound) throw failure("delete-generic-password", result);
  }

  async function write(service: KeyStoreService, key: Buffer): Promise<void> {
    const result = await commands.run({ kind: "keychain-write-key", service, account, keyHex: key.toString("hex") });
    // `security -i` reports a failed command on stderr; reading the item back is the proof.
    const stored = await read(service);
    if (result.exitCode !== 0 || !stored?.equals(key)) {
      throw new KeyStoreError(`The Keychain did not store the ${service} item: ${result.stderr.trim() || `security exited ${result.exitCode}`}`);
    }
  }

  return {
    location: "keychain",
    description: `the login Keychain item ${keychainService} (account ${account})`,
    exists: () => present(currentService),
    async ensure() {
      if (await present(currentService)) return { created: false };
      await write(currentService, randomBytes(keyBytes));
      return { created: true };
    },
    async createdAt() {
      const result = await commands.run({ kind: "keychain-item-attributes", service: currentService, account });
      if (result.exitCode === itemNotFound) return null;
      if (result.exitCode !== 0) throw failure("find-generic-password", result);
      return parseKeychainCreationDate(result.stdout);
    },
    helperArgs() {
      const security = resolveTool("security", options.toolPath);
      if (!security) throw new KeyStoreError(`security was not found (looked in ${options.toolPath.join(", ")}).`);
      return ["-keychain", security, "-service", keychainService, "-account", account];
    },
    readKey: () => read(currentService),
    readPendingKey: () => read(pendingService),
    async createPendingKey() {
      await remove(pendingService);
      const key = randomBytes(keyBytes);
      await write(pendingService, key);
      return key;
    },
    async promotePendingKey() {
      const next = await read(pendingService);
      if (!next) throw new KeyStoreError("No rotation is under way: there is no new key to switch to.");
      // Deleted and added again rather than updated, so the item's creation date is the key's age.
      await remove(currentService);
      await write(currentService, next);
      await remove(pendingService);
    },
  };
}

// Elsewhere: a private file -------------------------------------------------------------------------

export function keyFilePath(agentHome: string): string {
  return path.join(agentHome, "cache-key");
}

function fileStore(agentHome: string): KeyStore {
  const file = keyFilePath(agentHome);
  const pending = `${file}.rotating`;

  function read(target: string): Buffer | null {
    let text: string;
    try {
      const info = fs.statSync(target);
      if ((info.mode & 0o077) !== 0) throw new KeyStoreError(`${target} is readable by other users; remove it and rotate the key.`);
      text = fs.readFileSync(target, "utf8");
    } catch (error) {
      if (error instanceof Error && "code" in error && error.code === "ENOENT") return null;
      throw error;
    }
    return parseKey(text, target);
  }

  /** Writes a new key to a private temp file, then links (create-only) or renames it into place. */
  function writeKey(target: string, key: Buffer, replace: boolean): boolean {
    fs.mkdirSync(agentHome, { recursive: true, mode: 0o700 });
    const temporary = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    fs.writeFileSync(temporary, `${key.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
    try {
      if (replace) {
        fs.renameSync(temporary, target);
        return true;
      }
      // link() fails when the target exists: two agents ensuring at once keep one key.
      fs.linkSync(temporary, target);
      return true;
    } catch (error) {
      if (error instanceof Error && "code" in error && error.code === "EEXIST") return false;
      throw error;
    } finally {
      fs.rmSync(temporary, { force: true });
    }
  }

  // Async like the Keychain store, so a failure is always a rejected promise.
  return {
    location: "file",
    description: file,
    exists: async () => fs.existsSync(file),
    ensure: async () => ({ created: fs.existsSync(file) ? false : writeKey(file, randomBytes(keyBytes), false) }),
    async createdAt() {
      try {
        return fs.statSync(file).mtime;
      } catch {
        return null;
      }
    },
    helperArgs: () => ["-key-file", file],
    readKey: async () => read(file),
    readPendingKey: async () => read(pending),
    async createPendingKey() {
      const key = randomBytes(keyBytes);
      writeKey(pending, key, true);
      return key;
    },
    async promotePendingKey() {
      if (!fs.existsSync(pending)) throw new KeyStoreError("No rotation is under way: there is no new key to switch to.");
      // One rename: the old key is replaced in a single step, never lost halfway.
      fs.renameSync(pending, file);
    },
  };
}
