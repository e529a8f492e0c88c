import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addListMembers,
  createMarketingList,
} from "../../../src/core/marketing-lists/marketing-lists.service.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const engine of ENGINES) {
  describe(`Valethon marketing lists (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => {
      await kit.close();
    });

    const api = (
      method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
      path: string,
      body?: unknown,
      key?: string,
    ) => call(kit, method, `${VALETHON}${path}`, { key: key ?? kit.secretKey, body });

    /** The record's UUID, read from the table: the Valethon renderings of prospects and contacts may not show it. */
    const uuidOf = async (table: "companies" | "contacts", seq: number, key?: string) => {
      const workspaceId = key === kit.other.secretKey ? kit.other.scope.workspaceId : kit.scope.workspaceId;
      const row = await kit.core.db
        .selectFrom(table)
        .select("id")
        .where("workspace_id", "=", workspaceId)
        .where("seq", "=", seq)
        .executeTakeFirstOrThrow();
      return row.id;
    };
    const prospect = async (name: string, key?: string) => {
      const response = await api("POST", "/prospects", { name }, key);
      expect(response.statusCode).toBe(201);
      const id: number = response.json.data.prospect_id;
      return { prospect_id: id, uuid: await uuidOf("companies", id, key) };
    };
    const contact = async (firstName: string, key?: string) => {
      const response = await api("POST", "/contacts", { first_name: firstName, last_name: "Lovelace" }, key);
      expect(response.statusCode).toBe(201);
      const id: number = response.json.data.contact_id;
      return { contact_id: id, uuid: await uuidOf("contacts", id, key) };
    };
    const newList = async (name: string, key?: string) => {
      const response = await api("POST", "/marketing-lists", { name }, key);
      expect(response.statusCode).toBe(201);
      return response.json.data as { list_id: number; uuid: string };
    };
    const eventsOf = (id: string) =>
      kit.core.db
        .selectFrom("events")
        .select(["type", "data"])
        .where("entity_id", "=", id)
        .orderBy("position")
        .execute();

    it("creates, reads, lists, updates and deletes a list, with events", async () => {
      const created = await api("POST", "/marketing-lists", {
        name: "  Q3 webinar ",
        description: "Invitees",
      });
      expect(created.statusCode).toBe(201);
      expect(created.json).toEqual({
        success: true,
        data: {
          list_id: expect.any(Number),
          uuid: expect.stringMatching(UUID),
          name: "Q3 webinar",
          description: "Invitees",
          member_count: 0,
          created_at: expect.stringMatching(TIME),
          updated_at: expect.stringMatching(TIME),
        },
      });
      const id = created.json.data.list_id;
      expect((await api("GET", `/marketing-lists/${id}`)).json.data).toEqual(created.json.data);

      const patched = await api("PATCH", `/marketing-lists/${id}`, { description: "" });
      expect(patched.statusCode).toBe(200);
      expect(patched.json.data).toMatchObject({ name: "Q3 webinar", description: null });

      const list = await api("GET", "/marketing-lists?per_page=100");
      expect(list.json.data.map((row: { list_id: number }) => row.list_id)).toContain(id);

      const deleted = await api("DELETE", `/marketing-lists/${id}`);
      expect(deleted.json).toEqual({ success: true, data: { list_id: id, deleted: true } });
      expect((await api("GET", `/marketing-lists/${id}`)).statusCode).toBe(404);
      expect((await eventsOf(created.json.data.uuid)).map((event) => event.type)).toEqual([
        "marketing_list.created",
        "marketing_list.updated",
        "marketing_list.deleted",
      ]);
    });

    it("names the field of a bad list body", async () => {
      const blank = await api("POST", "/marketing-lists", { name: "   " });
      expect(blank.statusCode).toBe(400);
      expect(blank.json).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
      expect(blank.json.error).toContain("name");
      const long = await api("POST", "/marketing-lists", { name: "x".repeat(201) });
      expect(long.statusCode).toBe(400);
      expect(long.json.error).toContain("name");
    });

    it("adds prospects and contacts idempotently and pages the members", async () => {
      const list = await newList("Newsletter");
      const acme = await prospect("Acme");
      const hooli = await prospect("Hooli");
      const ada = await contact("Ada");

      const first = await api("POST", `/marketing-lists/${list.list_id}/members`, {
        company_ids: [acme.prospect_id, hooli.prospect_id, acme.prospect_id],
        contact_ids: [ada.contact_id],
      });
      expect(first.statusCode).toBe(200);
      expect(first.json).toEqual({
        success: true,
        data: { list_id: list.list_id, added: 3, already_members: 0 },
      });
      const again = await api("POST", `/marketing-lists/${list.list_id}/members`, {
        company_ids: [hooli.prospect_id],
        contact_ids: [ada.contact_id],
      });
      expect(again.json.data).toEqual({ list_id: list.list_id, added: 0, already_members: 2 });
      const rows = await kit.core.db
        .selectFrom("marketing_list_members")
        .selectAll()
        .where("list_id", "=", list.uuid)
        .execute();
      expect(rows).toHaveLength(3);
      // Only the call that changed the list wrote an event.
      expect((await eventsOf(list.uuid)).map((event) => event.type)).toEqual([
        "marketing_list.created",
        "marketing_list.members_added",
      ]);

      const page1 = await api("GET", `/marketing-lists/${list.list_id}/members?per_page=2`);
      expect(page1.json.pagination).toEqual({ page: 1, per_page: 2, total: 3, total_pages: 2 });
      const page2 = await api("GET", `/marketing-lists/${list.list_id}/members?per_page=2&page=2`);
      const members = [...page1.json.data, ...page2.json.data];
      expect(members).toHaveLength(3);
      expect(members).toEqual(
        expect.arrayContaining([
          {
            member_type: "company",
            member_id: acme.prospect_id,
            uuid: acme.uuid,
            name: "Acme",
            added_at: expect.stringMatching(TIME),
          },
          expect.objectContaining({ member_type: "company", member_id: hooli.prospect_id, name: "Hooli" }),
          expect.objectContaining({
            member_type: "contact",
            member_id: ada.contact_id,
            uuid: ada.uuid,
            name: "Ada Lovelace",
          }),
        ]),
      );
      expect((await api("GET", `/marketing-lists/${list.list_id}`)).json.data.member_count).toBe(3);

      // A deleted prospect drops out of the list's reads.
      expect((await api("DELETE", `/prospects/${hooli.prospect_id}`)).statusCode).toBe(200);
      const after = await api("GET", `/marketing-lists/${list.list_id}/members`);
      expect(after.json.pagination.total).toBe(2);
      expect((await api("GET", `/marketing-lists/${list.list_id}`)).json.data.member_count).toBe(2);

      const removed = await api(
        "DELETE",
        `/marketing-lists/${list.list_id}/members/prospect/${acme.prospect_id}`,
      );
      expect(removed.json).toEqual({
        success: true,
        data: { list_id: list.list_id, member_type: "company", member_id: acme.prospect_id, removed: true },
      });
      const twice = await api(
        "DELETE",
        `/marketing-lists/${list.list_id}/members/company/${acme.prospect_id}`,
      );
      expect(twice.statusCode).toBe(404);
      expect((await api("GET", `/marketing-lists/${list.list_id}/members`)).json.data).toEqual([
        expect.objectContaining({ member_type: "contact", member_id: ada.contact_id }),
      ]);
    });

    it("refuses an unknown id by naming it, and writes nothing", async () => {
      const list = await newList("Strict");
      const acme = await prospect("Acme Strict");
      const ada = await contact("Strict");
      const bad = await api("POST", `/marketing-lists/${list.list_id}/members`, {
        company_ids: [acme.prospect_id, acme.prospect_id, 999_999],
        contact_ids: [ada.contact_id],
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
      expect(bad.json.error).toContain("company_ids[2]");
      const badContact = await api("POST", `/marketing-lists/${list.list_id}/members`, {
        company_ids: [acme.prospect_id],
        contact_ids: [ada.contact_id, 0],
      });
      expect(badContact.statusCode).toBe(400);
      expect(badContact.json.error).toContain("contact_ids");
      // No ids: nothing to add, nothing written (the same rule as Axiomatic's add-to-list).
      const empty = await api("POST", `/marketing-lists/${list.list_id}/members`, {});
      expect(empty.statusCode).toBe(200);
      expect(empty.json.data).toEqual({ list_id: list.list_id, added: 0, already_members: 0 });

      const rows = await kit.core.db
        .selectFrom("marketing_list_members")
        .select("member_id")
        .where("list_id", "=", list.uuid)
        .execute();
      expect(rows).toEqual([]);
      expect((await eventsOf(list.uuid)).map((event) => event.type)).toEqual(["marketing_list.created"]);
    });

    it("takes core ids as UUIDs or numbers and names core fields", async () => {
      const list = await createMarketingList(kit.core, kit.scope, { name: "Core" });
      const acme = await prospect("Acme Core");
      const ada = await contact("Core");
      await expect(
        addListMembers(kit.core, kit.scope, { id: list.id }, { companyIds: [acme.uuid, "not-a-uuid"] }),
      ).rejects.toMatchObject({ code: "VALIDATION", field: "companyIds[1]" });
      const result = await addListMembers(
        kit.core,
        kit.scope,
        { id: list.id },
        { companyIds: [acme.uuid, acme.prospect_id], contactIds: [ada.uuid.toUpperCase()] },
      );
      expect(result).toEqual({ added: 2, alreadyMembers: 0 });
    });

    it("keeps each workspace's lists and records to itself", async () => {
      const mine = await newList("Mine");
      const otherList = await newList("Theirs", kit.other.secretKey);
      const theirProspect = await prospect("Other Co", kit.other.secretKey);
      const theirContact = await contact("Other", kit.other.secretKey);

      // Numbers are per workspace: mine is past the other workspace's only list.
      expect(mine.list_id).toBeGreaterThan(otherList.list_id);
      expect(
        (await api("GET", `/marketing-lists/${mine.list_id}`, undefined, kit.other.secretKey)).statusCode,
      ).toBe(404);
      expect(
        (
          await api(
            "POST",
            `/marketing-lists/${mine.list_id}/members`,
            { company_ids: [theirProspect.prospect_id] },
            kit.other.secretKey,
          )
        ).statusCode,
      ).toBe(404);
      const foreign = await api("POST", `/marketing-lists/${mine.list_id}/members`, {
        company_ids: [theirProspect.prospect_id + 1000],
      });
      expect(foreign.statusCode).toBe(400);
      // By UUID, another workspace's records are unknown too.
      await expect(
        addListMembers(kit.core, kit.scope, { id: mine.uuid }, { contactIds: [theirContact.uuid] }),
      ).rejects.toMatchObject({ code: "VALIDATION", field: "contactIds[0]" });
      await expect(
        addListMembers(kit.core, kit.scope, { id: otherList.uuid }, { companyIds: [theirProspect.uuid] }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      const theirs = await api("GET", "/marketing-lists?per_page=100", undefined, kit.other.secretKey);
      expect(theirs.json.data.map((row: { uuid: string }) => row.uuid)).toEqual([otherList.uuid]);
    });

    it("needs the prospects permissions", async () => {
      const readOnly = await kit.newKey(kit.scope, { type: "secret", scopes: ["prospects:read"] });
      const leadsOnly = await kit.newKey(kit.scope, { type: "secret", scopes: ["leads:read"] });
      expect((await api("GET", "/marketing-lists", undefined, readOnly)).statusCode).toBe(200);
      expect((await api("POST", "/marketing-lists", { name: "x" }, readOnly)).statusCode).toBe(403);
      expect((await api("GET", "/marketing-lists", undefined, leadsOnly)).statusCode).toBe(403);
      expect((await call(kit, "GET", `${VALETHON}/marketing-lists`, {})).statusCode).toBe(401);
    });
  });
}
