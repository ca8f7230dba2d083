// The agent's tRPC client: plain HTTP for calls, SSE for the command subscription. Node 20 has no
// global EventSource, so the `eventsource` package is passed in; its fetch adds the bearer token.
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, type TRPCClient } from "@trpc/client";
import { EventSource } from "eventsource";
import type { AppRouter } from "@cachefleet/api";

export type ServerClient = TRPCClient<AppRouter>;

export function trpcUrl(server: string): string {
  return new URL("/api/trpc", server).toString();
}

export function createServerClient(server: string, token: string | null): ServerClient {
  const authorization: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const url = trpcUrl(server);
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...authorization } }),
          }),
        }),
        false: httpLink({ url, headers: () => authorization }),
      }),
    ],
  });
}
