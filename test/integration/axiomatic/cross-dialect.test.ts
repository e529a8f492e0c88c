import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { axiomatic } from "../../support/axiomatic.js";
import { ENGINES } from "../../support/engines.js";

for (const engine of ENGINES) {
  describe(`Axiomatic and Valethon share records (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => {
      await kit.close();
    });

    const valethon = (method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown) =>
      call(kit, method, `${VALETHON}${path}`, { key: kit.secretKey, body });
    const uuidOf = async (table: "companies" | "contacts" | "leads", number: number) =>
      (
        await kit.core.db
          .selectFrom(table)
          .select("id")
          .where("workspace_id", "=", kit.workspace.id)
          .where("seq", "=", number)
          .executeTakeFirstOrThrow()
      ).id;
    const numberOf = async (table: "companies" | "contacts" | "leads", id: string) =>
      Number(
        (await kit.core.db.selectFrom(table).select("seq").where("id", "=", id).executeTakeFirstOrThrow())
          .seq,
      );

    it("reads a Valethon prospect and contact through Axiomatic", async () => {
      const prospect = await valethon("POST", "/prospects", {
        name: "Vandelay Industries",
        industry: "Import/Export",
        relationship: "customer",
        status: "converted",
      });
      expect(prospect.statusCode).toBe(201);
      const companyId = await uuidOf("companies", prospect.json.data.prospect_id);
      const contact = await valethon("POST", "/contacts", {
        first_name: "Art",
        last_name: "Vandelay",
        email: "art@vandelay.example",
        title: "Importer",
        prospect_id: prospect.json.data.prospect_id,
      });
      expect(contact.statusCode).toBe(201);
      const contactId = await uuidOf("contacts", contact.json.data.contact_id);

      const company = await axiomatic(kit, "GET", `/companies/${companyId}`);
      expect(company.json).toMatchObject({
        id: companyId,
        name: "Vandelay Industries",
        industry: "Import/Export",
        role: "customer",
        status: "active",
      });
      const person = await axiomatic(kit, "GET", `/contacts/${contactId}`);
      expect(person.json).toMatchObject({
        firstName: "Art",
        lastName: "Vandelay",
        email: "art@vandelay.example",
        title: "Importer",
        companyId,
      });
      const memberships = await axiomatic(kit, "GET", `/contacts/${contactId}/company-memberships`);
      expect(memberships.json.memberships).toEqual([
        expect.objectContaining({
          companyId,
          companyName: "Vandelay Industries",
          title: "Importer",
          isPrimary: true,
        }),
      ]);
      const members = await axiomatic(kit, "GET", `/companies/${companyId}/contacts`);
      expect(members.json.contacts.map((c: { id: string }) => c.id)).toEqual([contactId]);
    });

    it("reads Axiomatic companies, contacts and memberships through Valethon", async () => {
      const first = (
        await axiomatic(kit, "POST", "/companies", { body: { name: "Kramerica", role: "vendor" } })
      ).json;
      const second = (await axiomatic(kit, "POST", "/companies", { body: { name: "Pendant Publishing" } }))
        .json;
      const contact = (
        await axiomatic(kit, "POST", "/contacts", {
          body: { firstName: "Cosmo", lastName: "Kramer", email: "k@kramerica.example", companyId: first.id },
        })
      ).json;
      await axiomatic(kit, "POST", `/contacts/${contact.id}/company-memberships`, {
        body: { companyId: second.id, title: "Author", isPrimary: true },
      });

      const firstNumber = await numberOf("companies", first.id);
      const secondNumber = await numberOf("companies", second.id);
      const prospect = await valethon("GET", `/prospects/${firstNumber}`);
      expect(prospect.statusCode).toBe(200);
      expect(prospect.json.data).toMatchObject({
        name: "Kramerica",
        relationship: "vendor",
        status: "active",
      });
      expect(prospect.json.data.contacts).toEqual([
        expect.objectContaining({ first_name: "Cosmo", is_primary: false }),
      ]);
      const person = await valethon("GET", `/contacts/${await numberOf("contacts", contact.id)}`);
      expect(person.json.data).toMatchObject({
        first_name: "Cosmo",
        last_name: "Kramer",
        email: "k@kramerica.example",
        prospect_id: secondNumber,
      });
      expect(person.json.data.prospects).toEqual([
        expect.objectContaining({ prospect_id: secondNumber, role: "Author", is_primary: true }),
        expect.objectContaining({ prospect_id: firstNumber, is_primary: false }),
      ]);

      // A Valethon update shows through Axiomatic at once.
      await valethon("PATCH", `/prospects/${firstNumber}`, {
        name: "Kramerica Industries",
        status: "inactive",
      });
      const renamed = await axiomatic(kit, "GET", `/companies/${first.id}`);
      expect(renamed.json).toMatchObject({ name: "Kramerica Industries", status: "inactive" });
    });

    it("shows one lead through both: an Axiomatic card in Valethon, a Valethon form lead on the board", async () => {
      const stages = (await axiomatic(kit, "GET", "/pipeline-stages")).json.stages;
      const proposal = stages.find((stage: { systemKey: string }) => stage.systemKey === "proposal");
      const card = await axiomatic(kit, "POST", "/leads", {
        body: { title: "Fleet upgrade", stageId: proposal.id, value: 4999.99, email: "fleet@example.com" },
      });
      expect(card.statusCode, card.body).toBe(201);
      const number = await numberOf("leads", card.json.id);
      const seen = await valethon("GET", `/leads/${number}`);
      expect(seen.statusCode, seen.body).toBe(200);
      expect(seen.json.data).toMatchObject({
        lead_id: number,
        uuid: card.json.id,
        email: "fleet@example.com",
        status: "new",
        title: "Fleet upgrade",
        value: 4999.99,
        currency: "USD",
      });

      // A change through Valethon shows on the card, and the card's stage survives it.
      const qualified = await valethon("PATCH", `/leads/${number}`, {
        status: "qualified",
        first_name: "Fay",
      });
      expect(qualified.statusCode, qualified.body).toBe(200);
      const after = await axiomatic(kit, "GET", `/leads/${card.json.id}`);
      expect(after.json).toMatchObject({
        status: "qualified",
        firstName: "Fay",
        stageId: proposal.id,
        title: "Fleet upgrade",
      });

      // A web-form lead through Valethon lands on the board's first open stage, titled by its name.
      const form = await valethon("POST", "/leads", {
        first_name: "Wanda",
        last_name: "Web",
        email: "wanda@example.com",
      });
      expect(form.statusCode, form.body).toBe(201);
      const onBoard = await axiomatic(kit, "GET", `/leads/${form.json.data.uuid}`);
      expect(onBoard.json).toMatchObject({
        title: "Wanda Web",
        email: "wanda@example.com",
        stage: { systemKey: "discovery" },
      });
      const board = (await axiomatic(kit, "GET", "/pipeline-stages")).json.stages;
      expect(board.find((stage: { systemKey: string }) => stage.systemKey === "discovery").leadCount).toBe(1);
      expect(board.find((stage: { systemKey: string }) => stage.systemKey === "proposal").leadCount).toBe(1);

      // Deleted through Axiomatic: gone through Valethon too.
      expect((await axiomatic(kit, "DELETE", `/leads/${card.json.id}`)).statusCode).toBe(204);
      expect((await valethon("GET", `/leads/${number}`)).statusCode).toBe(404);
    });
  });
}
