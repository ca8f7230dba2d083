// Small helpers every probe uses to answer: clipped messages that always fit the contract's bounds.
import { probeLimits } from "@cachefleet/contract";

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function clip(text: string, maxChars: number = probeLimits.messageChars): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

export function failed(error: unknown): { status: "error"; message: string } {
  return { status: "error", message: clip(errorMessage(error)) };
}

export function notApplicable(message: string): { status: "not-applicable"; message: string } {
  return { status: "not-applicable", message: clip(message) };
}

/** Whether a failed fs call failed with this errno code. */
export function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}

/** Runs `work` over `items` with at most `limit` at a time, keeping the order of results. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    for (let index = next++; index < items.length; index = next++) {
      const item = items[index];
      if (item !== undefined) results[index] = await work(item);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  return results;
}
