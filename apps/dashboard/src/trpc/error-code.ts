// The tRPC error code (UNAUTHORIZED, NOT_FOUND, …) carried by an error from the tRPC client.
import { TRPCClientError } from "@trpc/client";

export function trpcErrorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null || !("code" in data)) return undefined;
  return typeof data.code === "string" ? data.code : undefined;
}
