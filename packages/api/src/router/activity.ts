// The activity log, newest first, a page at a time, optionally one kind of event only.
import { z } from "zod";
import { listActivityPage } from "@cachefleet/db";
import { router, userProcedure } from "../trpc.js";

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
      z.object({
        kind: z.enum(kindNames).optional(),
        page: z.number().int().min(1).max(1_000_000).default(1),
        pageSize: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { events, total } = await listActivityPage(ctx.db, {
        page: input.page,
        pageSize: input.pageSize,
        actionPrefixes: input.kind ? activityKinds[input.kind] : undefined,
      });
      return { page: input.page, pageSize: input.pageSize, total, events: events.map((event) => ({ ...event, at: event.at.toISOString() })) };
    }),
});
