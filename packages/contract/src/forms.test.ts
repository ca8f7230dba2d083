// The shared form schemas and the paging input: what a form and its procedure both accept.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { firstFieldErrors, NewUserInput, PolicyInput } from "./forms.js";
import { PageInput, pageInput, pageOffset } from "./paging.js";

describe("the policy form's schema", () => {
  it("names each wrong field with the message the form shows", () => {
    const parsed = PolicyInput.safeParse({ requireEncryption: true, requireEncryptedFromGo: "go1.22", cacheSizeWarningGb: Number.NaN, offlineAfterMinutes: 0.5, rotateKeyEveryDays: null });
    expect(parsed.success).toBe(false);
    expect(firstFieldErrors(z.flattenError(parsed.error!).fieldErrors)).toEqual({
      requireEncryptedFromGo: 'Give a Go release such as "1.22" or "1.21.5".',
      cacheSizeWarningGb: "Give a size in GB.",
      offlineAfterMinutes: "Give whole minutes.",
    });
  });

  it("accepts a policy without a key rotation age", () => {
    expect(PolicyInput.parse({ requireEncryption: false, requireEncryptedFromGo: " 1.21.5 ", cacheSizeWarningGb: 0.5, offlineAfterMinutes: 60, rotateKeyEveryDays: null })).toMatchObject({
      requireEncryptedFromGo: "1.21.5",
      rotateKeyEveryDays: null,
    });
  });
});

describe("the new user form's schema", () => {
  it("keeps emails in lower case", () => {
    expect(NewUserInput.parse({ email: "Ada@Example.com", name: " Ada ", role: "admin", password: "long enough" })).toMatchObject({ email: "ada@example.com", name: "Ada" });
  });
});

describe("the paging input", () => {
  it("starts at page 1 with 50 rows and refuses pages below 1 or larger than the list allows", () => {
    expect(PageInput.parse({})).toEqual({ page: 1, pageSize: 50 });
    expect(PageInput.safeParse({ page: 0 }).success).toBe(false);
    expect(PageInput.safeParse({ pageSize: 201 }).success).toBe(false);
    expect(pageInput({ pageSize: 100, maxPageSize: 10_000 }).parse({ pageSize: 10_000 })).toEqual({ page: 1, pageSize: 10_000 });
  });

  it("skips the rows of the pages before", () => {
    expect(pageOffset({ page: 1, pageSize: 50 })).toBe(0);
    expect(pageOffset({ page: 3, pageSize: 20 })).toBe(40);
  });
});
