// The React Query client's settings, one factory for both sides: the browser keeps one client for
// its session (client.tsx), the server makes one per request to prefetch a page's queries and hand
// them over (server.tsx). No transformer: the API sends plain JSON (dates as ISO strings), so the
// dehydrated cache needs no serializer either.
import { isServer, QueryClient } from "@tanstack/react-query";
import { trpcErrorCode } from "./error-code";

const finalErrors = new Set(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST"]);

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Pages poll on their own interval; a short stale time avoids a refetch storm on focus.
        staleTime: 1000,
        // Asking again will not turn a 400/401/403/404 into a success. On the server a page waits
        // for its prefetch, so a failure is answered at once; the browser asks again itself.
        retry: isServer ? false : (failures, error) => !finalErrors.has(trpcErrorCode(error) ?? "") && failures < 2,
      },
    },
  });
}
