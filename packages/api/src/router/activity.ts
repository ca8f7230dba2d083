// The activity log, newest first, a page at a time, optionally one kind of event only.
import { z } from "zod";
import { PageInput } from "@cachefleet/contract";
import { listActivityPage } from "@cachefleet/db";
import { router, userProcedure } from "../trpc.js";
import { isoDates } from "../dates.js";

/** Which actions each kind of event covers (by prefix of the action name). */
export const activityKinds = {
  "sign-ins": ["sign-in", "sign-out", "user."],
  secrets: ["enrollment-secret.", "api-token.", "webhook."],
  machines: ["machine."],
  policy: ["policy."],
  commands: ["command.", "batch."],
  remediation: ["remediation."],
} as const satisfies Record<string, readonly string[]>;

export type ActivityKind = keyof typeof activityKinds;

const kindNames = Object.keys(activityKinds) as [ActivityKind, ...ActivityKind[]];

export const activityRouter = router({
  list: userProcedure
    .input(
      PageInput.extend({ kind: z.enum(kindNames).optional() }),
    )
    .query(async ({ ctx, input }) => {
      const { events, total } = await listActivityPage(ctx.db, {
        page: input.page,
        pageSize: input.pageSize,
        actionPrefixes: input.kind ? activityKinds[input.kind] : undefined,
      });
      return { page: input.page, pageSize: input.pageSize, total, events: events.map(isoDates) };
    }),
});
