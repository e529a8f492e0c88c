/** The workspace's users: assignees, owners and agents. Referred to by number in Valethon. */
import type { Core, Scope } from "../core.js";
import { allocateNumber } from "../counters.js";
import { duplicate, validationError } from "../errors.js";
import { appendEvent } from "../events.js";
import { newId } from "../ids.js";
import { optionalText, requireEmail, requireOneOf, requireText } from "../shared/validate.js";
import { hashPassword } from "./passwords.js";

export const USER_ROLES = ["admin", "agent"] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface User {
  id: string;
  number: number;
  username: string;
  name: string;
  email: string;
  role: UserRole;
}

export interface NewUserInput {
  username: unknown;
  name: unknown;
  email: unknown;
  password?: unknown;
  role?: unknown;
}

const USERNAME_PATTERN = /^[A-Za-z0-9_.@+-]{1,150}$/;

export async function createUser(core: Core, scope: Scope, input: NewUserInput): Promise<User> {
  const username = requireText("username", input.username, 150);
  if (!USERNAME_PATTERN.test(username)) {
    throw validationError("username", "may contain only letters, digits and _ . @ + -");
  }
  const name = requireText("name", input.name, 200);
  const email = requireEmail("email", input.email);
  const role = input.role === undefined ? "agent" : requireOneOf("role", input.role, USER_ROLES);
  const password = optionalText("password", input.password, 200);
  const passwordHash = password ? await hashPassword(password) : null;
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom("users")
      .select("id")
      .where("workspace_id", "=", scope.workspaceId)
      .where("username", "=", username)
      .executeTakeFirst();
    if (taken) throw duplicate("username", `"${username}" is already taken in this workspace`);
    const user = {
      id: newId(),
      number: await allocateNumber(trx, scope.workspaceId, "users"),
      username,
      name,
      email,
      role,
    };
    await trx
      .insertInto("users")
      .values({
        id: user.id,
        workspace_id: scope.workspaceId,
        seq: user.number,
        username,
        name,
        email,
        password_hash: passwordHash,
        role,
        active: 1,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await appendEvent(trx, scope, at, {
      type: "user.created",
      entityType: "user",
      entityId: user.id,
      data: user,
    });
    return user;
  });
}
