import { activityRouter } from "./router/activity.js";
import { agentRouter } from "./router/agent.js";
import { apiTokensRouter } from "./router/api-tokens.js";
import { auditRouter } from "./router/audit.js";
import { commandsRouter } from "./router/commands.js";
import { enrollmentRouter } from "./router/enrollment.js";
import { fleetRouter } from "./router/fleet.js";
import { usersRouter } from "./router/users.js";
import { webhooksRouter } from "./router/webhooks.js";
import { machinesRouter } from "./router/machines.js";
import { policyRouter } from "./router/policy.js";
import { hygieneRouter } from "./router/hygiene.js";
import { remediationsRouter } from "./router/remediations.js";
import { createCallerFactory, router } from "./trpc.js";

export const appRouter = router({
  agent: agentRouter,
  fleet: fleetRouter,
  commands: commandsRouter,
  users: usersRouter,
  machines: machinesRouter,
  audit: auditRouter,
  enrollment: enrollmentRouter,
  policy: policyRouter,
  activity: activityRouter,
  hygiene: hygieneRouter,
  apiTokens: apiTokensRouter,
  webhooks: webhooksRouter,
  remediations: remediationsRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
