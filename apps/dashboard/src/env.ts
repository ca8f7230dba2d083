// The dashboard's configuration, checked once when the server starts. Nothing else reads process.env.
import { z } from "zod";

const EnvSchema = z.object({
  /** postgresql://… or file:…; unset means the SQLite file in the repository's data folder. */
  DATABASE_URL: z
    .string()
    .trim()
    .refine((url) => url === "" || /^(postgres(ql)?:\/\/|file:)/.test(url), {
      error: "must be a postgresql:// URL or an SQLite file: URL",
    })
    .optional(),
  /** How often an agent's command stream re-reads the queue when no local notification wakes it. */
  CACHEFLEET_QUEUE_POLL_MS: z.coerce
    .number({ error: "must be a whole number of milliseconds" })
    .int({ error: "must be a whole number of milliseconds" })
    .min(10, { error: "must be at least 10 ms" })
    .max(60_000, { error: "must be at most 60000 ms" })
    .default(1000),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
});

export type Env = z.infer<typeof EnvSchema>;

function readEnv(): Env {
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    // Fail at start with every bad variable named, not later with a confusing query error.
    throw new Error(`The dashboard's environment is invalid:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export const env = readEnv();
