// Server components' side of the browser's queries: the same procedures called in-process (no
// HTTP hop) into a query client of this request, whose cache HydrateClient hands to the browser's.
// A page awaits its prefetch, so its first HTML already holds the data and the client components
// read it through the very queries they keep refreshing (no `initial` props, no loading flash).
// Nothing is streamed pending: the fleet table changes its query with the URL and must keep the
// previous page meanwhile, which suspense (the only way to read a streamed query) cannot do.
import "server-only";
import type { ReactNode } from "react";
import { cache } from "react";
import { headers } from "next/headers";
import { dehydrate, HydrationBoundary, type FetchQueryOptions, type QueryKey } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { appRouter, type AppRouter, type Context } from "@cachefleet/api";
import { getServices } from "~/server/services";
import { currentUser } from "~/server/session";
import { createQueryClient } from "./query-client";

/** One query client per request: the page, its metadata and HydrateClient share it. */
const getQueryClient = cache(createQueryClient);

/**
 * The context of an API request made by the page's visitor: their session, no agent token.
 * Pages call requireUser first, so a signed-out visitor is sent to sign in before any query runs.
 */
const createContext = cache(async (): Promise<Context> => {
  const [services, user, requestHeaders] = await Promise.all([getServices(), currentUser(), headers()]);
  return { ...services, user, agentToken: null, headers: new Headers(requestHeaders) };
});

export const trpc = createTRPCOptionsProxy<AppRouter>({ router: appRouter, ctx: createContext, queryClient: getQueryClient });

/**
 * Runs a query into this request's cache and says how it failed, if it did. A failed query is
 * not handed over (only successes are dehydrated): the browser asks again and shows the error.
 */
export async function prefetch<TQueryFnData, TError, TData, TQueryKey extends QueryKey>(
  options: FetchQueryOptions<TQueryFnData, TError, TData, TQueryKey>,
): Promise<TError | null> {
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery(options);
  return queryClient.getQueryState<TData, TError>(options.queryKey)?.error ?? null;
}

/** Runs a query into this request's cache and answers its data; throws the procedure's error. */
export function fetchQuery<TQueryFnData, TError, TData, TQueryKey extends QueryKey>(
  options: FetchQueryOptions<TQueryFnData, TError, TData, TQueryKey>,
): Promise<TData> {
  return getQueryClient().fetchQuery(options);
}

/** Hands the queries this request ran to the browser's cache, for the client components below. */
export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
