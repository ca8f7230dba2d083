// Field-by-field problems with a form's input, found by the form's schema before sending or by the
// procedure on arrival (the error formatter in packages/api trpc.ts puts zod's flattened errors in
// the error's data), so the form shows each beside its field either way.
import { TRPCClientError } from "@trpc/client";
import { z } from "zod";
import type { InputErrors } from "@cachefleet/api";
import { firstFieldErrors } from "@cachefleet/contract";

/** Each field's first problem; "" holds problems with the input as a whole. */
export type FieldErrors = Partial<Record<string, string>>;

function fromFlattened({ formErrors, fieldErrors }: InputErrors): FieldErrors {
  const byField = firstFieldErrors(fieldErrors);
  return formErrors[0] ? { ...byField, "": formErrors[0] } : byField;
}

/** The input problems a failed call answered with, or null when it failed for another reason. */
export function inputErrorsOf(error: unknown): FieldErrors | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null || !("inputErrors" in data)) return null;
  const inputErrors = data.inputErrors as InputErrors | null;
  return inputErrors ? fromFlattened(inputErrors) : null;
}

/** Checks a form's input with the schema its procedure uses: the values to send, or the problems. */
export function checkInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
): { values: z.output<Schema>; errors: null } | { values: null; errors: FieldErrors } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { values: parsed.data, errors: null };
  const { formErrors, fieldErrors } = z.flattenError(parsed.error);
  return { values: null, errors: fromFlattened({ formErrors, fieldErrors }) };
}

/** A number typed in a text field; an empty field is no number (NaN), which the schema refuses. */
export function numberFrom(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}
