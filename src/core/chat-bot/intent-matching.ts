/**
 * Matching a visitor message against the bot's intents and actions. Pure functions: text is
 * compared case- and diacritics-insensitively, word by word (`E-mail` ~ `e mail`, `Café` ~ `cafe`).
 */
import { BOT_ACTIONS, type BotAction, type BotIntent } from "./intent.types.js";

/** Lower-case words of the text without diacritics, joined by single spaces. */
export function normalizeForMatching(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The bot action whose label the message is (ignoring case, accents and punctuation), if any. */
export function actionOf(text: string): BotAction | null {
  const normalized = normalizeForMatching(text);
  for (const [action, label] of Object.entries(BOT_ACTIONS) as [BotAction, string][]) {
    if (normalizeForMatching(label) === normalized) return action;
  }
  return null;
}

/** Counts the intent's terms found in the message's words. */
function matchedTerms(intent: BotIntent, words: ReadonlySet<string>, padded: string): number {
  let count = 0;
  for (const keyword of intent.keywords) {
    const term = normalizeForMatching(keyword);
    if (term === "") continue;
    // A keyword written with several words (`wi-fi`) is matched as a phrase.
    const found = term.includes(" ")
      ? padded.includes(` ${term} `)
      : words.has(term) || words.has(`${term}s`) || words.has(`${term}es`);
    if (found) count++;
  }
  for (const phrase of intent.phrases) {
    const term = normalizeForMatching(phrase);
    if (term !== "" && padded.includes(` ${term} `)) count++;
  }
  return count;
}

/**
 * The enabled intent that best matches the message: the highest priority among those with at
 * least one matching term, then the one with the most matching terms, then the oldest.
 */
export function matchIntent(intents: readonly BotIntent[], text: string): BotIntent | null {
  const normalized = normalizeForMatching(text);
  if (normalized === "") return null;
  const words = new Set(normalized.split(" "));
  const padded = ` ${normalized} `;
  let best: { intent: BotIntent; score: number } | null = null;
  for (const intent of intents) {
    if (!intent.enabled) continue;
    const score = matchedTerms(intent, words, padded);
    if (score === 0) continue;
    if (
      !best ||
      intent.priority > best.intent.priority ||
      (intent.priority === best.intent.priority &&
        (score > best.score || (score === best.score && intent.number < best.intent.number)))
    ) {
      best = { intent, score };
    }
  }
  return best?.intent ?? null;
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

/** The first email address written in the text, if any. */
export function emailIn(text: string): string | null {
  const match = EMAIL_IN_TEXT.exec(text);
  if (!match) return null;
  const email = match[0].replace(/^\.+|\.+$/g, "");
  return email.length <= 254 ? email : null;
}
