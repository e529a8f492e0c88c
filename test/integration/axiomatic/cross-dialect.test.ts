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

    const valethon = (method: "GET" | "POST" | "PATCH", path: string, body?: unknown) =>
      call(kit, method, `${VALETHON}${path}`, { key: kit.secretKey, body });
    const uuidOf = async (table: "companies" | "contacts", number: number) =>
      (
        await kit.core.db
          .selectFrom(table)
          .select("id")
          .where("workspace_id", "=", kit.workspace.id)
          .where("seq", "=", number)
          .executeTakeFirstOrThrow()
      ).id;
    const numberOf = async (table: "companies" | "contacts", id: string) =>
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
  });
}
