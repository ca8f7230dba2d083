// Where the cache encryption key is and whether it exists: the Keychain item on macOS, the agent's
// 0600 key file elsewhere (through the helper's key store), else — for an agent without one — the
// Keychain item's presence alone. Presence and creation date only: the secret never leaves the key
// store, so `security` runs without -g or -w and its stdout (the item's attributes) is never kept.
import { keychainService, type KeychainProbe } from "@cachefleet/contract";
import { clip, failed, notApplicable } from "./answer.js";
import type { ProbeContext } from "./context.js";

/** `security find-generic-password` exits 44 (errSecItemNotFound) when no item matches. */
const itemNotFound = 44;

export async function probeKeychain(context: ProbeContext): Promise<KeychainProbe> {
  const keyStore = context.cacheHelper?.keyStore;
  if (keyStore) {
    try {
      const itemPresent = await keyStore.exists();
      // Off macOS there is no Keychain to be missing from: only an existing key file is a fact worth reporting.
      if (!itemPresent && keyStore.location === "file" && context.platform !== "darwin") {
        return notApplicable("There is no Keychain on this system and no key file yet; a migration creates one.");
      }
      const createdAt = itemPresent ? await keyStore.createdAt() : null;
      return { status: "ok", service: keychainService, itemPresent, store: keyStore.location, keyCreatedAt: createdAt ? createdAt.toISOString() : null };
    } catch (error) {
      return failed(error);
    }
  }
  if (context.platform !== "darwin") return notApplicable("The Keychain exists only on macOS, and this agent has no key file store.");
  try {
    const result = await context.commands.run({ kind: "keychain-item" });
    if (result.exitCode === 0) return { status: "ok", service: keychainService, itemPresent: true, store: "keychain", keyCreatedAt: null };
    if (result.exitCode === itemNotFound) return { status: "ok", service: keychainService, itemPresent: false, store: "keychain", keyCreatedAt: null };
    return { status: "error", message: clip(`security exited ${result.exitCode}: ${result.stderr.trim() || "(no message)"}`) };
  } catch (error) {
    return failed(error);
  }
}
