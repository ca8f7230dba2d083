// API tokens as an admin creates them: a name, a scope and an optional expiry. The same schema
// checks the dashboard's form and the procedure behind it.
import { z } from "zod";

/** read: what a viewer may do (every query). admin: what an admin may do. */
export const ApiTokenScope = z.enum(["read", "admin"]);
export type ApiTokenScope = z.infer<typeof ApiTokenScope>;

/** Names show in the activity log as `token:<name>`, so they are short and plain. */
export const ApiTokenName = z
  .string()
  .trim()
  .min(1, "Give the token a name.")
  .max(64, "At most 64 characters.")
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "Letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit.");

export const NewApiToken = z.object({
  name: ApiTokenName,
  scope: ApiTokenScope,
  /** Days until it is refused; absent for a token that never expires. */
  expiresInDays: z.number().int().min(1, "At least one day.").max(3650, "At most ten years.").optional(),
});
export type NewApiToken = z.infer<typeof NewApiToken>;

/** Every API token starts with this, so a leaked one is easy to recognise and never read as an agent token. */
export const apiTokenPrefix = "cfa_";
