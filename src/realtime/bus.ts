/**
 * The real-time bus: after a chat change commits, the core publishes a small notice on a channel;
 * open server-sent-event streams (the visitor's widget, the agents' inbox) subscribed to that
 * channel then read what changed from the database. Notices carry ids, never message text, so a
 * lost notice costs only latency (clients also catch up by cursor when they reconnect).
 *
 * In one process the bus is an EventEmitter; across processes it is PostgreSQL LISTEN/NOTIFY or
 * Redis pub/sub (see shared-bus.ts), chosen at start-up.
 */
import { EventEmitter } from "node:events";

/** Channel names: one per conversation (the visitor's stream) and one per workspace (the inbox). */
export const conversationChannel = (conversationId: string) => `conversation:${conversationId}`;
export const inboxChannel = (workspaceId: string) => `inbox:${workspaceId}`;

export interface BusNotice {
  /** What happened, e.g. `message` or `conversation`. */
  kind: string;
  conversationId: string;
  /** The message's id, for `message`. */
  messageId?: string;
}

export type BusListener = (notice: BusNotice) => void;

export interface RealtimeBus {
  publish(channel: string, notice: BusNotice): void;
  /** Returns the unsubscribe function. */
  subscribe(channel: string, listener: BusListener): () => void;
  close(): Promise<void>;
}

/** Delivers notices to this process's subscribers only. */
export class LocalBus implements RealtimeBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open stream: many streams may watch one inbox.
    this.emitter.setMaxListeners(0);
  }

  publish(channel: string, notice: BusNotice): void {
    this.emitter.emit(channel, notice);
  }

  subscribe(channel: string, listener: BusListener): () => void {
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
