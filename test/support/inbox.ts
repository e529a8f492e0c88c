/** Helpers for the web inbox's tests: agents, logging in, and calls with the session cookie. */
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { startWidgetSession, visitorMessage } from "../../src/core/conversations/widget-sessions.js";
import type { Core, Scope } from "../../src/core/core.js";
import { createUser, type User } from "../../src/core/users/users.service.js";
import { type TestKit, withJson } from "./app.js";

export const AGENT_PASSWORD = "correct horse battery staple";

export interface AgentLogin {
  user: User;
  /** The `Cookie` header value carrying the session. */
  cookie: string;
  csrf: string;
  /** The raw Set-Cookie header of the login. */
  setCookie: string;
}

export async function createAgent(kit: Pick<TestKit, "core">, scope: Scope, username: string, name?: string) {
  return createUser(kit.core, scope, {
    username,
    name: name ?? `Agent ${username}`,
    email: `${username}@agents.example`,
    password: AGENT_PASSWORD,
  });
}

export type InboxResponse = LightMyRequestResponse & { json: any };

/** `inject` against the inbox with an optional session cookie, CSRF token and JSON body. */
export async function inbox(
  kit: Pick<TestKit, "app">,
  method: InjectOptions["method"],
  path: string,
  options: {
    login?: Pick<AgentLogin, "cookie" | "csrf"> | null;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<InboxResponse> {
  const headers: Record<string, string> = {};
  if (options.login) {
    headers.cookie = options.login.cookie;
    if (method !== "GET") headers["x-csrf-token"] = options.login.csrf;
  }
  Object.assign(headers, options.headers);
  const response = await kit.app.inject({
    method,
    url: `/inbox${path}`,
    headers,
    ...(options.body === undefined ? {} : { payload: options.body as any }),
  });
  return withJson(response);
}

export const cookieOf = (setCookie: string) => setCookie.split(";")[0]!;

export async function login(
  kit: Pick<TestKit, "app">,
  workspace: string,
  user: User,
  headers: Record<string, string> = {},
): Promise<AgentLogin> {
  const response = await inbox(kit, "POST", "/api/login", {
    body: { workspace, username: user.username, password: AGENT_PASSWORD },
    headers,
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const setCookie = String(response.headers["set-cookie"]);
  return { user, cookie: cookieOf(setCookie), csrf: response.json.csrf_token, setCookie };
}

/** A visitor opens the widget and writes; returns the conversation id and the widget session. */
export async function visitorChat(
  core: Core,
  scope: Scope,
  messages: string[],
  context: { visitorId?: string; pageUrl?: string; referrer?: string; userAgent?: string } = {},
) {
  const session = await startWidgetSession(core, scope, {
    visitorId: context.visitorId ?? `v_${Math.random().toString(36).slice(2, 10)}`,
    pageUrl: context.pageUrl ?? "https://shop.example/pricing",
    referrer: context.referrer ?? "https://search.example/?q=kith",
    userAgent: context.userAgent ?? "Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0",
    ip: "203.0.113.7",
  });
  for (const message of messages)
    await visitorMessage(core, scope, { sessionId: session.sessionId, message });
  return {
    conversationId: session.conversation.id,
    number: session.conversation.number,
    sessionId: session.sessionId,
  };
}
