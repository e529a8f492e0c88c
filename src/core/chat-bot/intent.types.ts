/** The website-chat bot's rule set: intents that answer a visitor message matching their terms. */

export interface BotIntent {
  id: string;
  number: number;
  name: string;
  /** Single words; a message matches one when it contains the word (or its plural in -s/-es). */
  keywords: string[];
  /** Word sequences; a message matches one when it contains those words in that order, adjacent. */
  phrases: string[];
  reply: string;
  suggestedActions: string[];
  /** Among several matching intents the highest priority wins (then the most matched terms). */
  priority: number;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export type BotIntentRef = { number: number } | { id: string };

/** Writable fields. On create, name, reply and at least one keyword or phrase are required. */
export interface BotIntentInput {
  name?: unknown;
  keywords?: unknown;
  phrases?: unknown;
  reply?: unknown;
  suggestedActions?: unknown;
  priority?: unknown;
  enabled?: unknown;
}

export const INTENT_LIMITS = {
  name: 100,
  term: 100,
  termsPerList: 50,
  reply: 2000,
  action: 40,
  actions: 5,
  priorityMin: -1000,
  priorityMax: 1000,
  perWorkspace: 200,
} as const;

/**
 * The actions the bot itself performs when a visitor sends exactly one of these labels (the widget
 * sends a suggested action back as an ordinary message with the label as its text).
 */
export const BOT_ACTIONS = {
  checkStatus: "Check service status",
  createTicket: "Create ticket",
  talkToHuman: "Talk to a human",
} as const;
export type BotAction = keyof typeof BOT_ACTIONS;
