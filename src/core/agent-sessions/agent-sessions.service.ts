/**
 * Agent sessions of the web inbox: a workspace user logs in with username and password and gets
 * an opaque session token (kept by the browser in a cookie). Only the token's SHA-256 digest is
 * stored. A session ends when it has not been used for IDLE_MS, at most MAX_MS after the login,
 * on logout, or when its user is deactivated or deleted.
 *
 * The CSRF token is derived from the session token (an HMAC keyed by it), so it needs no storage,
 * is the same for the whole session, and cannot be computed without the cookie's token.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Core, Scope } from "../core.js";
import { CoreError } from "../errors.js";
import { newId } from "../ids.js";
import { requireText } from "../shared/validate.js";
import { hashPassword, verifyPassword } from "../users/passwords.js";
import type { UserRole } from "../users/users.service.js";

export const AGENT_SESSION_LIFETIME = {
  /** A session unused for this long has ended (12 h). */
  idleMs: 12 * 60 * 60 * 1000,
  /** No session outlives its login by more than this (7 days). */
  maxMs: 7 * 24 * 60 * 60 * 1000,
  /** Use is recorded at most this often, so reads do not each cost a write. */
  touchEveryMs: 60 * 1000,
} as const;

const TOKEN_PREFIX = "kis_";
const TOKEN_PATTERN = /^kis_[A-Za-z0-9_-]{43}$/;

export interface AgentIdentity {
  readonly user: {
    readonly id: string;
    readonly number: number;
    readonly username: string;
    readonly name: string;
    readonly email: string;
    readonly role: UserRole;
  };
  readonly workspace: { readonly id: string; readonly slug: string; readonly name: string };
}

export interface AgentSession extends AgentIdentity {
  readonly id: string;
  readonly expiresAt: string;
  /** The scope every core call made for this agent uses: their workspace, acting as themselves. */
  readonly scope: Scope;
}

export interface AgentLogin {
  workspace: unknown;
  username: unknown;
  password: unknown;
}

/** The same answer for an unknown workspace, an unknown user and a wrong password. */
export const LOGIN_REFUSED = "workspace, username or password is incorrect";

const digestToken = (token: string): string => createHash("sha256").update(token).digest("hex");

let dummyHash: Promise<string> | null = null;
/** Verified against when there is no user, so that case costs as much time as a wrong password. */
const dummyPasswordHash = () => {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  return dummyHash;
};

/** Checks the credentials and opens a session; the token is returned once and never stored. */
/** The user and workspace columns both session queries select. */
interface SessionUserRow {
  userId: string;
  seq: number | string;
  username: string;
  name: string;
  email: string;
  role: string;
  workspaceId: string;
  slug: string;
  workspaceName: string;
}

function sessionOf(id: string, expiresAt: string, row: SessionUserRow): AgentSession {
  return {
    id,
    expiresAt,
    scope: { workspaceId: row.workspaceId, actor: row.userId },
    user: {
      id: row.userId,
      number: Number(row.seq),
      username: row.username,
      name: row.name,
      email: row.email,
      role: row.role as AgentSession["user"]["role"],
    },
    workspace: { id: row.workspaceId, slug: row.slug, name: row.workspaceName },
  };
}

export async function loginAgent(
  core: Core,
  input: AgentLogin,
): Promise<{ token: string; session: AgentSession }> {
  const slug = requireText("workspace", input.workspace, 100);
  const username = requireText("username", input.username, 150);
  const password = requireText("password", input.password, 200);
  const row = await core.db
    .selectFrom("users")
    .innerJoin("workspaces", "workspaces.id", "users.workspace_id")
    .select([
      "users.id as userId",
      "users.seq",
      "users.username",
      "users.name",
      "users.email",
      "users.role",
      "users.password_hash",
      "workspaces.id as workspaceId",
      "workspaces.slug",
      "workspaces.name as workspaceName",
    ])
    .where("workspaces.slug", "=", slug)
    .where("users.username", "=", username)
    .where("users.active", "=", 1)
    .executeTakeFirst();
  const passwordHash = row?.password_hash ?? (await dummyPasswordHash());
  const matches = await verifyPassword(password, passwordHash);
  if (!row?.password_hash || !matches) throw new CoreError("UNAUTHENTICATED", LOGIN_REFUSED);

  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const now = core.clock.now();
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + AGENT_SESSION_LIFETIME.idleMs).toISOString();
  const id = newId();
  await core.db.transaction().execute(async (trx) => {
    // Sessions are few and short-lived; each login sweeps the ended ones.
    await trx.deleteFrom("agent_sessions").where("expires_at", "<=", at).execute();
    await trx
      .insertInto("agent_sessions")
      .values({
        id,
        workspace_id: row.workspaceId,
        user_id: row.userId,
        token_digest: digestToken(token),
        created_at: at,
        last_seen_at: at,
        expires_at: expiresAt,
      })
      .execute();
  });
  return {
    token,
    session: sessionOf(id, expiresAt, row),
  };
}

/**
 * The live session a token stands for, or null. Its use is recorded (which slides its expiry)
 * unless `touch` is false: a background check, such as an open event stream re-checking its
 * session, is not the agent's activity.
 */
export async function resolveAgentSession(
  core: Core,
  token: string,
  options: { touch?: boolean } = {},
): Promise<AgentSession | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const now = core.clock.now();
  const at = now.toISOString();
  const row = await core.db
    .selectFrom("agent_sessions")
    .innerJoin("users", "users.id", "agent_sessions.user_id")
    .innerJoin("workspaces", "workspaces.id", "agent_sessions.workspace_id")
    .select([
      "agent_sessions.id",
      "agent_sessions.created_at",
      "agent_sessions.last_seen_at",
      "agent_sessions.expires_at",
      "users.id as userId",
      "users.seq",
      "users.username",
      "users.name",
      "users.email",
      "users.role",
      "users.active",
      "workspaces.id as workspaceId",
      "workspaces.slug",
      "workspaces.name as workspaceName",
    ])
    .where("agent_sessions.token_digest", "=", digestToken(token))
    // A user belongs to one workspace; the join makes a mismatched row unusable all the same.
    .whereRef("users.workspace_id", "=", "agent_sessions.workspace_id")
    .executeTakeFirst();
  if (!row || row.expires_at <= at || Number(row.active) !== 1) return null;

  let expiresAt = row.expires_at;
  const touch = options.touch ?? true;
  if (touch && now.getTime() - Date.parse(row.last_seen_at) >= AGENT_SESSION_LIFETIME.touchEveryMs) {
    expiresAt = new Date(
      Math.min(
        now.getTime() + AGENT_SESSION_LIFETIME.idleMs,
        Date.parse(row.created_at) + AGENT_SESSION_LIFETIME.maxMs,
      ),
    ).toISOString();
    await core.db
      .updateTable("agent_sessions")
      .set({ last_seen_at: at, expires_at: expiresAt })
      .where("id", "=", row.id)
      .execute();
  }
  return sessionOf(row.id, expiresAt, row);
}

/** Logout: the token stops working at once, in every process. Returns the ended session's id. */
export async function endAgentSession(core: Core, token: string): Promise<string | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const ended = await core.db
    .deleteFrom("agent_sessions")
    .where("token_digest", "=", digestToken(token))
    .returning("id")
    .executeTakeFirst();
  return ended?.id ?? null;
}

/** The CSRF token of a session: what state-changing requests must echo in a header. */
export function csrfTokenOf(sessionToken: string): string {
  return createHmac("sha256", sessionToken).update("kith inbox csrf").digest("base64url");
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function isCsrfTokenOf(sessionToken: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenOf(sessionToken));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
