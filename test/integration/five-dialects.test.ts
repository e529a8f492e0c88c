/**
 * One record set through all five APIs: a company, a contact and an opportunity made through
 * Axiomatic and Valethon are what the Developer API lists; a lead made through Epixel is the same
 * record through Valethon, CRMLead Pro and Axiomatic, edits and notes made in one API show in the
 * others, and deleting it through Epixel removes it everywhere (CRMLead Pro keeps it resolvable as
 * archived).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicId } from "../../src/core/shared/public-ids.js";
import { call, startTestKit, type TestKit, VALETHON } from "../support/app.js";
import { axiomatic } from "../support/axiomatic.js";
import { crmleadpro } from "../support/crmleadpro.js";
import { devapi } from "../support/devapi.js";
import { ENGINES } from "../support/engines.js";
import { type EpixelSession, epixel, epixelLogin } from "../support/epixel.js";

for (const engine of ENGINES) {
  describe(`One record set through all five APIs (${engine})`, () => {
    let kit: TestKit;
    let session: EpixelSession;
    beforeAll(async () => {
      kit = await startTestKit(engine);
      session = await epixelLogin(kit);
    });
    afterAll(async () => kit?.close());

    const valethon = (method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown) =>
      call(kit, method, `${VALETHON}${path}`, { key: kit.secretKey, body });

    it("shows a company, its contact and its open deal through Axiomatic, Valethon, CRMLead Pro and the Developer API", async () => {
      const company = (
        await axiomatic(kit, "POST", "/companies", { body: { name: "Globex", role: "customer" } })
      ).json;
      const contact = (
        await axiomatic(kit, "POST", "/contacts", {
          body: {
            firstName: "Hank",
            lastName: "Scorpio",
            email: "hank@globex.example",
            companyId: company.id,
          },
        })
      ).json;
      const prospect = (await valethon("GET", `/prospects?search=Globex`)).json.data[0];
      expect(prospect).toMatchObject({ name: "Globex", uuid: company.id });
      const deal = await valethon("POST", "/opportunities", {
        name: "Globex doomsday device",
        prospect_id: prospect.prospect_id,
        stage: "proposal",
        value: 1250.5,
      });
      expect(deal.statusCode).toBe(201);

      const companies = (await devapi(kit, "/companies")).json;
      expect(companies).toEqual([
        expect.objectContaining({ id: company.id, name: "Globex", dealValue: 1250.5, isCustomer: true }),
      ]);
      const contacts = (await devapi(kit, `/contacts?companyId=${company.id}`)).json;
      expect(contacts).toEqual([
        expect.objectContaining({
          id: contact.id,
          companyId: company.id,
          name: "Hank Scorpio",
          email: "hank@globex.example",
          isPrimary: true,
        }),
      ]);
      const listed = (await crmleadpro(kit, "GET", "/contacts?search=scorpio")).json.data;
      expect(listed).toEqual([
        expect.objectContaining({
          id: publicId("contact", contact.id),
          uuid: contact.id,
          email: "hank@globex.example",
        }),
      ]);
      const crmDeal = (await crmleadpro(kit, "GET", "/deals")).json.data;
      expect(crmDeal).toEqual([expect.objectContaining({ name: "Globex doomsday device", value: 1250.5 })]);
    });

    it("keeps one lead across Epixel, Valethon, CRMLead Pro and Axiomatic, edits, notes and deletion included", async () => {
      const created = await epixel(kit, "POST", "/leads/create/lead/", {
        session,
        body: {
          first_name: "Marge",
          last_name: "Bouvier",
          email: "marge@springfield.example",
          phone: "5550100",
          status: "prospect",
          source: "referral",
        },
      });
      expect(created.statusCode).toBe(200);
      const { id: number, slug, uuid } = created.json.data;
      const crmId = publicId("lead", uuid);

      // The same record through the three other lead APIs.
      expect((await valethon("GET", `/leads/${number}`)).json.data).toMatchObject({
        first_name: "Marge",
        last_name: "Bouvier",
        email: "marge@springfield.example",
        status: "new",
        source: "referral",
        uuid,
      });
      expect((await crmleadpro(kit, "GET", `/leads/${crmId}`)).json).toMatchObject({
        id: crmId,
        uuid,
        name: "Marge Bouvier",
        email: "marge@springfield.example",
        status: "new",
        pipeline_stage: "discovery",
      });
      expect((await axiomatic(kit, "GET", `/leads/${uuid}`)).json).toMatchObject({
        id: uuid,
        title: "Marge Bouvier",
        email: "marge@springfield.example",
        stage: { systemKey: "discovery" },
      });

      // CRMLead Pro qualifies it and moves it on the board: Epixel and Axiomatic see both.
      const patched = await crmleadpro(kit, "PATCH", `/leads/${crmId}`, {
        body: { status: "qualified", pipeline_stage: "proposal" },
      });
      expect(patched.statusCode).toBe(200);
      const viewed = await epixel(kit, "GET", "/leads/view/lead/", { session, query: { slug } });
      expect(viewed.json.data).toMatchObject({ id: number, slug, status: "potential" });
      expect((await axiomatic(kit, "GET", `/leads/${uuid}`)).json.stage.systemKey).toBe("proposal");

      // A note made through Epixel is a core note: Valethon lists it, Axiomatic's timeline shows it.
      const note = await epixel(kit, "POST", "/leads/create/leadnote/", {
        session,
        body: { slug, note: "Prefers calls after 5pm." },
      });
      expect(note.statusCode).toBe(200);
      const notes = (await valethon("GET", `/notes?entity_type=lead&entity_id=${number}`)).json.data;
      expect(notes).toEqual([expect.objectContaining({ content: "Prefers calls after 5pm." })]);
      const timeline = (await axiomatic(kit, "GET", `/leads/${uuid}/timeline`)).json;
      expect(JSON.stringify(timeline)).toContain("Prefers calls after 5pm.");

      // Deleted through Epixel: gone from Valethon and Axiomatic, archived in CRMLead Pro.
      const deleted = await epixel(kit, "POST", "/leads/delete/lead/", { session, body: { slug } });
      expect(deleted.statusCode).toBe(200);
      expect((await valethon("GET", `/leads/${number}`)).statusCode).toBe(404);
      expect((await axiomatic(kit, "GET", `/leads/${uuid}`)).statusCode).toBe(404);
      expect((await crmleadpro(kit, "GET", `/leads/${crmId}`)).json).toMatchObject({
        id: crmId,
        archived: true,
      });
      const again = await epixel(kit, "POST", "/leads/delete/lead/", { session, body: { slug } });
      expect(again.json).toEqual({
        status_code: 400,
        errors: { slug: ["Requested lead already has a deleted status."] },
        data: {},
      });
    });
  });
}
