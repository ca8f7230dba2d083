// Whether the Keychain holds the cache encryption key item. Presence only: the secret never leaves
// the machine, so `security` runs without -g or -w and its stdout (the item's attributes) is
// never kept.
import { keychainService, type KeychainProbe } from "@cachefleet/contract";
import { clip, failed, notApplicable } from "./answer.js";
import type { ProbeContext } from "./context.js";

/** `security find-generic-password` exits 44 (errSecItemNotFound) when no item matches. */
const itemNotFound = 44;

export async function probeKeychain(context: ProbeContext): Promise<KeychainProbe> {
  if (context.platform !== "darwin") return notApplicable("The Keychain exists only on macOS.");
  try {
    const result = await context.commands.run({ kind: "keychain-item" });
    if (result.exitCode === 0) return { status: "ok", service: keychainService, itemPresent: true };
    if (result.exitCode === itemNotFound) return { status: "ok", service: keychainService, itemPresent: false };
    return { status: "error", message: clip(`security exited ${result.exitCode}: ${result.stderr.trim() || "(no message)"}`) };
  } catch (error) {
    return failed(error);
  }
}
