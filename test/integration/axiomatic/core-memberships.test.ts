/** The core functions the Axiomatic dialect added, tested without HTTP. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCompany, listCompanies } from "../../../src/core/companies/companies.service.js";
import { createContact, getContactDetails } from "../../../src/core/contacts/contacts.service.js";
import {
  addMembership,
  listMemberships,
  removeMembership,
  updateMembership,
} from "../../../src/core/contacts/memberships.service.js";
import { createUser } from "../../../src/core/users/users.service.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

for (const engine of ENGINES) {
  describe(`core memberships and company filters (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => {
      await kit.close();
    });

    it("keeps the primary membership and the contact's primary company in step", async () => {
      const a = await createCompany(kit.core, kit.scope, { name: "A" });
      const b = await createCompany(kit.core, kit.scope, { name: "B" });
      const contact = await createContact(kit.core, kit.scope, { firstName: "Pat" });
      const first = await addMembership(kit.core, kit.scope, { id: contact.id }, { company: { id: a.id } });
      expect(first.isPrimary).toBe(true);
      const second = await addMembership(
        kit.core,
        kit.scope,
        { id: contact.id },
        {
          company: { id: b.id },
          role: " Buyer ",
          isPrimary: true,
        },
      );
      expect(second).toMatchObject({ role: "Buyer", isPrimary: true });
      const details = await getContactDetails(kit.core, kit.scope, { id: contact.id });
      expect(details.primaryCompany?.id).toBe(b.id);
      expect(details.companies.map((m) => [m.company.id, m.isPrimary])).toEqual([
        [b.id, true],
        [a.id, false],
      ]);
      await updateMembership(kit.core, kit.scope, { id: contact.id }, first.id, { isPrimary: true });
      expect((await getContactDetails(kit.core, kit.scope, { id: contact.id })).primaryCompany?.id).toBe(
        a.id,
      );
      await removeMembership(kit.core, kit.scope, { id: contact.id }, first.id);
      const after = await getContactDetails(kit.core, kit.scope, { id: contact.id });
      expect(after.primaryCompany).toBeNull();
      expect(after.companies.map((m) => m.company.id)).toEqual([b.id]);

      const events = await kit.core.db
        .selectFrom("events")
        .select(["type", "data"])
        .where("entity_id", "=", contact.id)
        .orderBy("position")
        .execute();
      expect(events.map((event) => event.type)).toEqual([
        "contact.created",
        "contact.updated",
        "contact.updated",
        "contact.updated",
        "contact.updated",
      ]);
      const data = events.at(-1)!.data as unknown;
      const last = typeof data === "string" ? JSON.parse(data) : data;
      expect(last.changes.primaryCompany.to).toBeNull();
      expect(last.changes.companies.to).toHaveLength(1);
    });

    it("refuses another workspace's contact, company and membership", async () => {
      const mine = await createContact(kit.core, kit.scope, { firstName: "Mine" });
      const theirs = await createCompany(kit.core, kit.other.scope, { name: "Theirs" });
      await expect(
        addMembership(kit.core, kit.scope, { id: mine.id }, { company: { id: theirs.id } }),
      ).rejects.toMatchObject({ code: "VALIDATION", field: "company" });
      await expect(listMemberships(kit.core, kit.other.scope, { id: mine.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      const company = await createCompany(kit.core, kit.scope, { name: "Own" });
      const membership = await addMembership(
        kit.core,
        kit.scope,
        { id: mine.id },
        { company: { id: company.id } },
      );
      await expect(
        removeMembership(kit.core, kit.other.scope, { id: mine.id }, membership.id),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect(await listMemberships(kit.core, kit.scope, { id: mine.id })).toHaveLength(1);
    });

    it("filters companies by relationship, several statuses and owner", async () => {
      const fresh = await kit.newWorkspace("Core filters");
      const owner = await createUser(kit.core, fresh.scope, {
        username: "o",
        name: "O",
        email: "o@example.com",
      });
      await createCompany(kit.core, fresh.scope, {
        name: "V",
        relationship: "vendor",
        assignee: { id: owner.id },
      });
      await createCompany(kit.core, fresh.scope, { name: "C", relationship: "customer", status: "archived" });
      await createCompany(kit.core, fresh.scope, { name: "P", status: "inactive" });
      const names = async (query: Parameters<typeof listCompanies>[2]) =>
        (await listCompanies(kit.core, fresh.scope, query)).items.map((company) => company.name).sort();
      const page = { page: 1, perPage: 10 };
      expect(await names({ ...page, relationship: "vendor" })).toEqual(["V"]);
      expect(await names({ ...page, status: ["inactive", "archived"] })).toEqual(["C", "P"]);
      expect(await names({ ...page, owner: owner.id })).toEqual(["V"]);
      expect(await names({ ...page, owner: null })).toEqual(["C", "P"]);
      expect((await listCompanies(kit.core, fresh.scope, { ...page, owner: null })).total).toBe(2);
    });
  });
}
