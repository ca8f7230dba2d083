import { agentRouter } from "./router/agent.js";
import { fleetRouter } from "./router/fleet.js";
import { createCallerFactory, router } from "./trpc.js";

export const appRouter = router({
  agent: agentRouter,
  fleet: fleetRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
