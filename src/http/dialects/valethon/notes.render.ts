/** Renders core notes in Valethon's shape, and checks Valethon's rule for note permissions. */
import type { FastifyRequest } from "fastify";
import { CoreError } from "../../../core/errors.js";
import type { Permission } from "../../../core/keys/permissions.js";
import type { Note, NoteGuard } from "../../../core/notes/note.types.js";
import type { EntityType } from "../../../core/shared/entity-refs.js";
import { toValethonEntityType } from "./activities.render.js";
import { renderTime } from "./envelope.js";

export function renderNote(note: Note) {
  return {
    note_id: note.number,
    uuid: note.id,
    entity_type: toValethonEntityType(note.entity.entityType),
    entity_id: note.entity.number,
    content: note.content,
    is_pinned: note.isPinned,
    created_at: renderTime(note.createdAt),
    updated_at: renderTime(note.updatedAt),
  };
}

/** Notes have no permission of their own: they follow their parent record's (seed-apis.md [I]). */
const PARENT_PERMISSIONS: Record<EntityType, { read: Permission; write: Permission }> = {
  lead: { read: "leads:read", write: "leads:write" },
  contact: { read: "contacts:read", write: "contacts:write" },
  company: { read: "prospects:read", write: "prospects:write" },
  opportunity: { read: "opportunities:read", write: "opportunities:write" },
};

/** Refuses the request unless its key may read (or write) records of the note's parent type. */
export function noteGuard(request: FastifyRequest, access: "read" | "write"): NoteGuard {
  return (entityType) => {
    const permission = PARENT_PERMISSIONS[entityType][access];
    if (!request.principal?.permissions.has(permission)) {
      throw new CoreError("FORBIDDEN", `this key lacks the ${permission} permission`);
    }
  };
}
