import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestKit, type TestKit } from "../../support/app.js";
import { axiomatic } from "../../support/axiomatic.js";
import { ENGINES } from "../../support/engines.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MISSING = "0190a7c4-0000-7000-8000-000000000000";

for (const engine of ENGINES) {
  describe(`Axiomatic contacts and memberships (${engine})`, () => {
    let kit: TestKit;
    let acme: string;
    let globex: string;
    beforeAll(async () => {
      kit = await startTestKit(engine);
      acme = (await api("POST", "/companies", { name: "Acme" })).json.id;
      globex = (await api("POST", "/companies", { name: "Globex" })).json.id;
    });
    afterAll(async () => {
      await kit.close();
    });

    const api = (method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown) =>
      axiomatic(kit, method, path, { body });

    it("creates, reads, patches and deletes a contact", async () => {
      const created = await api("POST", "/contacts", {
        firstName: "Ada",
        lastName: "Lovelace",
        email: "ada@example.com",
        phone: "+44 20 7946 0000",
        title: "CTO",
        companyId: acme,
      });
      expect(created.statusCode).toBe(201);
      expect(created.json).toEqual({
        id: expect.stringMatching(UUID),
        firstName: "Ada",
        lastName: "Lovelace",
        email: "ada@example.com",
        phone: "+44 20 7946 0000",
        title: "CTO",
        companyId: acme,
        ownerUserId: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const id = created.json.id;
      expect((await api("GET", `/contacts/${id}`)).json).toEqual(created.json);
      const patched = await api("PATCH", `/contacts/${id}`, { title: "CEO", phone: null });
      expect(patched.statusCode).toBe(200);
      expect(patched.json).toMatchObject({ firstName: "Ada", title: "CEO", phone: null, companyId: acme });
      const deleted = await api("DELETE", `/contacts/${id}`);
      expect(deleted.statusCode).toBe(204);
      expect(deleted.body).toBe("");
      expect((await api("GET", `/contacts/${id}`)).statusCode).toBe(404);
      expect((await api("DELETE", `/contacts/${id}`)).statusCode).toBe(404);
    });

    it("creates a contact from an empty body, as the document's sample does", async () => {
      const blank = await api("POST", "/contacts", {});
      expect(blank.statusCode, blank.body).toBe(201);
      expect(blank.json).toMatchObject({ firstName: null, lastName: null, email: null, companyId: null });
      expect((await api("GET", `/contacts/${blank.json.id}`)).json).toEqual(blank.json);
    });

    it("rejects bad contacts naming the field", async () => {
      const cases: [unknown, number, string][] = [
        [{ email: "nope" }, 400, "email: must be a valid email address"],
        [{ firstName: "A", companyId: "x" }, 400, "companyId: must match format uuid"],
        [{ firstName: "A", companyId: MISSING }, 400, "companyId: no such company in this workspace"],
        [{ firstName: "A", ownerUserId: MISSING }, 400, "ownerUserId: no such user in this workspace"],
        [{ firstName: "x".repeat(101) }, 400, "firstName: must be at most 100 characters"],
      ];
      for (const [body, status, error] of cases) {
        const response = await api("POST", "/contacts", body);
        expect({ body, status: response.statusCode, json: response.json }).toEqual({
          body,
          status,
          json: { error },
        });
      }
      await api("POST", "/contacts", { email: "taken@example.com" });
      const duplicate = await api("POST", "/contacts", { email: "TAKEN@example.com" });
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json).toEqual({ error: "email: a contact with this email already exists" });
      expect((await api("PATCH", `/contacts/${MISSING}`, { firstName: "Z" })).statusCode).toBe(404);
    });

    it("lists contacts with companyId, q and paging, and a company's contacts", async () => {
      const fresh = await kit.newWorkspace("Contacts list");
      const scoped = { ...kit, ...fresh };
      const call = (method: "GET" | "POST", path: string, body?: unknown) =>
        axiomatic(scoped, method, path, { body });
      const company = (await call("POST", "/companies", { name: "Hooli" })).json.id;
      const other = (await call("POST", "/companies", { name: "Pied Piper" })).json.id;
      const gavin = (await call("POST", "/contacts", { firstName: "Gavin", companyId: company })).json.id;
      const richard = (await call("POST", "/contacts", { firstName: "Richard", companyId: other })).json.id;
      await call("POST", `/contacts/${richard}/company-memberships`, {
        companyId: company,
        title: "Advisor",
      });
      await call("POST", "/contacts", { firstName: "Jared" });

      const all = await call("GET", "/contacts");
      expect(all.json).toMatchObject({ total: 3, page: 1, pageSize: 25 });
      const ofCompany = await call("GET", `/contacts?companyId=${company}`);
      expect(ofCompany.json.contacts.map((c: { id: string }) => c.id).sort()).toEqual(
        [gavin, richard].sort(),
      );
      expect((await call("GET", `/contacts?companyId=${MISSING}`)).json.total).toBe(0);
      expect((await call("GET", "/contacts?q=gav")).json.contacts.map((c: { id: string }) => c.id)).toEqual([
        gavin,
      ]);
      const paged = await call("GET", "/contacts?limit=2");
      expect(paged.json).toMatchObject({ total: 3, pageSize: 2 });
      expect(paged.json.contacts).toHaveLength(2);
      const members = await call("GET", `/companies/${company}/contacts`);
      expect(members.statusCode).toBe(200);
      expect(members.json.total).toBe(2);
      expect(members.json.contacts.map((c: { firstName: string }) => c.firstName).sort()).toEqual([
        "Gavin",
        "Richard",
      ]);
      expect((await call("GET", "/contacts?companyId=bad")).json).toEqual({
        error: "companyId: must match format uuid",
      });

      // The first workspace sees none of these.
      expect((await api("GET", `/contacts/${gavin}`)).statusCode).toBe(404);
      expect((await api("GET", `/companies/${company}/contacts`)).statusCode).toBe(404);
      expect((await api("GET", `/contacts/${gavin}/company-memberships`)).statusCode).toBe(404);
    });

    it("adds, lists, updates and removes memberships, keeping one primary", async () => {
      const contact = (await api("POST", "/contacts", { firstName: "Grace" })).json.id;
      const path = `/contacts/${contact}/company-memberships`;
      expect((await api("GET", path)).json).toEqual({ memberships: [] });

      // The first membership of a contact without a company becomes primary.
      const first = await api("POST", path, { companyId: acme, title: "Engineer" });
      expect(first.statusCode).toBe(201);
      expect(first.json).toEqual({
        id: expect.stringMatching(UUID),
        contactId: contact,
        companyId: acme,
        companyName: "Acme",
        title: "Engineer",
        isPrimary: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect((await api("GET", `/contacts/${contact}`)).json.companyId).toBe(acme);

      const second = await api("POST", path, { companyId: globex });
      expect(second.json).toMatchObject({ companyId: globex, title: null, isPrimary: false });
      const duplicate = await api("POST", path, { companyId: acme });
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json).toEqual({ error: "companyId: the contact is already a member of this company" });

      // Promoting the second demotes the first and moves the contact's company.
      const promoted = await api("PATCH", `${path}/${second.json.id}`, { isPrimary: true, title: "Advisor" });
      expect(promoted.statusCode).toBe(200);
      expect(promoted.json).toMatchObject({ isPrimary: true, title: "Advisor" });
      const list = await api("GET", path);
      expect(
        list.json.memberships.map((m: { companyId: string; isPrimary: boolean }) => [
          m.companyId,
          m.isPrimary,
        ]),
      ).toEqual([
        [globex, true],
        [acme, false],
      ]);
      expect((await api("GET", `/contacts/${contact}`)).json.companyId).toBe(globex);
      expect(
        (await api("GET", `/contacts?companyId=${acme}`)).json.contacts.map((c: { id: string }) => c.id),
      ).toContain(contact);

      // Unsetting the flag leaves no primary company.
      const unset = await api("PATCH", `${path}/${second.json.id}`, { isPrimary: false });
      expect(unset.json.isPrimary).toBe(false);
      expect((await api("GET", `/contacts/${contact}`)).json.companyId).toBeNull();

      // Removing every membership keeps the contact.
      await api("PATCH", `${path}/${first.json.id}`, { isPrimary: true });
      const removed = await api("DELETE", `${path}/${first.json.id}`);
      expect(removed.statusCode).toBe(204);
      expect((await api("GET", `/contacts/${contact}`)).json.companyId).toBeNull();
      expect((await api("DELETE", `${path}/${second.json.id}`)).statusCode).toBe(204);
      expect((await api("GET", path)).json).toEqual({ memberships: [] });
      const still = await api("GET", `/contacts/${contact}`);
      expect(still.statusCode).toBe(200);
      expect(still.json.firstName).toBe("Grace");

      // Each change was recorded as a contact.updated event.
      const events = await kit.core.db
        .selectFrom("events")
        .select("type")
        .where("entity_id", "=", contact)
        .where("type", "=", "contact.updated")
        .execute();
      expect(events.length).toBe(7);
    });

    it("validates memberships and answers 404 for unknown contacts and memberships", async () => {
      const contact = (await api("POST", "/contacts", { firstName: "Linus" })).json.id;
      const path = `/contacts/${contact}/company-memberships`;
      const cases: [string, string, unknown, number, string][] = [
        ["POST", path, {}, 400, "companyId: is required"],
        ["POST", path, { companyId: "x" }, 400, "companyId: must match format uuid"],
        ["POST", path, { companyId: MISSING }, 400, "companyId: no such company in this workspace"],
        ["POST", path, { companyId: acme, isPrimary: "yes" }, 400, "isPrimary: must be true or false"],
        [
          "POST",
          path,
          { companyId: acme, title: "t".repeat(101) },
          400,
          "title: must be at most 100 characters",
        ],
        ["POST", `/contacts/${MISSING}/company-memberships`, { companyId: acme }, 404, "contact not found"],
        ["GET", `/contacts/${MISSING}/company-memberships`, undefined, 404, "contact not found"],
        ["PATCH", `${path}/${MISSING}`, { title: "x" }, 404, "membership not found"],
        ["DELETE", `${path}/${MISSING}`, undefined, 404, "membership not found"],
        ["DELETE", `${path}/bad`, undefined, 400, "membershipId: must match format uuid"],
      ];
      for (const [method, url, body, status, error] of cases) {
        const response = await api(method as "GET", url, body);
        expect({ method, url, status: response.statusCode, json: response.json }).toEqual({
          method,
          url,
          status,
          json: { error },
        });
      }
      // Another contact's membership is not reachable through this contact.
      const other = (await api("POST", "/contacts", { firstName: "Other", companyId: globex })).json.id;
      const [membership] = (await api("GET", `/contacts/${other}/company-memberships`)).json.memberships;
      expect((await api("PATCH", `${path}/${membership.id}`, { title: "x" })).statusCode).toBe(404);
      // Nor through another workspace.
      const foreign = await axiomatic(
        kit,
        "DELETE",
        `/contacts/${other}/company-memberships/${membership.id}`,
        {
          key: kit.other.secretKey,
          entityId: kit.other.workspace.id,
        },
      );
      expect(foreign.statusCode).toBe(404);
    });
  });
}
