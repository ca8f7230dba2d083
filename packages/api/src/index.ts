import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.js";

export { appRouter, createCaller, type AppRouter } from "./root.js";
export { createContext, sessionCookieName, type Context, type Services } from "./trpc.js";
export { CommandNotifier } from "./notifier.js";
export { QueueWatcher } from "./queue-watcher.js";
export { createServices } from "./services.js";
export { onlineWindowMs } from "./router/fleet.js";
export { csvCell, formatCsv, type CsvValue } from "./csv.js";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
