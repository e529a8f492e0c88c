import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scope } from "../../../src/core/core.js";
import { allocateNumber } from "../../../src/core/counters.js";
import { newId } from "../../../src/core/ids.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/**
 * Contacts, companies and opportunities are written straight to their tables here, so these tests
 * do not depend on those services.
 */
async function insertRecord(
  kit: TestKit,
  scope: Scope,
  type: "contact" | "company" | "opportunity",
): Promise<{ id: string; number: number }> {
  const at = new Date().toISOString();
  return kit.core.db.transaction().execute(async (trx) => {
    const id = newId();
    const base = { id, workspace_id: scope.workspaceId, created_at: at, updated_at: at };
    if (type === "contact") {
      const seq = await allocateNumber(trx, scope.workspaceId, "contacts");
      await trx
        .insertInto("contacts")
        .values({ ...base, seq, first_name: "Carl", last_name: "Contact" })
        .execute();
      return { id, number: seq };
    }
    if (type === "company") {
      const seq = await allocateNumber(trx, scope.workspaceId, "companies");
      await trx
        .insertInto("companies")
        .values({
          ...base,
          seq,
          name: "Prospect Co",
          name_normalized: "prospect co",
          relationship: "prospect",
          status: "active",
        })
        .execute();
      return { id, number: seq };
    }
    const pipelineId = newId();
    await trx
      .insertInto("pipelines")
      .values({
        id: pipelineId,
        workspace_id: scope.workspaceId,
        seq: await allocateNumber(trx, scope.workspaceId, "pipelines"),
        key: `test-${pipelineId}`,
        name: "Test pipeline",
        is_default: 0,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const stageId = newId();
    await trx
      .insertInto("pipeline_stages")
      .values({
        id: stageId,
        workspace_id: scope.workspaceId,
        pipeline_id: pipelineId,
        seq: await allocateNumber(trx, scope.workspaceId, "pipeline_stages"),
        key: "discovery",
        name: "Discovery",
        kind: "open",
        position: 1,
        probability: 10,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const seq = await allocateNumber(trx, scope.workspaceId, "opportunities");
    await trx
      .insertInto("opportunities")
      .values({
        ...base,
        seq,
        name: "Big deal",
        pipeline_id: pipelineId,
        stage_id: stageId,
        currency: "USD",
        status: "open",
      })
      .execute();
    return { id, number: seq };
  });
}

for (const engine of ENGINES) {
  describe(`Valethon notes on ${engine}`, () => {
    let kit: TestKit;
    const notes = `${VALETHON}/notes`;
    let lead: number;
    let contact: { id: string; number: number };
    let company: { id: string; number: number };
    let opportunity: { id: string; number: number };
    const post = (body: unknown, key = kit.secretKey) => call(kit, "POST", notes, { key, body });
    const list = (query: string, key = kit.secretKey) => call(kit, "GET", `${notes}?${query}`, { key });
    const noteRows = async () =>
      Number(
        (
          await kit.core.db
            .selectFrom("notes")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const keyWith = (scopes: string[]) =>
      kit.newKey(kit.scope, { type: "secret", scopes, rateLimit: 100_000 });

    beforeAll(async () => {
      kit = await startTestKit(engine);
      lead = (
        await call(kit, "POST", `${VALETHON}/leads`, {
          key: kit.secretKey,
          body: { email: "lead@notes.test" },
        })
      ).json.data.lead_id;
      contact = await insertRecord(kit, kit.scope, "contact");
      company = await insertRecord(kit, kit.scope, "company");
      opportunity = await insertRecord(kit, kit.scope, "opportunity");
    });
    afterAll(async () => kit?.close());

    it("adds a note to a lead and answers exactly the documented 201 body", async () => {
      const response = await post({ entity_type: "lead", entity_id: lead, content: "Prefers email" });
      expect(response.statusCode).toBe(201);
      expect(Object.keys(response.json)).toEqual(["success", "data"]);
      expect(response.json).toEqual({
        success: true,
        data: {
          note_id: 1,
          uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          entity_type: "lead",
          entity_id: lead,
          content: "Prefers email",
          is_pinned: false,
          created_at: expect.stringMatching(TIME),
          updated_at: expect.stringMatching(TIME),
        },
      });
      const event = await kit.core.db
        .selectFrom("events")
        .select(["type", "data"])
        .where("workspace_id", "=", kit.workspace.id)
        .where("entity_type", "=", "note")
        .executeTakeFirstOrThrow();
      expect(event.type).toBe("note.created");
      expect(JSON.parse(event.data)).toMatchObject({ number: 1, content: "Prefers email", isPinned: false });
    });

    it("adds notes to contacts, prospects and opportunities", async () => {
      for (const [entityType, record] of [
        ["contact", contact],
        ["prospect", company],
        ["opportunity", opportunity],
      ] as const) {
        const response = await post({
          entity_type: entityType,
          entity_id: record.number,
          content: `About the ${entityType}`,
          is_pinned: true,
        });
        expect(response.statusCode).toBe(201);
        expect(response.json.data).toMatchObject({
          entity_type: entityType,
          entity_id: record.number,
          is_pinned: true,
        });
        const listed = await list(`entity_type=${entityType}&entity_id=${record.number}`);
        expect(listed.statusCode).toBe(200);
        expect(listed.json.data).toEqual([response.json.data]);
      }
    });

    it.each([
      [{ entity_id: 1, content: "x" }, "entity_type"],
      [{ entity_type: "lead", content: "x" }, "entity_id"],
      [{ entity_type: "lead", entity_id: 1 }, "content"],
      [{ entity_type: "lead", entity_id: 1, content: "   " }, "content"],
      [{ entity_type: "lead", entity_id: 1, content: "x".repeat(10_001) }, "content"],
      [{ entity_type: "lead", entity_id: 1, content: 7 }, "content"],
      [{ entity_type: "lead", entity_id: 1, content: "x", is_pinned: "yes" }, "is_pinned"],
      [{ entity_type: "company", entity_id: 1, content: "x" }, "entity_type"],
      [{ entity_type: "lead", entity_id: 99_999, content: "x" }, "entity_id"],
      [{ entity_type: "opportunity", entity_id: 99_999, content: "x" }, "entity_id"],
      [{ entity_type: "lead", entity_id: 0, content: "x" }, "entity_id"],
    ])("rejects %j naming %s, and writes nothing", async (body, field) => {
      const before = await noteRows();
      const response = await post(body);
      expect(response.statusCode).toBe(400);
      expect(response.json).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
      expect(response.json.error.startsWith(`${field}:`)).toBe(true);
      expect(await noteRows()).toBe(before);
    });

    it("keeps a 10,000-character note whole", async () => {
      const content = "y".repeat(10_000);
      const response = await post({ entity_type: "contact", entity_id: contact.number, content });
      expect(response.statusCode).toBe(201);
      expect(response.json.data.content).toBe(content);
      await call(kit, "DELETE", `${notes}/${response.json.data.note_id}`, { key: kit.secretKey });
    });

    it("lists a record's notes pinned first, then newest first, with pagination", async () => {
      const fresh = (
        await call(kit, "POST", `${VALETHON}/leads`, {
          key: kit.secretKey,
          body: { email: "order@notes.test" },
        })
      ).json.data.lead_id;
      const ids: Record<string, number> = {};
      for (const [content, pinned] of [
        ["old", false],
        ["pinned old", true],
        ["middle", false],
        ["pinned new", true],
        ["new", false],
      ] as const) {
        ids[content] = (
          await post({ entity_type: "lead", entity_id: fresh, content, is_pinned: pinned })
        ).json.data.note_id;
      }
      const all = await list(`entity_type=lead&entity_id=${fresh}`);
      expect(all.statusCode).toBe(200);
      expect(all.json.data.map((note: any) => note.content)).toEqual([
        "pinned new",
        "pinned old",
        "new",
        "middle",
        "old",
      ]);
      expect(all.json.pagination).toEqual({ page: 1, per_page: 25, total: 5, total_pages: 1 });
      const page = await list(`entity_type=lead&entity_id=${fresh}&page=2&per_page=2`);
      expect(page.json.data.map((note: any) => note.content)).toEqual(["new", "middle"]);
      expect(page.json.pagination).toEqual({ page: 2, per_page: 2, total: 5, total_pages: 3 });

      const unpinned = await call(kit, "PATCH", `${notes}/${ids["pinned new"]}`, {
        key: kit.secretKey,
        body: { is_pinned: false },
      });
      expect(unpinned.json.data.is_pinned).toBe(false);
      const pinned = await call(kit, "PUT", `${notes}/${ids.old}`, {
        key: kit.secretKey,
        body: { is_pinned: true },
      });
      expect(pinned.json.data).toMatchObject({ is_pinned: true, content: "old" });
      const after = await list(`entity_type=lead&entity_id=${fresh}`);
      expect(after.json.data.map((note: any) => note.content)).toEqual([
        "pinned old",
        "old",
        "new",
        "pinned new",
        "middle",
      ]);
      // Another record's notes stay out of this list.
      const mine = await list(`entity_type=lead&entity_id=${lead}`);
      expect(mine.json.data.map((note: any) => note.content)).toEqual(["Prefers email"]);
    });

    it.each([
      ["entity_id=1", "entity_type"],
      ["entity_type=lead", "entity_id"],
      ["", "entity_type"],
      ["entity_type=company&entity_id=1", "entity_type"],
      ["entity_type=lead&entity_id=abc", "entity_id"],
      ["entity_type=lead&entity_id=1&per_page=101", "per_page"],
      ["entity_type=lead&entity_id=1&page=0", "page"],
    ])("rejects the list query %j naming %s", async (query, field) => {
      const response = await list(query);
      expect(response.statusCode).toBe(400);
      expect(response.json.code).toBe("VALIDATION_ERROR");
      expect(response.json.error.startsWith(`${field}:`)).toBe(true);
    });

    it("answers 404 when listing the notes of a record that does not exist", async () => {
      for (const entityType of ["lead", "contact", "prospect", "opportunity"]) {
        const response = await list(`entity_type=${entityType}&entity_id=99999`);
        expect(response.statusCode).toBe(404);
        expect(response.json).toMatchObject({ success: false, code: "NOT_FOUND" });
      }
    });

    it("updates content partially and records the change", async () => {
      const created = await post({ entity_type: "lead", entity_id: lead, content: "Draft", is_pinned: true });
      const path = `${notes}/${created.json.data.note_id}`;
      const updated = await call(kit, "PATCH", path, { key: kit.secretKey, body: { content: "  Final  " } });
      expect(updated.statusCode).toBe(200);
      expect(updated.json.data).toEqual({
        ...created.json.data,
        content: "Final",
        updated_at: expect.stringMatching(TIME),
      });
      const ignored = await call(kit, "PUT", path, {
        key: kit.secretKey,
        body: { entity_type: "contact", entity_id: contact.number, note_id: 999 },
      });
      expect(ignored.statusCode).toBe(200);
      expect(ignored.json.data).toMatchObject({
        note_id: created.json.data.note_id,
        entity_type: "lead",
        entity_id: lead,
      });
      const blank = await call(kit, "PUT", path, { key: kit.secretKey, body: { content: "" } });
      expect(blank.statusCode).toBe(400);
      expect(blank.json.error).toMatch(/^content:/);
      const badPin = await call(kit, "PUT", path, { key: kit.secretKey, body: { is_pinned: 1 } });
      expect(badPin.statusCode).toBe(400);
      expect(badPin.json.error).toMatch(/^is_pinned:/);
      const event = await kit.core.db
        .selectFrom("events")
        .select(["type", "data"])
        .where("workspace_id", "=", kit.workspace.id)
        .where("type", "=", "note.updated")
        .orderBy("position", "desc")
        .executeTakeFirstOrThrow();
      expect(JSON.parse(event.data).changes).toEqual({ content: { from: "Draft", to: "Final" } });
    });

    it("deletes softly and answers 404 for unknown or deleted notes", async () => {
      const created = await post({ entity_type: "lead", entity_id: lead, content: "Temporary" });
      const number = created.json.data.note_id;
      const deleted = await call(kit, "DELETE", `${notes}/${number}`, { key: kit.secretKey });
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json).toEqual({ success: true, data: { note_id: number, deleted: true } });
      const listed = await list(`entity_type=lead&entity_id=${lead}`);
      expect(listed.json.data.map((note: any) => note.note_id)).not.toContain(number);
      for (const method of ["PUT", "PATCH", "DELETE"] as const) {
        for (const id of [number, 99_999]) {
          const response = await call(kit, method, `${notes}/${id}`, {
            key: kit.secretKey,
            ...(method === "DELETE" ? {} : { body: { content: "back" } }),
          });
          expect(response.statusCode).toBe(404);
          expect(response.json.code).toBe("NOT_FOUND");
        }
      }
      const malformed = await call(kit, "DELETE", `${notes}/abc`, { key: kit.secretKey });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json.error).toMatch(/^id:/);
      const row = await kit.core.db
        .selectFrom("notes")
        .select(["deleted_at", "content"])
        .where("workspace_id", "=", kit.workspace.id)
        .where("seq", "=", number)
        .executeTakeFirstOrThrow();
      expect(row.deleted_at).not.toBeNull();
      expect(row.content).toBe("Temporary");
      const event = await kit.core.db
        .selectFrom("events")
        .select("type")
        .where("workspace_id", "=", kit.workspace.id)
        .where("entity_type", "=", "note")
        .orderBy("position", "desc")
        .executeTakeFirstOrThrow();
      expect(event.type).toBe("note.deleted");
    });

    describe("permissions follow the parent record", () => {
      it("lets a contacts-only key read and write a contact's notes but not a lead's", async () => {
        const contactsOnly = await keyWith(["contacts:read", "contacts:write"]);
        const leadNote = (await post({ entity_type: "lead", entity_id: lead, content: "Lead secret" })).json
          .data;

        const readLead = await list(`entity_type=lead&entity_id=${lead}`, contactsOnly);
        expect(readLead.statusCode).toBe(403);
        expect(readLead.json).toMatchObject({ success: false, code: "FORBIDDEN" });
        expect(readLead.json.error).toContain("leads:read");
        // Refused before looking the record up: an unknown lead is 403 too, not 404.
        expect((await list("entity_type=lead&entity_id=99999", contactsOnly)).statusCode).toBe(403);

        const readContact = await list(`entity_type=contact&entity_id=${contact.number}`, contactsOnly);
        expect(readContact.statusCode).toBe(200);
        expect(readContact.json.data.length).toBeGreaterThan(0);

        const before = await noteRows();
        const writeLead = await post({ entity_type: "lead", entity_id: lead, content: "x" }, contactsOnly);
        expect(writeLead.statusCode).toBe(403);
        expect(writeLead.json.error).toContain("leads:write");
        expect(await noteRows()).toBe(before);
        const writeContact = await post(
          { entity_type: "contact", entity_id: contact.number, content: "From the contacts key" },
          contactsOnly,
        );
        expect(writeContact.statusCode).toBe(201);

        const patchLead = await call(kit, "PATCH", `${notes}/${leadNote.note_id}`, {
          key: contactsOnly,
          body: { content: "Overwritten" },
        });
        expect(patchLead.statusCode).toBe(403);
        const deleteLead = await call(kit, "DELETE", `${notes}/${leadNote.note_id}`, { key: contactsOnly });
        expect(deleteLead.statusCode).toBe(403);
        const still = await list(`entity_type=lead&entity_id=${lead}`);
        expect(still.json.data.find((note: any) => note.note_id === leadNote.note_id)).toEqual(leadNote);

        const patchContact = await call(kit, "PATCH", `${notes}/${writeContact.json.data.note_id}`, {
          key: contactsOnly,
          body: { is_pinned: true },
        });
        expect(patchContact.statusCode).toBe(200);
        const deleteContact = await call(kit, "DELETE", `${notes}/${writeContact.json.data.note_id}`, {
          key: contactsOnly,
        });
        expect(deleteContact.statusCode).toBe(200);
      });

      it.each([
        ["lead", "leads"],
        ["contact", "contacts"],
        ["prospect", "prospects"],
        ["opportunity", "opportunities"],
      ] as const)("a %s's notes need %s:read to list and %s:write to change", async (entityType, plural) => {
        const number = {
          lead,
          contact: contact.number,
          prospect: company.number,
          opportunity: opportunity.number,
        }[entityType];
        const readOnly = await keyWith([`${plural}:read`]);
        const writeOnly = await keyWith([`${plural}:write`]);
        const query = `entity_type=${entityType}&entity_id=${number}`;
        expect((await list(query, readOnly)).statusCode).toBe(200);
        expect((await list(query, writeOnly)).statusCode).toBe(403);
        const body = { entity_type: entityType, entity_id: number, content: "perm" };
        expect((await post(body, readOnly)).statusCode).toBe(403);
        const created = await post(body, writeOnly);
        expect(created.statusCode).toBe(201);
        const path = `${notes}/${created.json.data.note_id}`;
        expect((await call(kit, "PATCH", path, { key: readOnly, body: { content: "no" } })).statusCode).toBe(
          403,
        );
        expect(
          (await call(kit, "PATCH", path, { key: writeOnly, body: { content: "yes" } })).statusCode,
        ).toBe(200);
        expect((await call(kit, "DELETE", path, { key: readOnly })).statusCode).toBe(403);
        expect((await call(kit, "DELETE", path, { key: writeOnly })).statusCode).toBe(200);
      });
    });

    it("keeps workspaces apart: another workspace's note is 404 and stays untouched", async () => {
      const created = await post({ entity_type: "lead", entity_id: lead, content: "Mine only" });
      const number = created.json.data.note_id;
      const foreign = kit.other.secretKey;
      expect((await list(`entity_type=lead&entity_id=${lead}`, foreign)).statusCode).toBe(404);
      const patched = await call(kit, "PATCH", `${notes}/${number}`, {
        key: foreign,
        body: { content: "Hijacked", is_pinned: true },
      });
      expect(patched.statusCode).toBe(404);
      expect((await call(kit, "DELETE", `${notes}/${number}`, { key: foreign })).statusCode).toBe(404);
      const crossed = await post({ entity_type: "lead", entity_id: lead, content: "x" }, foreign);
      expect(crossed.statusCode).toBe(400);
      expect(crossed.json.error).toMatch(/^entity_id:/);
      const still = await list(`entity_type=lead&entity_id=${lead}`);
      expect(still.json.data.find((note: any) => note.note_id === number)).toEqual(created.json.data);
    });
  });
}
