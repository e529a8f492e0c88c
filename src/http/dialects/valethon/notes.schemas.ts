/** Request and response schemas of the Valethon notes endpoints (seed-apis.md N1–N4). */
import { Type } from "typebox";
import { NOTE_LIMITS } from "../../../core/notes/note.types.js";
import { EntityIdSchema, EntityTypeSchema } from "./activities.schemas.js";
import { ErrorSchema, IdParamsSchema, PageQuery, PaginationSchema } from "./common.schemas.js";

export const NoteSchema = Type.Object({
  note_id: Type.Integer(),
  uuid: Type.String({ description: "The record's UUID, the same in every dialect" }),
  entity_type: Type.String(),
  entity_id: Type.Integer(),
  content: Type.String(),
  is_pinned: Type.Boolean(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const Content = Type.String({ maxLength: NOTE_LIMITS.content });

export const CreateNoteBodySchema = Type.Object(
  {
    entity_type: EntityTypeSchema,
    entity_id: EntityIdSchema,
    content: Content,
    is_pinned: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

/** Updates are partial; a note stays on the record it was written on. */
export const UpdateNoteBodySchema = Type.Object(
  { content: Type.Optional(Content), is_pinned: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const ListNotesQuerySchema = Type.Object(
  {
    ...PageQuery,
    entity_type: EntityTypeSchema,
    entity_id: EntityIdSchema,
  },
  { additionalProperties: false },
);

export const NoteEnvelopeSchema = Type.Object({ success: Type.Literal(true), data: NoteSchema });

export const NotePageSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(NoteSchema),
  pagination: PaginationSchema,
});

export const DeletedNoteSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ note_id: Type.Integer(), deleted: Type.Literal(true) }),
});

export { ErrorSchema, IdParamsSchema };
