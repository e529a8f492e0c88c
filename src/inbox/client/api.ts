/**
 * The inbox's JSON API (`/inbox/api`). The session travels in its httpOnly cookie; every
 * state-changing call also sends the session's CSRF token, which login and `me` hand out.
 */

export type ConversationStatus = "open" | "waiting" | "closed";

export interface Me {
  user: { id: string; number: number; username: string; name: string; email: string; role: string };
  workspace: { id: string; slug: string; name: string };
  csrf_token: string;
}

export interface ConversationSummary {
  id: string;
  number: number;
  status: ConversationStatus;
  visitor_name: string | null;
  visitor_email: string | null;
  assignee: { id: string; name: string } | null;
  is_read: boolean;
  last_message_at: string | null;
  last_message_preview: string | null;
  created_at: string;
}

export interface LinkedPerson {
  id: string;
  number: number;
  name: string | null;
  email: string | null;
}

export interface ConversationDetail extends ConversationSummary {
  page_url: string | null;
  referrer: string | null;
  user_agent: string | null;
  lead: LinkedPerson | null;
  contact: LinkedPerson | null;
}

export interface Message {
  id: string;
  conversation_id: string;
  sender: "visitor" | "bot" | "agent";
  text: string;
  suggested_actions: string[];
  author_name: string | null;
  created_at: string;
}

export interface ConversationList {
  items: ConversationSummary[];
  total: number;
  page: number;
  per_page: number;
  unread: Record<ConversationStatus, number>;
}

export interface ListFilter {
  status: ConversationStatus;
  mine: boolean;
  page?: number;
  perPage?: number;
}

export class ApiError extends Error {
  constructor(
    message: string,
    /** 0 when the request never got an answer. */
    readonly status: number,
  ) {
    super(message);
  }
}

const BASE = "/inbox/api";
let csrfToken = "";

async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET") headers["x-csrf-token"] = csrfToken;
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(BASE + path, {
      method,
      headers,
      credentials: "same-origin",
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError("The server cannot be reached. Check your connection and try again.", 0);
  }
  if (response.status === 204) return undefined as T;
  const data = (await response.json().catch(() => null)) as { error?: string } | null;
  if (!response.ok)
    throw new ApiError(data?.error ?? `The server answered ${response.status}.`, response.status);
  return data as T;
}

const remember = (me: Me) => {
  csrfToken = me.csrf_token;
  return me;
};

const path = (id: string, action = "") => `/conversations/${encodeURIComponent(id)}${action}`;

export const api = {
  me: () => call<Me>("GET", "/me").then(remember),
  login: (workspace: string, username: string, password: string) =>
    call<Me>("POST", "/login", { workspace, username, password }).then(remember),
  logout: () => call<void>("POST", "/logout"),
  list(filter: ListFilter) {
    const query = new URLSearchParams({ status: filter.status, page: String(filter.page ?? 1) });
    if (filter.mine) query.set("mine", "true");
    if (filter.perPage) query.set("per_page", String(filter.perPage));
    return call<ConversationList>("GET", `/conversations?${query}`);
  },
  get: (id: string) => call<{ conversation: ConversationDetail; messages: Message[] }>("GET", path(id)),
  reply: (id: string, text: string) => call<{ message: Message }>("POST", path(id, "/messages"), { text }),
  assign: (id: string, userId: string | null) =>
    call<{ conversation: ConversationSummary }>("POST", path(id, "/assign"), { user_id: userId }),
  close: (id: string) => call<{ conversation: ConversationSummary }>("POST", path(id, "/close")),
  markRead: (id: string, read: boolean) =>
    call<{ conversation: ConversationSummary }>("POST", path(id, "/read"), { read }),
};
