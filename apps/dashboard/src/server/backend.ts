// Loads the server-side workspace packages (and tRPC's server) with Node's own import at run time.
//
// Why not static imports: Turbopack bundles workspace packages even when serverExternalPackages
// lists them (vercel/next.js#84388), and @cachefleet/db breaks when bundled — it locates its data
// folder and migrations through import.meta.dirname, which bundled code does not have. An import
// the bundler ignores is left for Node, which resolves it from apps/dashboard/node_modules.
// @trpc/server comes the same way so that pages and the router built inside @cachefleet/api share
// one copy (the tRPC route's fetch adapter lives in @cachefleet/api itself): tRPC marks tracked
// subscription events with a module-private Symbol, and a second copy would drop the event ids
// agents resume their command stream from.
export const importApi = () => import(/* webpackIgnore: true */ "@cachefleet/api");
export const importDb = () => import(/* webpackIgnore: true */ "@cachefleet/db");
export const importTrpcServer = () => import(/* webpackIgnore: true */ "@trpc/server");
