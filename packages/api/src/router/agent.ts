// What agents call: enroll, report, heartbeat, receive commands (SSE), and report command progress.
import { tracked, TRPCError } from "@trpc/server";
import {
  AgentPolicy,
  AgentReport,
  ClaimAnswer,
  ClaimMessage,
  EnrollInput,
  EnrollOutput,
  Heartbeat,
  HeartbeatAck,
  ProgressAck,
  ProgressMessage,
  ResultAck,
  ResultMessage,
} from "@cachefleet/contract";
import {
  claimCommand,
  enrollMachine,
  EnrollmentRefused,
  getCommandKind,
  MessageIdReused,
  pendingCommands,
  recordCommandResult,
  recordEnrollmentSecretUse,
  recordHeartbeat,
  recordReport,
  recordStepProgress,
  ReportIdTaken,
} from "@cachefleet/db";
import { commandEvents, CommandStreamInput, toDelivered } from "../command-events.js";
import { fleetFeed } from "../fleet-feed.js";
import { evaluateHealth, overallHealth, type TeamPolicy } from "@cachefleet/health";
import { commandEnded, healthChanged, machineEnrolled } from "../machine-events.js";
import { cachedPolicy } from "../policy-cache.js";
import { clientAddress } from "../client-address.js";
import { agentProcedure, publicProcedure, router } from "../trpc.js";

export const agentRouter = router({
  enroll: publicProcedure
    .input(EnrollInput)
    .output(EnrollOutput)
    .mutation(async ({ ctx, input }) => {
      // Failed attempts per address are limited, so secrets cannot be guessed at speed.
      const address = clientAddress(ctx.headers ?? new Headers(), ctx.limits.trustedProxyHops);
      if (ctx.limits.enrollmentPerAddress.retryAfterMs(address) > 0) {
        throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: "Too many failed enrollment attempts from this address; try again later." });
      }
      try {
        const enrolled = await enrollMachine(ctx.db, input.secret, input.machine);
        await recordEnrollmentSecretUse(ctx.db, input.secret, { id: enrolled.machineId, hostname: input.machine.hostname });
        await machineEnrolled(ctx.db, { id: enrolled.machineId, hostname: input.machine.hostname, username: input.machine.username, platform: input.machine.platform });
        return enrolled;
      } catch (error) {
        if (error instanceof EnrollmentRefused) {
          ctx.limits.enrollmentPerAddress.fail(address);
          throw new TRPCError({ code: "FORBIDDEN", message: error.message });
        }
        throw error;
      }
    }),

  report: agentProcedure.input(AgentReport).mutation(async ({ ctx, input }) => {
    const startedAt = performance.now();
    const findings = evaluateHealth(input, await cachedPolicy(ctx.db));
    const health = overallHealth(findings);
    const rules = findings.map((finding) => finding.rule);
    const { stored, digest, previousHealth } = await recordReport(ctx.db, ctx.machine.id, input, { health, rules }).catch((error: unknown) => {
      if (error instanceof ReportIdTaken) throw new TRPCError({ code: "CONFLICT", message: error.message });
      throw error;
    });
    if (stored) {
      fleetFeed(ctx.db, ctx.logger).changed();
      await healthChanged(ctx.db, ctx.machine, { previous: previousHealth, health, rules });
    }
    ctx.metrics.reportReceived(stored ? "stored" : "duplicate", (performance.now() - startedAt) / 1000);
    return { stored, health, findings, digest };
  }),

  /**
   * What an idle agent sends instead of a full report: refreshes the machine's last-seen time
   * (nothing else is written), and asks for a full report when the digest is not that of the
   * machine's latest stored report (none stored yet, or a database restored from before it).
   */
  heartbeat: agentProcedure
    .input(Heartbeat)
    .output(HeartbeatAck)
    .mutation(async ({ ctx, input }) => {
      const startedAt = performance.now();
      const { reportMatches } = await recordHeartbeat(ctx.db, ctx.machine.id, input.reportDigest);
      // Last-seen times are on the fleet page (online, "seen … ago"), as a report's were.
      fleetFeed(ctx.db, ctx.logger).changed();
      ctx.metrics.heartbeatReceived((performance.now() - startedAt) / 1000);
      return { sendFullReport: !reportMatches };
    }),

  /** The team policy, so `cachefleet-agent status` gives the verdict the dashboard gives. */
  policy: agentProcedure.output(AgentPolicy).query(async ({ ctx }): Promise<TeamPolicy> => {
    const { requireEncryption, requireEncryptedFromGo, cacheSizeWarningBytes, offlineAfterMinutes, rotateKeyEveryDays } = await cachedPolicy(ctx.db);
    return { requireEncryption, requireEncryptedFromGo, cacheSizeWarningBytes, offlineAfterMinutes, rotateKeyEveryDays };
  }),

  /**
   * Pushes this machine's pending commands, then each one queued for it (command-events.ts). Over
   * HTTP, GET requests for this path are served by command-stream.ts in the same wire format; this
   * definition is what the agent's client is typed from and what in-process callers run.
   * A stream opened with `probes: true` (the dispatch bench's) also echoes the no-op probes an
   * admin sends (commands.probeStreams); the agent never asks for them.
   */
  commands: agentProcedure.input(CommandStreamInput).subscription(async function* ({ ctx, input, signal }) {
    for await (const event of commandEvents(ctx, input, signal)) yield tracked(event.id, event.data);
  }),

  /** The poll fallback when SSE is unavailable. */
  pendingCommands: agentProcedure.query(async ({ ctx }) => (await pendingCommands(ctx.db, ctx.machine.id)).map(toDelivered)),

  /**
   * Claims, progress and results each carry a message id the agent keeps across retries: the first
   * delivery takes effect, a resend gets the same answer and changes nothing (exactly once). A
   * message about no command of this machine is NOT_FOUND and writes nothing, so an agent cannot
   * fill the database or the activity log with made-up commands.
   */
  claim: agentProcedure
    .input(ClaimMessage)
    .output(ClaimAnswer)
    .mutation(async ({ ctx, input }) => (await once(claimCommand(ctx.db, ctx.machine.id, input))).answer),

  /** Step status and log lines; the answer says whether an admin asked to cancel. */
  progress: agentProcedure
    .input(ProgressMessage)
    .output(ProgressAck)
    .mutation(async ({ ctx, input }) => (await once(recordStepProgress(ctx.db, ctx.machine.id, input))).answer),

  /**
   * The outcome. `recorded` is false when the command had ended otherwise and keeps that outcome
   * (cancelled, or retried after the dashboard gave up on it); a result that arrives after the
   * dashboard gave up on a command nobody retried is recorded (see recordCommandResult).
   */
  result: agentProcedure
    .input(ResultMessage)
    .output(ResultAck)
    .mutation(async ({ ctx, input }) => {
      const delivered = await once(recordCommandResult(ctx.db, ctx.machine.id, input));
      if (delivered.first && delivered.answer.recorded) {
        const kind = (await getCommandKind(ctx.db, input.commandId)) ?? "unknown";
        await commandEnded(ctx.db, ctx.machine, { id: input.commandId, kind, status: input.status, failedStep: input.failedStep, error: input.error });
      }
      return delivered.answer;
    }),
});

/** A delivered message's answer; NOT_FOUND for a message about no command of this machine. */
async function once<Answer>(delivery: Promise<{ answer: Answer; first: boolean } | null>): Promise<{ answer: Answer; first: boolean }> {
  const delivered = await delivery.catch((error: unknown) => {
    if (error instanceof MessageIdReused) throw new TRPCError({ code: "CONFLICT", message: error.message });
    throw error;
  });
  if (!delivered) throw new TRPCError({ code: "NOT_FOUND", message: "No command of this machine has that id (or that step, or it is not running)." });
  return delivered;
}

