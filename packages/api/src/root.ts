import { agentRouter } from "./router/agent.js";
import { commandsRouter } from "./router/commands.js";
import { fleetRouter } from "./router/fleet.js";
import { usersRouter } from "./router/users.js";
import { createCallerFactory, router } from "./trpc.js";

export const appRouter = router({
  agent: agentRouter,
  fleet: fleetRouter,
  commands: commandsRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
