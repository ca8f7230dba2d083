// API tokens for automation: created by an admin (the plaintext returned once), listed, revoked,
// and resolved from a request's bearer token to the principal it acts as. Only SHA-256 hashes are
// stored; every change is written to the activity log.
import { apiTokenPrefix, type ApiTokenScope } from "@cachefleet/contract";
import type { Db } from "./client.js";
import { recordActivity } from "./activity.js";
import { hashToken, newToken } from "./secrets.js";
import { toRole, type SessionUser } from "./users.js";

export interface ApiTokenView {
  id: string;
  name: string;
  scope: ApiTokenScope;
  createdAt: Date;
  createdByEmail: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const viewFields = { id: true, name: true, scope: true, createdAt: true, createdByEmail: true, expiresAt: true, lastUsedAt: true, revokedAt: true } as const;

function toScope(scope: string): ApiTokenScope {
  return scope === "admin" ? "admin" : "read";
}

/** How a token's holder shows in the activity log. */
export function apiTokenActor(name: string): string {
  return `token:${name}`;
}

export async function listApiTokens(db: Db): Promise<ApiTokenView[]> {
  const rows = await db.apiToken.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: viewFields });
  return rows.map((row) => ({ ...row, scope: toScope(row.scope) }));
}

export class ApiTokenNameTaken extends Error {
  constructor(name: string) {
    super(`An active token is already named “${name}”; revoke it or choose another name.`);
  }
}

/**
 * Creates a token; its plaintext is returned this once and never stored. Names are unique among
 * tokens still in force, so the activity log names one token by each.
 */
export async function createApiToken(
  db: Db,
  input: { name: string; scope: ApiTokenScope; expiresAt: Date | null; createdBy: SessionUser },
  now = new Date(),
): Promise<{ id: string; name: string; token: string; expiresAt: Date | null }> {
  const clash = await db.apiToken.findFirst({
    where: { name: input.name, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    select: { id: true },
  });
  if (clash) throw new ApiTokenNameTaken(input.name);
  const token = `${apiTokenPrefix}${newToken(32)}`;
  const created = await db.apiToken.create({
    data: {
      name: input.name,
      scope: input.scope,
      tokenHash: hashToken(token),
      createdById: input.createdBy.id,
      createdByEmail: input.createdBy.email,
      expiresAt: input.expiresAt,
    },
  });
  await recordActivity(db, {
    actorEmail: input.createdBy.email,
    action: "api-token.created",
    subject: created.id,
    detail: { name: input.name, scope: input.scope, expiresAt: input.expiresAt?.toISOString() ?? null },
  });
  return { id: created.id, name: input.name, token, expiresAt: input.expiresAt };
}

/** Refuses the token from now on. Null when there is no such token; revoked false when it already was. */
export async function revokeApiToken(db: Db, tokenId: string, actorEmail: string): Promise<{ revoked: boolean; name: string } | null> {
  const token = await db.apiToken.findUnique({ where: { id: tokenId }, select: { name: true } });
  if (!token) return null;
  const { count } = await db.apiToken.updateMany({ where: { id: tokenId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count > 0) await recordActivity(db, { actorEmail, action: "api-token.revoked", subject: tokenId, detail: { name: token.name } });
  return { revoked: count > 0, name: token.name };
}

export interface ApiTokenPrincipal {
  token: { id: string; name: string; scope: ApiTokenScope };
  /**
   * Whom the token acts as: its creator's id (so commands it pushes are attributed to an
   * account), its own name in place of an email (so the activity log names the token), and the
   * lesser of its scope and its creator's current role.
   */
  user: SessionUser;
}

/** A last use is written at most this often, so a busy script does not write on every call. */
const lastUsedResolutionMs = 60_000;

/**
 * The principal a bearer token stands for, or null when it is not an API token, unknown, revoked,
 * expired, or its creator's account is gone.
 */
export async function findApiTokenPrincipal(db: Db, token: string, now = new Date()): Promise<ApiTokenPrincipal | null> {
  if (!token.startsWith(apiTokenPrefix)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  const creator = await db.user.findUnique({ where: { id: row.createdById }, select: { id: true, role: true, banned: true } });
  if (!creator || creator.banned === true) return null;
  const scope = toScope(row.scope);
  const role = scope === "admin" && toRole(creator.role) === "admin" ? "admin" : "viewer";
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= lastUsedResolutionMs) {
    await db.apiToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { token: { id: row.id, name: row.name, scope }, user: { id: creator.id, email: apiTokenActor(row.name), role } };
}
