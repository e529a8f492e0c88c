/**
 * The intents a workspace starts with: first-line answers for an IT service provider's customers.
 * They are put into a workspace the first time its bot is used or its intents are listed, and are
 * then the workspace's own to edit or delete (see intents.service.ts ensureDefaultIntents).
 */
import { BOT_ACTIONS } from "./intent.types.js";

export interface DefaultIntent {
  name: string;
  keywords: string[];
  phrases: string[];
  reply: string;
  suggestedActions: string[];
  priority: number;
}

const { checkStatus, createTicket, talkToHuman } = BOT_ACTIONS;

export const DEFAULT_INTENTS: readonly DefaultIntent[] = [
  {
    name: "Email",
    keywords: ["email", "e-mail", "mail", "outlook", "inbox", "mailbox", "smtp", "imap", "exchange"],
    phrases: ["can't send", "cannot send", "not receiving"],
    reply: "I can help with email issues. Could you describe the problem?",
    suggestedActions: [createTicket, checkStatus],
    priority: 50,
  },
  {
    name: "Passwords",
    keywords: ["password", "passcode", "login", "locked", "lockout", "mfa", "2fa", "authenticator"],
    phrases: ["locked out", "log in", "sign in", "forgot my password", "reset my password"],
    reply:
      "Sorry you're locked out. For your security we never reset passwords in chat: a technician will verify who you are first. Shall I create a ticket, or would you like to talk to someone now?",
    suggestedActions: [createTicket, talkToHuman],
    priority: 60,
  },
  {
    name: "Network",
    keywords: [
      "network",
      "wifi",
      "wi-fi",
      "wireless",
      "internet",
      "vpn",
      "router",
      "ethernet",
      "connectivity",
    ],
    phrases: ["no internet", "can't connect", "cannot connect", "no connection"],
    reply:
      "Network trouble is frustrating. Is it only your device or everyone at your site? Restarting the device often helps; if it does not, let's check our service status or open a ticket.",
    suggestedActions: [checkStatus, createTicket],
    priority: 40,
  },
  {
    name: "Printers",
    keywords: ["printer", "printing", "print", "scanner", "toner", "cartridge"],
    phrases: ["paper jam", "won't print"],
    reply:
      "Printer problems are usually quick to fix. Please check that the printer is on and has paper and toner, then tell me the printer's name and the message it shows.",
    suggestedActions: [createTicket, talkToHuman],
    priority: 30,
  },
  {
    name: "Billing",
    keywords: [
      "invoice",
      "billing",
      "bill",
      "payment",
      "charge",
      "charged",
      "refund",
      "subscription",
      "pricing",
      "price",
    ],
    phrases: ["credit card"],
    reply:
      "For questions about invoices and payments our accounts team is the right contact. Would you like to talk to someone, or leave the details in a ticket?",
    suggestedActions: [talkToHuman, createTicket],
    priority: 20,
  },
  {
    name: "Outages",
    keywords: ["outage", "down", "unavailable", "offline", "incident"],
    phrases: ["not working", "is down", "nothing works", "everything is down"],
    reply: "Let me help you find out whether something is down on our side.",
    suggestedActions: [checkStatus, createTicket],
    priority: 10,
  },
];

/** What the bot answers when no intent matches. */
export const FALLBACK_REPLY = {
  message:
    "I'm not sure I understood. Could you describe the problem in a few words? You can also create a ticket or talk to a person.",
  suggestedActions: [createTicket, talkToHuman],
};
