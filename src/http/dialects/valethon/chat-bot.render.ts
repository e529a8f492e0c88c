/** Renders bot intents in Valethon's shape, and Valethon's request fields as core input. */
import type { BotIntent, BotIntentInput } from "../../../core/chat-bot/intent.types.js";
import { renderTime } from "./envelope.js";

export const renderIntent = (intent: BotIntent) => ({
  intent_id: intent.number,
  uuid: intent.id,
  name: intent.name,
  keywords: intent.keywords,
  phrases: intent.phrases,
  reply: intent.reply,
  suggested_actions: intent.suggestedActions,
  priority: intent.priority,
  enabled: intent.enabled,
  created_at: renderTime(intent.createdAt),
  updated_at: renderTime(intent.updatedAt),
});

export interface ValethonIntentBody {
  name?: string;
  keywords?: string[];
  phrases?: string[];
  reply?: string;
  suggested_actions?: string[];
  priority?: number;
  enabled?: boolean;
}

export const intentInputFrom = (body: ValethonIntentBody): BotIntentInput => ({
  name: body.name,
  keywords: body.keywords,
  phrases: body.phrases,
  reply: body.reply,
  suggestedActions: body.suggested_actions,
  priority: body.priority,
  enabled: body.enabled,
});
