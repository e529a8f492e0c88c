/**
 * Valethon notes endpoints (seed-apis.md N1–N4). No route has a static permission: a note needs
 * the read or write permission of the record it belongs to, checked once that record is known.
 */
import { createNote, deleteNote, listNotes, updateNote } from "../../../core/notes/notes.service.js";
import { toCoreEntityType } from "./activities.render.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok, paginated } from "./envelope.js";
import { noteGuard, renderNote } from "./notes.render.js";
import {
  CreateNoteBodySchema,
  DeletedNoteSchema,
  ErrorSchema,
  IdParamsSchema,
  ListNotesQuerySchema,
  NoteEnvelopeSchema,
  NotePageSchema,
  UpdateNoteBodySchema,
} from "./notes.schemas.js";

export async function notesRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  const tags = ["Notes"];

  app.post(
    "/notes",
    {
      schema: {
        tags,
        summary: "Add a note to a lead, contact, prospect or opportunity (needs <parent>:write)",
        body: CreateNoteBodySchema,
        response: { 201: NoteEnvelopeSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const note = await createNote(
        core,
        scopeOf(request),
        {
          entity: { entityType: toCoreEntityType(body.entity_type), number: body.entity_id },
          content: body.content,
          isPinned: body.is_pinned,
        },
        noteGuard(request, "write"),
      );
      reply.code(201);
      return ok(renderNote(note));
    },
  );

  app.get(
    "/notes",
    {
      schema: {
        tags,
        summary: "List a record's notes, pinned first, then newest first (needs <parent>:read)",
        querystring: ListNotesQuerySchema,
        response: { 200: NotePageSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      const page = query.page ?? 1;
      const perPage = query.per_page ?? 25;
      const result = await listNotes(
        core,
        scopeOf(request),
        { entityType: toCoreEntityType(query.entity_type), number: query.entity_id },
        { page, perPage },
        noteGuard(request, "read"),
      );
      return paginated(result.items.map(renderNote), page, perPage, result.total);
    },
  );

  for (const method of ["PUT", "PATCH"] as const) {
    app.route({
      method,
      url: "/notes/:id",
      schema: {
        tags,
        summary: `Update a note (${method}; partial; needs <parent>:write)`,
        params: IdParamsSchema,
        body: UpdateNoteBodySchema,
        response: { 200: NoteEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
      handler: async (request) => {
        const note = await updateNote(
          core,
          scopeOf(request),
          { number: request.params.id },
          { content: request.body.content, isPinned: request.body.is_pinned },
          noteGuard(request, "write"),
        );
        return ok(renderNote(note));
      },
    });
  }

  app.delete(
    "/notes/:id",
    {
      schema: {
        tags,
        summary: "Delete a note (needs <parent>:write)",
        params: IdParamsSchema,
        response: { 200: DeletedNoteSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const note = await deleteNote(
        core,
        scopeOf(request),
        { number: request.params.id },
        noteGuard(request, "write"),
      );
      return ok({ note_id: note.number, deleted: true as const });
    },
  );
}
