/**
 * E0 login and token refresh. `POST user/login/` {username, password} → `{"refresh", "access"}`
 * (bare, as documented); `POST user/token/refresh/` {refresh} → `{"access"}` (the refresh token
 * stays valid until it expires: no rotation). Both need only the `apikey`; the user must belong to
 * the apikey's workspace.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Core } from "../../../core/core.js";
import { verifyPassword } from "../../../core/users/passwords.js";
import type { EpixelUser } from "./context.js";
import { bodyOf } from "./context.js";
import { EpixelError, FieldErrors } from "./envelope.js";
import { epixelRoute } from "./route.js";
import { signToken, type TokenProblem, verifyToken } from "./tokens.js";

export const AUTH_MESSAGES = {
  failed: "The supplied authentication credentials are invalid.",
  inactive: "No active account found with the given credentials",
  missing: "Authentication credentials were not provided.",
  invalid: "Given token not valid: it is malformed or its signature does not match.",
  expired: "Given token has expired.",
  wrong_type: "Given token is not of the expected type.",
  workspace: "Given token does not belong to the workspace of this apikey.",
  user: "The token's user is not found or not active.",
} as const;

const unauthorized = (detail: string) => new EpixelError(401, { detail });

const PROBLEMS: Record<TokenProblem, string> = {
  invalid: AUTH_MESSAGES.invalid,
  expired: AUTH_MESSAGES.expired,
  wrong_type: AUTH_MESSAGES.wrong_type,
};

interface UserRecord extends EpixelUser {
  active: boolean;
  passwordHash: string | null;
}

async function findUser(
  core: Core,
  workspaceId: string,
  by: { id: string } | { username: string },
): Promise<UserRecord | null> {
  let query = core.db
    .selectFrom("users")
    .select(["id", "username", "role", "active", "password_hash"])
    .where("workspace_id", "=", workspaceId);
  query = "id" in by ? query.where("id", "=", by.id) : query.where("username", "=", by.username);
  const row = await query.executeTakeFirst();
  return row
    ? {
        id: row.id,
        username: row.username,
        role: row.role,
        active: Number(row.active) === 1,
        passwordHash: row.password_hash,
      }
    : null;
}

/** Checks `Authorization: Bearer <access JWT>` and returns its active user of `workspaceId`. */
export async function bearerUser(
  core: Core,
  request: FastifyRequest,
  workspaceId: string,
  key: Buffer,
): Promise<EpixelUser> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
  if (!match) throw unauthorized(AUTH_MESSAGES.missing);
  const verified = verifyToken(key, match[1]!, "access", core.clock.now().getTime());
  if ("problem" in verified) throw unauthorized(PROBLEMS[verified.problem]);
  if (verified.claims.wid !== workspaceId) throw unauthorized(AUTH_MESSAGES.workspace);
  const user = await findUser(core, workspaceId, { id: verified.claims.sub });
  if (!user?.active) throw unauthorized(AUTH_MESSAGES.user);
  return { id: user.id, username: user.username, role: user.role };
}

/** A hash to compare against when the username is unknown, so both answers take as long. */
const UNKNOWN_USER_HASH =
  "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

function requiredFields(body: Record<string, string>, fields: string[]): void {
  const errors = new FieldErrors();
  for (const field of fields) {
    const value = body[field];
    if (value === undefined) errors.add(field, "This field is required.");
    else if (value.trim() === "") errors.add(field, "This field may not be blank.");
  }
  errors.throwIfAny();
}

export async function authRoutes(
  app: FastifyInstance,
  deps: { core: Core; jwtKey: () => Promise<Buffer> },
): Promise<void> {
  const { core } = deps;
  const workspaceOf = (request: FastifyRequest) => request.principal!.workspaceId;

  epixelRoute(
    app,
    "POST",
    "user/login/",
    {
      summary: "Log in: obtain an access token (15 minutes) and a refresh token (7 days)",
      description:
        "Body `username`*, `password`* (multipart, urlencoded or JSON) of a user of the apikey's workspace. " +
        'Answers `{"refresh", "access"}` without the envelope.',
      public: true,
    },
    async (request) => {
      const body = bodyOf(request);
      requiredFields(body, ["username", "password"]);
      const user = await findUser(core, workspaceOf(request), { username: body.username! });
      const matches = await verifyPassword(body.password!, user?.passwordHash ?? UNKNOWN_USER_HASH);
      if (!user?.passwordHash || !matches) throw unauthorized(AUTH_MESSAGES.failed);
      if (!user.active) throw unauthorized(AUTH_MESSAGES.inactive);
      const key = await deps.jwtKey();
      const now = core.clock.now().getTime();
      const claims = { sub: user.id, wid: workspaceOf(request) };
      return {
        refresh: signToken(key, { ...claims, type: "refresh" }, now),
        access: signToken(key, { ...claims, type: "access" }, now),
      };
    },
  );

  epixelRoute(
    app,
    "POST",
    "user/token/refresh/",
    {
      summary: "A new access token for a refresh token",
      description: 'Body `refresh`*. Answers `{"access"}`; the refresh token stays valid until it expires.',
      public: true,
    },
    async (request) => {
      const body = bodyOf(request);
      requiredFields(body, ["refresh"]);
      const key = await deps.jwtKey();
      const now = core.clock.now().getTime();
      const verified = verifyToken(key, body.refresh!, "refresh", now);
      if ("problem" in verified) throw unauthorized(PROBLEMS[verified.problem]);
      if (verified.claims.wid !== workspaceOf(request)) throw unauthorized(AUTH_MESSAGES.workspace);
      const user = await findUser(core, workspaceOf(request), { id: verified.claims.sub });
      if (!user?.active) throw unauthorized(AUTH_MESSAGES.inactive);
      return {
        access: signToken(key, { sub: user.id, wid: verified.claims.wid, type: "access" }, now),
      };
    },
  );
}
