/**
 * What the bot says. Pure functions: the decision for a visitor message, and the texts of the
 * replies that are not an intent's own (actions, email acknowledgements, the fallback).
 */
import type { ServiceStatus } from "../service-status/service-status.types.js";
import { FALLBACK_REPLY } from "./default-intents.js";
import { BOT_ACTIONS, type BotIntent } from "./intent.types.js";
import { actionOf, emailIn, matchIntent } from "./intent-matching.js";

export interface BotReply {
  message: string;
  suggestedActions: string[];
}

export type BotDecision =
  /** A human has taken over: the bot says nothing. */
  | { kind: "quiet" }
  | { kind: "talk_to_human" }
  | { kind: "check_status" }
  | { kind: "create_ticket" }
  /** The message gave an email address: the bot acknowledges it rather than matching intents. */
  | { kind: "email_given" }
  | { kind: "intent"; intent: BotIntent }
  | { kind: "fallback" };

export function decide(text: string, handedOff: boolean, intents: readonly BotIntent[]): BotDecision {
  if (handedOff) return { kind: "quiet" };
  switch (actionOf(text)) {
    case "talkToHuman":
      return { kind: "talk_to_human" };
    case "checkStatus":
      return { kind: "check_status" };
    case "createTicket":
      return { kind: "create_ticket" };
    case null:
      break;
  }
  if (emailIn(text)) return { kind: "email_given" };
  const intent = matchIntent(intents, text);
  return intent ? { kind: "intent", intent } : { kind: "fallback" };
}

const { checkStatus, createTicket, talkToHuman } = BOT_ACTIONS;

export const fallbackReply = (): BotReply => ({
  message: FALLBACK_REPLY.message,
  suggestedActions: [...FALLBACK_REPLY.suggestedActions],
});

export const intentReply = (intent: BotIntent): BotReply => ({
  message: intent.reply,
  suggestedActions: [...intent.suggestedActions],
});

export const handoffReply = (): BotReply => ({
  message: "Thanks! I've asked a member of our team to join this chat. They'll reply here shortly.",
  suggestedActions: [],
});

const STATUS_WORDS = {
  operational: "operational",
  maintenance: "under maintenance",
  degraded: "degraded",
  outage: "down",
} as const;

export function statusReply(status: ServiceStatus): BotReply {
  const affected = status.components.filter((component) => component.status !== "operational");
  if (affected.length === 0) {
    return {
      message: "All our services are running normally right now.",
      suggestedActions: [createTicket, talkToHuman],
    };
  }
  const lines = affected.map(
    (component) =>
      `${component.name}: ${STATUS_WORDS[component.status]}${component.message ? ` (${component.message})` : ""}`,
  );
  const rest = affected.length < status.components.length ? " Everything else is running normally." : "";
  return {
    message: `Here is our current service status. ${lines.join("; ")}.${rest}`,
    suggestedActions: [createTicket, talkToHuman],
  };
}

export function ticketReply(ticketNumber: number, emailKnown: boolean, updated: boolean): BotReply {
  const opening = updated
    ? `I've added this conversation to your ticket #${ticketNumber}.`
    : `I've created ticket #${ticketNumber} for our support team.`;
  return emailKnown
    ? {
        message: `${opening} We'll follow up by email.`,
        suggestedActions: [checkStatus, talkToHuman],
      }
    : {
        message: `${opening} What email address can we reach you at?`,
        suggestedActions: [],
      };
}

export function emailReply(ticketNumber: number | null): BotReply {
  return ticketNumber === null
    ? {
        message: "Thanks, we've noted your email address. How else can we help?",
        suggestedActions: [createTicket, talkToHuman],
      }
    : {
        message: `Thanks! We'll follow up on ticket #${ticketNumber} at that address.`,
        suggestedActions: [checkStatus, talkToHuman],
      };
}
