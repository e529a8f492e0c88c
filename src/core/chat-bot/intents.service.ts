/**
 * The only writer of bot intents. Each write commits together with its event. A workspace gets the
 * default intents (default-intents.ts) lazily, the first time its bot answers or its intents are
 * listed; a marker on its chat settings row makes that happen once, so intents deleted later stay
 * deleted.
 */
import type { BotIntentTable } from "../../db/schema.js";
import { ensureChatSettingsRow } from "../conversations/chat-settings.js";
import type { Core, Executor, Scope, Trx } from "../core.js";
import { allocateNumber } from "../counters.js";
import { conflict, notFound, validationError } from "../errors.js";
import { appendEvent, type Changes } from "../events.js";
import { newId } from "../ids.js";
import { DEFAULT_INTENTS } from "./default-intents.js";
import { type CheckedIntentInput, checkIntentInput } from "./intent.rules.js";
import { type BotIntent, type BotIntentInput, type BotIntentRef, INTENT_LIMITS } from "./intent.types.js";

const COUNTER = "bot_intents";

type IntentRow = Omit<BotIntentTable, "workspace_id">;

function toIntent(row: IntentRow): BotIntent {
  return {
    id: row.id,
    number: Number(row.seq),
    name: row.name,
    keywords: JSON.parse(row.keywords) as string[],
    phrases: JSON.parse(row.phrases) as string[],
    reply: row.reply,
    suggestedActions: JSON.parse(row.suggested_actions) as string[],
    priority: Number(row.priority),
    enabled: Boolean(Number(row.enabled)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const intentsOf = (db: Executor, workspaceId: string) =>
  db
    .selectFrom("bot_intents")
    .select([
      "id",
      "seq",
      "name",
      "keywords",
      "phrases",
      "reply",
      "suggested_actions",
      "priority",
      "enabled",
      "created_at",
      "updated_at",
    ])
    .where("workspace_id", "=", workspaceId);

async function findIntent(db: Executor, scope: Scope, ref: BotIntentRef): Promise<BotIntent | null> {
  const query = intentsOf(db, scope.workspaceId);
  const row = await ("number" in ref
    ? query.where("seq", "=", ref.number)
    : query.where("id", "=", ref.id)
  ).executeTakeFirst();
  return row ? toIntent(row) : null;
}

const eventData = (intent: BotIntent) => ({ ...intent });

async function insertIntent(
  trx: Trx,
  scope: Scope,
  at: string,
  input: Required<CheckedIntentInput>,
): Promise<BotIntent> {
  const id = newId();
  const seq = await allocateNumber(trx, scope.workspaceId, COUNTER);
  const row: IntentRow = {
    id,
    seq,
    name: input.name,
    keywords: JSON.stringify(input.keywords),
    phrases: JSON.stringify(input.phrases),
    reply: input.reply,
    suggested_actions: JSON.stringify(input.suggestedActions),
    priority: input.priority,
    enabled: input.enabled ? 1 : 0,
    created_at: at,
    updated_at: at,
  };
  await trx
    .insertInto("bot_intents")
    .values({ ...row, workspace_id: scope.workspaceId })
    .execute();
  const intent = toIntent(row);
  await appendEvent(trx, scope, at, {
    type: "bot_intent.created",
    entityType: "bot_intent",
    entityId: id,
    data: eventData(intent),
  });
  return intent;
}

/** Workspaces known to have had their defaults put in (a cache; the database has the truth). */
const seeded = new WeakMap<Core, Set<string>>();

/** Puts the default intents into the workspace, once in its life. */
export async function ensureDefaultIntents(core: Core, scope: Scope): Promise<void> {
  const known = seeded.get(core) ?? new Set<string>();
  seeded.set(core, known);
  if (known.has(scope.workspaceId)) return;
  const at = core.clock.now().toISOString();
  await core.db.transaction().execute(async (trx) => {
    await ensureChatSettingsRow(trx, scope.workspaceId, at);
    // Only the transaction that flips the marker seeds; a concurrent one waits for it and flips nothing.
    const flipped = await trx
      .updateTable("chat_settings")
      .set({ intents_seeded: 1 })
      .where("workspace_id", "=", scope.workspaceId)
      .where("intents_seeded", "=", 0)
      .executeTakeFirst();
    if (Number(flipped.numUpdatedRows) === 0) return;
    const system = { workspaceId: scope.workspaceId, actor: "system" };
    for (const intent of DEFAULT_INTENTS) await insertIntent(trx, system, at, { ...intent, enabled: true });
  });
  known.add(scope.workspaceId);
}

/** Every intent of the workspace, highest priority first (the order the bot considers them in). */
export async function listIntents(core: Core, scope: Scope): Promise<BotIntent[]> {
  await ensureDefaultIntents(core, scope);
  const rows = await intentsOf(core.db, scope.workspaceId)
    .orderBy("priority", "desc")
    .orderBy("seq")
    .execute();
  return rows.map(toIntent);
}

export async function getIntent(core: Core, scope: Scope, ref: BotIntentRef): Promise<BotIntent> {
  const intent = await findIntent(core.db, scope, ref);
  if (!intent) throw notFound("intent");
  return intent;
}

function requireTerms(keywords: readonly string[], phrases: readonly string[]): void {
  if (keywords.length === 0 && phrases.length === 0) {
    throw validationError("keywords", "an intent needs at least one keyword or phrase");
  }
}

export async function createIntent(core: Core, scope: Scope, rawInput: BotIntentInput): Promise<BotIntent> {
  const input = checkIntentInput(rawInput);
  if (input.name === undefined) throw validationError("name", "is required");
  if (input.reply === undefined) throw validationError("reply", "is required");
  const checked = {
    name: input.name,
    keywords: input.keywords ?? [],
    phrases: input.phrases ?? [],
    reply: input.reply,
    suggestedActions: input.suggestedActions ?? [],
    priority: input.priority ?? 0,
    enabled: input.enabled ?? true,
  };
  requireTerms(checked.keywords, checked.phrases);
  // Seeding first keeps a workspace's first own intent from suppressing the defaults.
  await ensureDefaultIntents(core, scope);
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const count = await trx
      .selectFrom("bot_intents")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where("workspace_id", "=", scope.workspaceId)
      .executeTakeFirst();
    if (Number(count?.count ?? 0) >= INTENT_LIMITS.perWorkspace) {
      throw conflict(`a workspace has at most ${INTENT_LIMITS.perWorkspace} intents`);
    }
    return insertIntent(trx, scope, at, checked);
  });
}

const COLUMNS = {
  name: "name",
  keywords: "keywords",
  phrases: "phrases",
  reply: "reply",
  suggestedActions: "suggested_actions",
  priority: "priority",
  enabled: "enabled",
} as const;

export async function updateIntent(
  core: Core,
  scope: Scope,
  ref: BotIntentRef,
  rawInput: BotIntentInput,
): Promise<BotIntent> {
  const input = checkIntentInput(rawInput);
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const before = await findIntent(trx, scope, ref);
    if (!before) throw notFound("intent");
    const changes: Changes = {};
    const update: Record<string, unknown> = {};
    for (const field of Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]) {
      const value = input[field];
      if (value === undefined || JSON.stringify(value) === JSON.stringify(before[field])) continue;
      changes[field] = { from: before[field], to: value };
      update[COLUMNS[field]] =
        typeof value === "boolean" ? (value ? 1 : 0) : Array.isArray(value) ? JSON.stringify(value) : value;
    }
    if (Object.keys(changes).length === 0) return before;
    requireTerms(input.keywords ?? before.keywords, input.phrases ?? before.phrases);
    await trx
      .updateTable("bot_intents")
      .set({ ...update, updated_at: at })
      .where("workspace_id", "=", scope.workspaceId)
      .where("id", "=", before.id)
      .execute();
    const after = (await findIntent(trx, scope, { id: before.id }))!;
    await appendEvent(trx, scope, at, {
      type: "bot_intent.updated",
      entityType: "bot_intent",
      entityId: after.id,
      data: { ...eventData(after), changes },
    });
    return after;
  });
}

/** Deletes the intent for good (intents have no history worth keeping beyond the event). */
export async function deleteIntent(core: Core, scope: Scope, ref: BotIntentRef): Promise<BotIntent> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const intent = await findIntent(trx, scope, ref);
    if (!intent) throw notFound("intent");
    await trx
      .deleteFrom("bot_intents")
      .where("workspace_id", "=", scope.workspaceId)
      .where("id", "=", intent.id)
      .execute();
    await appendEvent(trx, scope, at, {
      type: "bot_intent.deleted",
      entityType: "bot_intent",
      entityId: intent.id,
      data: eventData(intent),
    });
    return intent;
  });
}

/** The intents the bot considers (enabled ones), read within the caller's transaction. */
export async function enabledIntents(db: Executor, scope: Scope): Promise<BotIntent[]> {
  const rows = await intentsOf(db, scope.workspaceId).where("enabled", "=", 1).orderBy("seq").execute();
  return rows.map(toIntent);
}
