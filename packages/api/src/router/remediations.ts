// Automatic remediation: everyone signed in sees the remediations and each machine's state;
// admins run a dry run (the machines a remediation would act on now), save, pause, resume and
// delete. The background job (remediation-runner.ts) does the acting.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { localTimeOfMinutes, minutesOfLocalTime, NewRemediation } from "@cachefleet/contract";
import { createRemediation, deleteRemediation, listMachineRemediations, listRemediations, listRemediationStates, setRemediationPaused, type RemediationRow } from "@cachefleet/db";
import { planNow } from "../remediation-runner.js";
import { adminProcedure, router, userProcedure } from "../trpc.js";
import { iso, isoDates } from "../dates.js";

const RemediationId = z.object({ remediationId: z.string().min(1).max(64) });

const previewId = "dry-run";

export const remediationsRouter = router({
  list: userProcedure.query(async ({ ctx }) => {
    const [remediations, states] = await Promise.all([listRemediations(ctx.db), listRemediationStates(ctx.db)]);
    return remediations.map((remediation) => {
      const mine = states.filter((state) => state.remediationId === remediation.id);
      const count = (status: string) => mine.filter((state) => state.status === status).length;
      return {
        id: remediation.id,
        name: remediation.name,
        rule: remediation.rule,
        spec: remediation.spec,
        window: { start: localTimeOfMinutes(remediation.windowStart), end: localTimeOfMinutes(remediation.windowEnd) },
        maxConcurrent: remediation.maxConcurrent,
        maxAttempts: remediation.maxAttempts,
        retryBaseMinutes: remediation.retryBaseMinutes,
        paused: remediation.paused,
        createdByEmail: remediation.createdByEmail,
        createdAt: iso(remediation.createdAt),
        counts: { pending: count("pending"), running: count("running"), fixed: count("fixed"), failed: count("failed") },
      };
    });
  }),

  /** Each machine under one remediation, with its state and the last error. */
  machines: userProcedure.input(RemediationId).query(async ({ ctx, input }) => {
    const snapshot = await planNow(ctx.db, new Date());
    const hostnames = new Map(snapshot.machines.map((machine) => [machine.id, machine.hostname]));
    const waiting = new Map(snapshot.plan.waiting.filter((wait) => wait.remediationId === input.remediationId).map((wait) => [wait.machineId, wait.reason]));
    return snapshot.states
      .filter((state) => state.remediationId === input.remediationId)
      .map((state) => ({
        machineId: state.machineId,
        hostname: hostnames.get(state.machineId) ?? state.machineId,
        status: state.status,
        attempts: state.attempts,
        commandId: state.commandId,
        nextAttemptAt: iso(state.nextAttemptAt),
        lastError: state.lastError,
        updatedAt: iso(state.updatedAt),
        waiting: state.status === "pending" ? (waiting.get(state.machineId) ?? null) : null,
      }));
  }),

  /** One machine's state under every remediation that concerns it, for the machine's page. */
  forMachine: userProcedure.input(z.object({ machineId: z.string().min(1).max(64) })).query(async ({ ctx, input }) =>
    (await listMachineRemediations(ctx.db, input.machineId)).map(isoDates),
  ),

  /** The dry run: which machines this remediation would act on now, and why the others wait. */
  preview: adminProcedure.input(NewRemediation).query(async ({ ctx, input }) => {
    const unsaved: RemediationRow = {
      id: previewId,
      name: input.name,
      rule: input.rule,
      spec: input.spec,
      windowStart: minutesOfLocalTime(input.window.start),
      windowEnd: minutesOfLocalTime(input.window.end),
      maxConcurrent: input.maxConcurrent,
      maxAttempts: input.maxAttempts,
      retryBaseMinutes: input.retryBaseMinutes,
      paused: false,
      createdById: ctx.user.id,
      createdByEmail: ctx.user.email,
      createdAt: new Date(),
    };
    const snapshot = await planNow(ctx.db, new Date(), unsaved);
    const machine = (id: string) => snapshot.machines.find((candidate) => candidate.id === id);
    const describe = (id: string) => ({ machineId: id, hostname: machine(id)?.hostname ?? id, timeZone: machine(id)?.timeZone ?? null });
    return {
      actNow: snapshot.plan.actions.filter((action) => action.type === "start" && action.remediationId === previewId).map((action) => describe(action.machineId)),
      waiting: snapshot.plan.waiting.filter((wait) => wait.remediationId === previewId).map((wait) => ({ ...describe(wait.machineId), reason: wait.reason })),
    };
  }),

  create: adminProcedure.input(NewRemediation).mutation(async ({ ctx, input }) => {
    const created = await createRemediation(ctx.db, input, ctx.user);
    return { id: created.id };
  }),

  setPaused: adminProcedure.input(RemediationId.extend({ paused: z.boolean() })).mutation(async ({ ctx, input }) => {
    if (!(await setRemediationPaused(ctx.db, input.remediationId, input.paused, ctx.user.email))) throw new TRPCError({ code: "NOT_FOUND", message: "No such remediation." });
    return { paused: input.paused };
  }),

  delete: adminProcedure.input(RemediationId).mutation(async ({ ctx, input }) => {
    if (!(await deleteRemediation(ctx.db, input.remediationId, ctx.user.email))) throw new TRPCError({ code: "NOT_FOUND", message: "No such remediation." });
    return { deleted: true };
  }),
});
