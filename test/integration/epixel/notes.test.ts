/** Epixel E11/E12: lead notes are the core's notes, shown by Valethon and on the Axiomatic timeline. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContact } from "../../../src/core/contacts/contacts.service.js";
import { createLead } from "../../../src/core/leads/leads.service.js";
import { createNote } from "../../../src/core/notes/notes.service.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { axiomatic } from "../../support/axiomatic.js";
import { ENGINES } from "../../support/engines.js";
import { type EpixelSession, epixel, epixelLogin, leadForm } from "../../support/epixel.js";

const fields = (errors: Record<string, string[]>) => ({ status_code: 400, errors, data: {} });
const failed = (detail: string) => ({ status_code: 401, errors: { detail }, data: {} });

for (const engine of ENGINES) {
  describe(`Epixel lead notes (${engine})`, () => {
    let kit: TestKit;
    let owner: EpixelSession;
    let assignee: EpixelSession;
    let stranger: EpixelSession;
    let lead: { id: number; slug: string; uuid: string };
    beforeAll(async () => {
      kit = await startTestKit(engine);
      owner = await epixelLogin(kit);
      assignee = await epixelLogin(kit);
      stranger = await epixelLogin(kit);
      const created = await epixel(kit, "POST", "/leads/create/lead/", {
        session: owner,
        body: leadForm({ assignee: assignee.username }),
      });
      lead = created.json.data;
    });
    afterAll(async () => kit?.close());

    const addNote = (
      session: EpixelSession,
      body: Record<string, string>,
      path = "/leads/create/leadnote/",
    ) => epixel(kit, "POST", path, { session, body });

    it("adds notes at both spellings; they are the lead's notes in Valethon, Axiomatic and the details", async () => {
      const first = await addNote(owner, { slug: lead.slug, note: "Called, interested" });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json).toEqual({
        status_code: 200,
        errors: {},
        data: { note_id: expect.any(Number), note: "Called, interested", created: expect.any(String) },
      });
      const second = await epixel(kit, "POST", "/create/leadnote/", {
        session: assignee,
        body: { slug: lead.slug, note: "Sent the brochure" },
        kind: "urlencoded",
      });
      expect(second.statusCode, second.body).toBe(200);
      expect(second.json.data.note_id).toBe(first.json.data.note_id + 1);

      const valethon = await call(kit, "GET", `${VALETHON}/notes?entity_type=lead&entity_id=${lead.id}`, {
        key: kit.secretKey,
      });
      expect(valethon.statusCode, valethon.body).toBe(200);
      expect(valethon.json.data.map((note: { content: string }) => note.content).sort()).toEqual([
        "Called, interested",
        "Sent the brochure",
      ]);
      const timeline = await axiomatic(kit, "GET", `/leads/${lead.uuid}/timeline`);
      expect(timeline.statusCode, timeline.body).toBe(200);
      expect(timeline.json.items.filter((item: { type: string }) => item.type === "note")).toHaveLength(2);
      const view = await epixel(kit, "GET", "/view/lead/", { session: owner, query: { slug: lead.slug } });
      expect(view.json.data.notes.map((note: { id: number; note: string }) => [note.id, note.note])).toEqual([
        [second.json.data.note_id, "Sent the brochure"],
        [first.json.data.note_id, "Called, interested"],
      ]);
    });

    it("answers every E11 message; only the owner or assignee adds notes", async () => {
      expect((await addNote(owner, {})).json).toEqual(
        fields({ slug: ["This field is required."], note: ["This field is required."] }),
      );
      expect((await addNote(owner, { slug: "", note: " " })).json).toEqual(
        fields({ slug: ["This field may not be blank."], note: ["This field may not be blank."] }),
      );
      expect((await addNote(owner, { slug: "nope-1", note: "x".repeat(500) })).json).toEqual(
        fields({
          slug: ["Requested lead not found."],
          note: ["Ensure this field has no more than 499 characters."],
        }),
      );
      expect((await addNote(owner, { slug: lead.slug, note: "x".repeat(499) })).statusCode).toBe(200);
      const refused = await addNote(stranger, { slug: lead.slug, note: "Hi" });
      expect(refused.statusCode).toBe(401);
      expect(refused.json).toEqual(failed("You can't add note on this lead."));
      const gone = await epixel(kit, "POST", "/leads/create/lead/", { session: owner, body: leadForm() });
      await epixel(kit, "POST", "/delete/lead/", { session: owner, body: { slug: gone.json.data.slug } });
      expect((await addNote(owner, { slug: gone.json.data.slug, note: "late" })).json).toEqual(
        fields({ slug: ["Requested lead already has a deleted status."] }),
      );
      // Another workspace's lead is not found.
      const foreign = await createLead(kit.core, kit.other.scope, { firstName: "F", email: "f@o.io" });
      expect((await addNote(owner, { slug: foreign.slug, note: "x" })).json).toEqual(
        fields({ slug: ["Requested lead not found."] }),
      );
    });

    it("deletes notes at both spellings: the author, or the lead's owner; answers every E12 message", async () => {
      const byAssignee = (await addNote(assignee, { slug: lead.slug, note: "mine" })).json.data.note_id;
      const byOwner = (await addNote(owner, { slug: lead.slug, note: "owner's" })).json.data.note_id;
      const other = (await addNote(assignee, { slug: lead.slug, note: "another" })).json.data.note_id;

      // The assignee did not write the owner's note.
      const refused = await epixel(kit, "POST", "/leads/delete/leadnote/", {
        session: assignee,
        body: { note_id: String(byOwner) },
      });
      expect(refused.statusCode).toBe(401);
      expect(refused.json).toEqual(failed("You can't delete this note."));
      expect(
        (
          await epixel(kit, "POST", "/delete/leadnote/", {
            session: stranger,
            body: { note_id: String(other) },
          })
        ).json,
      ).toEqual(failed("You can't delete this note."));

      const own = await epixel(kit, "POST", "/leads/delete/leadnote/", {
        session: assignee,
        body: { note_id: String(byAssignee) },
        kind: "json",
      });
      expect(own.statusCode, own.body).toBe(200);
      expect(own.json).toEqual({ status_code: 200, errors: {}, data: {} });
      // The lead's owner deletes anyone's note on it.
      const asOwner = await epixel(kit, "POST", "/delete/leadnote/", {
        session: owner,
        body: { note_id: String(other) },
      });
      expect(asOwner.statusCode).toBe(200);
      const view = await epixel(kit, "GET", "/view/lead/", { session: owner, query: { slug: lead.slug } });
      const ids = view.json.data.notes.map((note: { id: number }) => note.id);
      expect(ids).toContain(byOwner);
      expect(ids).not.toContain(byAssignee);
      expect(ids).not.toContain(other);

      const notFound = fields({ note_id: ["Requested note not found."] });
      const del = (note_id?: string) =>
        epixel(kit, "POST", "/delete/leadnote/", {
          session: owner,
          body: note_id === undefined ? {} : { note_id },
        });
      expect((await del(String(byAssignee))).json).toEqual(notFound);
      expect((await del("999999")).json).toEqual(notFound);
      expect((await del()).json).toEqual(fields({ note_id: ["This field is required."] }));
      expect((await del("")).json).toEqual(fields({ note_id: ["This field may not be blank."] }));
      expect((await del("abc")).json).toEqual(fields({ note_id: ["Invalid note id."] }));
      expect((await del("0")).json).toEqual(fields({ note_id: ["Invalid note id."] }));
      // A note on a contact is not a lead note; another workspace's note number names nothing here.
      const contact = await createContact(kit.core, kit.scope, { firstName: "C", email: "c@x.io" });
      const contactNote = await createNote(kit.core, kit.scope, {
        entity: { entityType: "contact", id: contact.id },
        content: "contact note",
      });
      expect((await del(String(contactNote.number))).json).toEqual(notFound);
      const foreignLead = await createLead(kit.core, kit.other.scope, { firstName: "F", email: "g@o.io" });
      // Numbered beyond every note of this workspace, so the number names nothing here.
      let foreignNote = await createNote(kit.core, kit.other.scope, {
        entity: { entityType: "lead", id: foreignLead.id },
        content: "theirs",
      });
      while (foreignNote.number < 30) {
        foreignNote = await createNote(kit.core, kit.other.scope, {
          entity: { entityType: "lead", id: foreignLead.id },
          content: "theirs",
        });
      }
      expect((await del(String(foreignNote.number))).json).toEqual(notFound);
      expect(
        (
          await kit.core.db
            .selectFrom("notes")
            .select("deleted_at")
            .where("id", "=", foreignNote.id)
            .executeTakeFirst()
        )?.deleted_at,
      ).toBeNull();
    });
  });
}
