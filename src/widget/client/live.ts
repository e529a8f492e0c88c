/**
 * Agent messages and status changes as they happen: an EventSource on `/widget/stream`, which the
 * browser reconnects by itself (sending Last-Event-ID), reopened here with backoff when the server
 * refused it. After STREAM_FAILURES failures in a row, or where EventSource does not exist, it
 * polls `/widget/messages?after=…` instead for the rest of the page's life. Every (re)connection
 * starts with one catch-up read, so nothing sent while the stream was down is missed; the
 * controller drops what it has already shown (by message id).
 */
import { ApiError, backoff, type ChatMessage, type ConversationStatus, type WidgetApi } from "./api.js";

export const STREAM_FAILURES = 3;
export const POLL_MS = 4000;
/** Background tabs poll less often. */
export const HIDDEN_POLL_MS = 30_000;

export interface LiveHandlers {
  /** The last message id shown, for `after=`. */
  cursor(): string | undefined;
  deliver(messages: ChatMessage[]): void;
  status(status: ConversationStatus): void;
  /** The session no longer exists (ended elsewhere): stop listening. */
  gone(): void;
}

export interface Live {
  stop(): void;
}

export function startLive(api: WidgetApi, sessionId: string, handlers: LiveHandlers): Live {
  let stopped = false;
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;

  const later = (run: () => void, ms: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(run, ms);
  };
  const read = async (): Promise<boolean> => {
    try {
      const transcript = await api.messages(sessionId, handlers.cursor());
      if (stopped) return true;
      handlers.deliver(transcript.messages);
      handlers.status(transcript.status);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404 && !stopped) {
        stop();
        handlers.gone();
      }
      return false;
    }
  };
  const poll = async () => {
    if (stopped) return;
    failures = (await read()) ? 0 : failures + 1;
    later(poll, failures > 0 ? backoff(failures - 1, 60_000) : document.hidden ? HIDDEN_POLL_MS : POLL_MS);
  };
  const parse = (event: Event): any => {
    try {
      return JSON.parse((event as MessageEvent).data);
    } catch {
      return null;
    }
  };
  const connect = () => {
    const stream = new EventSource(api.streamUrl(sessionId));
    source = stream;
    stream.addEventListener("open", () => {
      failures = 0;
      void read();
    });
    stream.addEventListener("message", (event) => {
      const message = parse(event);
      if (message && typeof message.id === "string") handlers.deliver([message]);
    });
    stream.addEventListener("status", (event) => {
      const status = parse(event)?.status;
      if (typeof status === "string") handlers.status(status as ConversationStatus);
    });
    stream.addEventListener("error", () => {
      if (stopped) return;
      failures++;
      if (failures >= STREAM_FAILURES) {
        stream.close();
        source = null;
        failures = 0;
        void poll();
      } else if (stream.readyState === EventSource.CLOSED) {
        // Refused (not merely dropped): the browser does not retry that by itself.
        source = null;
        later(connect, backoff(failures - 1));
      }
    });
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
    source = null;
  };

  if (typeof EventSource === "function") connect();
  else void poll();
  return { stop };
}
