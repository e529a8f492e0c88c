/** The only writer of notes. Each write commits together with its event. */
import type { Selectable } from "kysely";
import type { NoteTable } from "../../db/schema.js";
import type { Core, Executor, Scope } from "../core.js";
import { allocateNumber } from "../counters.js";
import { notFound, validationError } from "../errors.js";
import { appendEvent, type Changes } from "../events.js";
import { newId } from "../ids.js";
import {
  type EntityRef,
  type EntityType,
  entityNumbers,
  getEntity,
  numberOf,
  requireEntity,
} from "../shared/entity-refs.js";
import { softDeleteIn } from "../shared/soft-delete.js";
import { requireText } from "../shared/validate.js";
import {
  type NewNoteInput,
  NOTE_LIMITS,
  type Note,
  type NoteGuard,
  type NoteRef,
  type NoteUpdateInput,
  type Page,
} from "./note.types.js";

type NoteRow = Selectable<NoteTable>;

function liveNotes(db: Executor, workspaceId: string) {
  return db.selectFrom("notes").where("workspace_id", "=", workspaceId).where("deleted_at", "is", null);
}

async function toNotes(db: Executor, scope: Scope, rows: NoteRow[]): Promise<Note[]> {
  const numbers =
    rows.length === 0
      ? new Map<string, number>()
      : await entityNumbers(
          db,
          scope,
          rows.map((row) => ({ entityType: row.entity_type, id: row.entity_id })),
        );
  return rows.map((row) => ({
    id: row.id,
    number: Number(row.seq),
    entity: {
      entityType: row.entity_type as EntityType,
      id: row.entity_id,
      number: numberOf(numbers, row.entity_type, row.entity_id) ?? 0,
    },
    content: row.content,
    isPinned: Number(row.is_pinned) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

async function findNote(db: Executor, scope: Scope, ref: NoteRef): Promise<Note | null> {
  let query = liveNotes(db, scope.workspaceId).selectAll();
  query = "number" in ref ? query.where("seq", "=", ref.number) : query.where("id", "=", ref.id);
  const row = await query.executeTakeFirst();
  return row ? (await toNotes(db, scope, [row]))[0]! : null;
}

const content = (value: unknown) => requireText("content", value, NOTE_LIMITS.content);

function pinned(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw validationError("isPinned", "must be a boolean");
  return value;
}

const eventData = (note: Note) => ({ ...note });

export async function createNote(
  core: Core,
  scope: Scope,
  input: NewNoteInput,
  guard?: NoteGuard,
): Promise<Note> {
  guard?.(input.entity.entityType);
  const text = content(input.content);
  const isPinned = pinned(input.isPinned) ?? false;
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const entity = await requireEntity(trx, scope, input.entity, "entityId");
    const id = newId();
    const seq = await allocateNumber(trx, scope.workspaceId, "notes");
    await trx
      .insertInto("notes")
      .values({
        id,
        workspace_id: scope.workspaceId,
        seq,
        entity_type: entity.entityType,
        entity_id: entity.id,
        content: text,
        is_pinned: isPinned ? 1 : 0,
        author_user_id: null,
        created_by: scope.actor,
        custom_fields: null,
        created_at: at,
        updated_at: at,
        deleted_at: null,
      })
      .execute();
    const note: Note = { id, number: seq, entity, content: text, isPinned, createdAt: at, updatedAt: at };
    await appendEvent(trx, scope, at, {
      type: "note.created",
      entityType: "note",
      entityId: id,
      data: eventData(note),
    });
    return note;
  });
}

export async function getNote(core: Core, scope: Scope, ref: NoteRef, guard?: NoteGuard): Promise<Note> {
  const note = await findNote(core.db, scope, ref);
  if (!note) throw notFound("note");
  guard?.(note.entity.entityType);
  return note;
}

/** The record's notes, pinned first, then newest first. An unknown record is NOT_FOUND. */
export async function listNotes(
  core: Core,
  scope: Scope,
  ref: EntityRef,
  page: { page: number; perPage: number },
  guard?: NoteGuard,
): Promise<Page<Note>> {
  guard?.(ref.entityType);
  const entity = await getEntity(core.db, scope, ref);
  const query = liveNotes(core.db, scope.workspaceId)
    .where("entity_type", "=", entity.entityType)
    .where("entity_id", "=", entity.id);
  const total = Number(
    (await query.select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirst())?.count ?? 0,
  );
  const offset = (page.page - 1) * page.perPage;
  if (total <= offset) return { items: [], total };
  const rows = await query
    .selectAll()
    .orderBy("is_pinned", "desc")
    .orderBy("created_at", "desc")
    .orderBy("seq", "desc")
    .limit(page.perPage)
    .offset(offset)
    .execute();
  return { items: await toNotes(core.db, scope, rows), total };
}

export async function updateNote(
  core: Core,
  scope: Scope,
  ref: NoteRef,
  input: NoteUpdateInput,
  guard?: NoteGuard,
): Promise<Note> {
  const text = input.content === undefined ? undefined : content(input.content);
  const isPinned = pinned(input.isPinned);
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const before = await findNote(trx, scope, ref);
    if (!before) throw notFound("note");
    guard?.(before.entity.entityType);
    const changes: Changes = {};
    if (text !== undefined && text !== before.content) changes.content = { from: before.content, to: text };
    if (isPinned !== undefined && isPinned !== before.isPinned) {
      changes.isPinned = { from: before.isPinned, to: isPinned };
    }
    if (Object.keys(changes).length === 0) return before;
    await trx
      .updateTable("notes")
      .set({
        ...(changes.content ? { content: text } : {}),
        ...(changes.isPinned ? { is_pinned: isPinned ? 1 : 0 } : {}),
        updated_at: at,
      })
      .where("id", "=", before.id)
      .where("workspace_id", "=", scope.workspaceId)
      .execute();
    const after: Note = {
      ...before,
      content: text ?? before.content,
      isPinned: isPinned ?? before.isPinned,
      updatedAt: at,
    };
    await appendEvent(trx, scope, at, {
      type: "note.updated",
      entityType: "note",
      entityId: after.id,
      data: { ...eventData(after), changes },
    });
    return after;
  });
}

/** Soft delete: the row stays for history, and disappears from every read. */
export async function deleteNote(core: Core, scope: Scope, ref: NoteRef, guard?: NoteGuard): Promise<Note> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const note = await findNote(trx, scope, ref);
    if (!note) throw notFound("note");
    guard?.(note.entity.entityType);
    await softDeleteIn(trx, scope, at, {
      table: "notes",
      entityType: "note",
      counterEntity: "notes",
      id: note.id,
      eventData: eventData(note),
    });
    return note;
  });
}
