/**
 * E11 create and E12 delete of lead notes. A note is the core's note on the lead (src/core/notes),
 * so it shows in the lead's Valethon notes and Axiomatic timeline; `note_id` is the note's
 * per-workspace number. The lead's owner or assignee adds notes (admins for leads without owner);
 * the note's author or whoever manages the lead deletes one.
 */
import type { FastifyInstance } from "fastify";
import type { Core } from "../../../core/core.js";
import { canManageLead, canWorkOnLead } from "../../../core/leads/lead-slugs.js";
import { createNote, deleteNote } from "../../../core/notes/notes.service.js";
import { actorOf, bodyOf } from "./context.js";
import { FieldErrors, fieldError, ok, requestFailed } from "./envelope.js";
import { MESSAGES, positiveInteger, requiredText } from "./fields.js";
import { leadOfSlugField } from "./leads.routes.js";
import { epixelRoute } from "./route.js";

export const NOTE_MESSAGES = {
  cannotAdd: "You can't add note on this lead.",
  cannotDelete: "You can't delete this note.",
  notFound: "Requested note not found.",
  invalidId: "Invalid note id.",
} as const;

export const NOTE_MAX = 499;

export async function notesRoutes(app: FastifyInstance, deps: { core: Core }): Promise<void> {
  const { core } = deps;

  epixelRoute(
    app,
    "POST",
    "leads/create/leadnote/",
    {
      summary: "Add a note to a lead you own or are assigned to",
      description:
        "Fields `slug`*, `note`* (at most 499 characters). Answers `data: {note_id, note, created}`.",
      permission: "leads:write",
    },
    async (request) => {
      const { scope, user } = actorOf(request);
      const body = bodyOf(request);
      let note: string | undefined;
      const lead = await leadOfSlugField(core, scope, body, (errors) => {
        note = requiredText(errors, body, "note", NOTE_MAX);
      });
      if (!canWorkOnLead(lead, user)) throw requestFailed(NOTE_MESSAGES.cannotAdd);
      const created = await createNote(core, scope, {
        entity: { entityType: "lead", id: lead.id },
        content: note!,
      });
      return ok({ note_id: created.number, note: created.content, created: created.createdAt });
    },
  );

  epixelRoute(
    app,
    "POST",
    "leads/delete/leadnote/",
    {
      summary: "Delete a note you wrote (or any note of a lead you own)",
      description: "Field `note_id`* (the note's number).",
      permission: "leads:write",
    },
    async (request) => {
      const { scope, user } = actorOf(request);
      const errors = new FieldErrors();
      const raw = requiredText(errors, bodyOf(request), "note_id", 32);
      errors.throwIfAny();
      const number = positiveInteger(raw!);
      if (number === null) throw fieldError("note_id", NOTE_MESSAGES.invalidId);
      const row = await core.db
        .selectFrom("notes")
        .innerJoin("leads", "leads.id", "notes.entity_id")
        .select(["notes.id", "notes.created_by", "leads.owner_user_id"])
        .where("notes.workspace_id", "=", scope.workspaceId)
        .where("leads.workspace_id", "=", scope.workspaceId)
        .where("notes.entity_type", "=", "lead")
        .where("notes.seq", "=", number)
        .where("notes.deleted_at", "is", null)
        .executeTakeFirst();
      if (!row) throw fieldError("note_id", NOTE_MESSAGES.notFound);
      const author = row.created_by === user.id;
      if (!author && !canManageLead({ ownerUserId: row.owner_user_id }, user)) {
        throw requestFailed(NOTE_MESSAGES.cannotDelete);
      }
      await deleteNote(core, scope, { id: row.id });
      return ok({});
    },
  );
}

export { MESSAGES };
