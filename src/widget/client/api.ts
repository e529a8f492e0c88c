/**
 * The widget endpoints of the Valethon API (W1–W3, the transcript and the live stream), called with
 * the public key in `X-API-Key`. Failures are thrown as ApiError; `withRetry` retries the ones a
 * retry can fix (network errors, 429 and 5xx) with exponential backoff.
 */

export type Sender = "visitor" | "bot" | "agent";
export type ConversationStatus = "open" | "waiting" | "closed";

export interface ChatMessage {
  id: string;
  sender: Sender;
  text: string;
  suggested_actions: string[];
  author_name: string | null;
  created_at: string;
}

export interface InitAnswer {
  session_id: string;
  greeting: string;
  branding: { company_name: string | null; primary_color: string | null; logo_url: string | null };
}

export interface BotAnswer {
  message: string;
  suggested_actions: string[];
}

export interface Transcript {
  status: ConversationStatus;
  messages: ChatMessage[];
}

export class ApiError extends Error {
  constructor(
    message: string,
    /** 0 when the request never got an answer. */
    readonly status: number,
    readonly code: string | null = null,
    /** Seconds, from a 429's Retry-After. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export interface WidgetApi {
  init(body: {
    visitor_id: string;
    session_id?: string;
    page_url?: string;
    referrer?: string;
  }): Promise<InitAnswer>;
  send(sessionId: string, message: string): Promise<BotAnswer>;
  end(sessionId: string): Promise<void>;
  messages(sessionId: string, after?: string): Promise<Transcript>;
  streamUrl(sessionId: string): string;
}

export function createApi(base: string, publicKey: string): WidgetApi {
  const request = async (method: "GET" | "POST", path: string, body?: unknown): Promise<any> => {
    const headers: Record<string, string> = { "X-API-Key": publicKey };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      throw new ApiError("the chat service could not be reached", 0);
    }
    const json = await response.json().catch(() => null);
    if (response.ok && json && json.success === true) return json;
    const retryAfter = Number(response.headers.get("retry-after"));
    throw new ApiError(
      typeof json?.error === "string" ? json.error : `HTTP ${response.status}`,
      response.ok ? 502 : response.status,
      typeof json?.code === "string" ? json.code : null,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    );
  };
  const query = (params: Record<string, string | undefined>) =>
    Object.keys(params)
      .filter((name) => params[name] !== undefined)
      .map((name) => `${name}=${encodeURIComponent(params[name]!)}`)
      .join("&");
  return {
    init: async (body) => {
      const answer = await request("POST", "/widget/init", body);
      return { session_id: answer.session_id, greeting: answer.greeting, branding: answer.branding ?? {} };
    },
    send: async (sessionId, message) =>
      (await request("POST", "/widget/message", { session_id: sessionId, message })).response,
    end: async (sessionId) => {
      await request("POST", "/widget/end", { session_id: sessionId });
    },
    messages: async (sessionId, after) =>
      (await request("GET", `/widget/messages?${query({ session_id: sessionId, after })}`)).data,
    streamUrl: (sessionId) => `${base}/widget/stream?${query({ session_id: sessionId, key: publicKey })}`,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** 1 s, 2 s, 4 s, … up to `maxMs`, with ±20 % jitter so many browsers do not retry in step. */
export function backoff(attempt: number, maxMs = 30_000): number {
  return Math.min(maxMs, 1000 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
}

/**
 * Runs `attempt`, retrying a retryable failure up to `retries` times after 1 s, 2 s, 4 s… (or a
 * longer Retry-After). `onRetry` runs before each wait, so the caller can say it is retrying.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  retries: number,
  onRetry?: (error: ApiError) => void,
): Promise<T> {
  for (let failures = 0; ; failures++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ApiError) || !error.retryable || failures >= retries) throw error;
      onRetry?.(error);
      await sleep(Math.min(30_000, Math.max(backoff(failures), (error.retryAfter ?? 0) * 1000)));
    }
  }
}
