/** `inject` against the Epixel dialect: `apikey` + Bearer JWT, multipart/urlencoded/JSON bodies. */
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import type { Scope } from "../../src/core/core.js";
import { serverSecretOf } from "../../src/core/settings.js";
import { createUser } from "../../src/core/users/users.service.js";
import { jwtKeyOf, signToken } from "../../src/http/dialects/epixel/tokens.js";
import type { TestKit } from "./app.js";
import { withJson } from "./app.js";

export const EPIXEL = "/epixel/api/v1";

export type BodyKind = "multipart" | "urlencoded" | "json";

export interface EpixelSession {
  id: string;
  username: string;
  password: string;
  access: string;
  refresh: string;
  headers: Record<string, string>;
}

let counter = 0;

/** Creates a user of the scope's workspace with a password and logs it in through `user/login/`. */
export async function epixelLogin(
  kit: TestKit,
  options: { scope?: Scope; secretKey?: string; username?: string; role?: "admin" | "agent" } = {},
): Promise<EpixelSession> {
  const scope = options.scope ?? kit.scope;
  const secretKey = options.secretKey ?? kit.secretKey;
  counter += 1;
  const username = options.username ?? `user${counter}_${Math.random().toString(36).slice(2, 8)}`;
  const password = `pw-${username}-secret`;
  const user = await createUser(kit.core, scope, {
    username,
    name: `User ${username}`,
    email: `${username}@example.com`,
    password,
    role: options.role ?? "agent",
  });
  const response = await epixel(kit, "POST", "/user/login/", {
    headers: { apikey: secretKey },
    body: { username, password },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
  const { access, refresh } = response.json;
  return {
    id: user.id,
    username,
    password,
    access,
    refresh,
    headers: { apikey: secretKey, authorization: `Bearer ${access}` },
  };
}

/** An access token signed like the server's, for a user id of a workspace (security suite). */
export async function accessTokenFor(kit: TestKit, workspaceId: string, userId: string): Promise<string> {
  const key = jwtKeyOf(await serverSecretOf(kit.core, kit.config.secret));
  return signToken(key, { sub: userId, wid: workspaceId, type: "access" }, kit.core.clock.now().getTime());
}

function multipart(fields: Record<string, string>): { payload: string; contentType: string } {
  const boundary = `----kithtest${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    payload: `${parts.join("")}--${boundary}--\r\n`,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** Sends a request; `body` goes as multipart by default (the document's own samples). */
export async function epixel(
  kit: Pick<TestKit, "app">,
  method: InjectOptions["method"],
  path: string,
  options: {
    headers?: Record<string, string>;
    session?: EpixelSession;
    body?: Record<string, unknown>;
    kind?: BodyKind;
    query?: Record<string, string>;
  } = {},
): Promise<LightMyRequestResponse & { json: any }> {
  const headers: Record<string, string> = { ...(options.session?.headers ?? {}), ...options.headers };
  let payload: string | undefined;
  if (options.body !== undefined) {
    const kind = options.kind ?? "multipart";
    if (kind === "json") {
      payload = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
    } else {
      const fields = Object.fromEntries(
        Object.entries(options.body).map(([key, value]) => [key, String(value)]),
      );
      if (kind === "urlencoded") {
        payload = new URLSearchParams(fields).toString();
        headers["content-type"] = "application/x-www-form-urlencoded";
      } else {
        const built = multipart(fields);
        payload = built.payload;
        headers["content-type"] = built.contentType;
      }
    }
  }
  const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : "";
  const response = await kit.app.inject({
    method,
    url: `${EPIXEL}${path}${query}`,
    headers,
    ...(payload === undefined ? {} : { payload }),
  });
  return withJson(response);
}

/** A valid lead body (E8) with unique email. */
export function leadForm(overrides: Record<string, string> = {}): Record<string, string> {
  counter += 1;
  return {
    first_name: "Ada",
    last_name: "Lovelace",
    email: `ada${counter}.${Math.random().toString(36).slice(2, 8)}@example.com`,
    phone: "+441234567890",
    ...overrides,
  };
}
