/**
 * The chat controller: starts or resumes the session (W1), restores the transcript, sends messages
 * (W2) with retries, ends the chat (W3), and shows agent messages as they arrive.
 */
import {
  ApiError,
  type ChatMessage,
  type ConversationStatus,
  createApi,
  type InitAnswer,
  withRetry,
} from "./api.js";
import { type Live, startLive } from "./live.js";
import { DEFAULTS, isCssColour, type WidgetOptions } from "./options.js";
import { createStorage } from "./storage.js";
import { createView } from "./view.js";

/** Retries after the first try, for a send or an end (1 s, 2 s, 4 s). */
const RETRIES = 3;

const TEXT = {
  retrying: "We couldn't reach the chat. Retrying…",
  sendFailed: "We couldn't reach the chat. Your message was not sent; please try again.",
  tooFast: "You're sending messages quickly. Please wait a moment and try again.",
  rejected: "We couldn't send that message. Please try again.",
  endFailed: "We couldn't end the chat. Please try again.",
  historyFailed: "We couldn't load the earlier messages.",
  waiting: "Connecting you with a person…",
  closed: "This conversation was closed. Send a message to start a new one.",
  ended: "Chat ended. Send a message to start a new one.",
} as const;

const log = (level: "warn" | "error", message: string) => console[level](`Valethon widget: ${message}`);

/** The URL when it is an absolute http(s) URL; the API accepts nothing else. */
function httpUrl(value: unknown): string | undefined {
  if (typeof value !== "string" || !/^https?:\/\//i.test(value)) return undefined;
  try {
    return new URL(value).href;
  } catch {
    return undefined;
  }
}

const bodyReady = () =>
  new Promise<void>((resolve) => {
    if (document.body) resolve();
    else document.addEventListener("DOMContentLoaded", () => resolve(), { once: true });
  });

export async function startWidget(
  options: WidgetOptions,
  base: string,
  supports: (colour: string) => boolean,
): Promise<void> {
  const api = createApi(base, options.publicKey);
  const storage = createStorage(options.publicKey);
  const remembered = storage.load();

  const initSession = async (resume: string | null): Promise<InitAnswer> => {
    const body = {
      visitor_id: remembered.visitor_id,
      ...(resume ? { session_id: resume } : {}),
      ...(httpUrl(location.href) ? { page_url: httpUrl(location.href) } : {}),
      ...(httpUrl(document.referrer) ? { referrer: httpUrl(document.referrer) } : {}),
    };
    try {
      return await withRetry(() => api.init(body), RETRIES);
    } catch (error) {
      // A remembered session the server no longer knows: start afresh.
      if (resume && error instanceof ApiError && (error.status === 404 || error.status === 400)) {
        return initSession(null);
      }
      throw error;
    }
  };

  let init: InitAnswer;
  try {
    init = await initSession(remembered.session_id);
  } catch (error) {
    const status = error instanceof ApiError ? error.status : 0;
    if (status === 401 || status === 403) {
      log(
        "warn",
        `the public key was refused for this site (${(error as Error).message}); the chat is not shown`,
      );
    } else {
      log(
        "warn",
        `the chat service could not be reached (${(error as Error).message}); the chat is not shown`,
      );
    }
    return;
  }

  let sessionId: string | null = init.session_id;
  const resumed = remembered.session_id === sessionId;
  remembered.session_id = sessionId;
  storage.save(remembered);

  const branding = init.branding;
  const companyName = typeof branding.company_name === "string" ? branding.company_name.trim() : "";
  const serverGreeting = typeof init.greeting === "string" ? init.greeting.trim() : "";
  await bodyReady();
  const view = createView(
    {
      position: options.position,
      showOnMobile: options.showOnMobile,
      colour:
        options.primaryColor ??
        (isCssColour(branding.primary_color, supports) ? branding.primary_color : DEFAULTS.primaryColor),
      title: companyName || "Chat",
      logoUrl: httpUrl(branding.logo_url) ?? null,
      greeting: options.greeting ?? (serverGreeting || DEFAULTS.greeting),
    },
    { send: (text) => void send(text), end: () => void end(), toggled: (open) => storage.setOpen(open) },
  );

  const seen = new Set<string>();
  let cursor: string | undefined;
  let status: ConversationStatus = "open";
  let live: Live | null = null;

  const setStatus = (next: ConversationStatus) => {
    if (next === status) return;
    status = next;
    view.removeLines("waiting");
    if (next === "waiting") view.addLine(TEXT.waiting, "waiting");
    if (next === "closed") view.addLine(TEXT.closed, "info");
  };
  const show = (message: ChatMessage) =>
    view.addMessage(message.sender, message.text, {
      author: message.author_name,
      actions: message.suggested_actions,
    });
  const forget = () => {
    live?.stop();
    live = null;
    sessionId = null;
    remembered.session_id = null;
    storage.save(remembered);
    seen.clear();
    cursor = undefined;
    status = "open";
  };
  const listen = () => {
    if (live || !sessionId) return;
    live = startLive(api, sessionId, {
      cursor: () => cursor,
      deliver(messages) {
        for (const message of messages) {
          if (seen.has(message.id)) continue;
          seen.add(message.id);
          // Visitor and bot messages were shown from the W2 answer already.
          if (message.sender !== "agent") continue;
          if (status === "waiting") setStatus("open");
          show(message);
          if (!view.isOpen) view.setUnread(true);
        }
        if (messages.length > 0) cursor = messages[messages.length - 1]!.id;
      },
      status: setStatus,
      gone: forget,
    });
  };
  const newSession = async () => {
    forget();
    sessionId = (await initSession(null)).session_id;
    remembered.session_id = sessionId;
    storage.save(remembered);
  };

  async function send(text: string) {
    view.setBusy(true);
    view.notice(null);
    const bubble = view.addMessage("visitor", text, { pending: true });
    const attempt = () =>
      withRetry(
        () => api.send(sessionId!, text),
        RETRIES,
        () => view.notice(TEXT.retrying),
      );
    try {
      if (!sessionId) await newSession();
      let answer: Awaited<ReturnType<typeof attempt>>;
      try {
        answer = await attempt();
      } catch (error) {
        // The session ended elsewhere (another tab, an expiry): carry on in a new one.
        if (!(error instanceof ApiError && error.status === 404)) throw error;
        await newSession();
        answer = await attempt();
      }
      bubble.classList.remove("kw-msg-pending");
      view.notice(null);
      if (status === "closed") setStatus("open");
      if (answer.message) view.addMessage("bot", answer.message, { actions: answer.suggested_actions });
      view.setEndable(true);
      listen();
    } catch (error) {
      bubble.remove();
      view.setInput(text);
      const failure = error instanceof ApiError ? error : new ApiError(String(error), 0);
      view.notice(
        failure.status === 429 ? TEXT.tooFast : failure.retryable ? TEXT.sendFailed : TEXT.rejected,
      );
    } finally {
      view.setBusy(false);
    }
  }

  async function end() {
    const current = sessionId;
    view.setBusy(true);
    try {
      if (current)
        await withRetry(
          () => api.end(current),
          RETRIES,
          () => view.notice(TEXT.retrying),
        );
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) {
        view.notice(TEXT.endFailed);
        view.setBusy(false);
        return;
      }
    }
    forget();
    view.clear();
    view.notice(null);
    view.setEndable(false);
    view.addLine(TEXT.ended, "info");
    view.setBusy(false);
  }

  if (resumed) {
    try {
      const transcript = await withRetry(() => api.messages(sessionId!), RETRIES);
      for (const message of transcript.messages) {
        seen.add(message.id);
        show(message);
      }
      if (transcript.messages.length > 0) {
        cursor = transcript.messages[transcript.messages.length - 1]!.id;
        view.setEndable(true);
        listen();
      }
      setStatus(transcript.status);
    } catch {
      view.notice(TEXT.historyFailed);
    }
  }

  const wasOpen = storage.wasOpen();
  if (wasOpen) view.open(false);
  else if (options.autoOpen && wasOpen === null) {
    // Opening by itself never moves the focus away from the host page.
    setTimeout(() => {
      if (storage.wasOpen() === null) view.open(false);
    }, options.autoOpenDelay);
  }
}
