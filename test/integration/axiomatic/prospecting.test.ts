import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMarketingList,
  listListMembers,
} from "../../../src/core/marketing-lists/marketing-lists.service.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { axiomatic } from "../../support/axiomatic.js";
import { ENGINES } from "../../support/engines.js";

const MISSING = "0190a7c4-0000-7000-8000-000000000000";

for (const engine of ENGINES) {
  describe(`Axiomatic add-to-marketing-list (${engine})`, () => {
    let kit: TestKit;
    let listId: string;
    let companies: string[];
    let contact: string;
    beforeAll(async () => {
      kit = await startTestKit(engine);
      listId = (await createMarketingList(kit.core, kit.scope, { name: "Q1 prospects" })).id;
      companies = [];
      for (const name of ["Acme", "Globex", "Initech"])
        companies.push((await axiomatic(kit, "POST", "/companies", { body: { name } })).json.id);
      contact = (await axiomatic(kit, "POST", "/contacts", { body: { email: "ada@example.com" } })).json.id;
    });
    afterAll(async () => kit?.close());

    const add = (body: unknown, options: { key?: string; entityId?: string } = {}) =>
      axiomatic(kit, "POST", "/prospecting/add-to-marketing-list", { body, ...options });
    const members = async () =>
      (await listListMembers(kit.core, kit.scope, { id: listId }, { page: 1, perPage: 100 })).total;

    it("adds companies and contacts idempotently, counting those already on the list", async () => {
      const first = await add({ listId, companyIds: companies.slice(0, 2), contactIds: [contact] });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json).toEqual({ listId, added: 3, alreadyMembers: 0 });
      const again = await add({ listId, companyIds: [...companies, companies[0]], contactIds: [contact] });
      expect(again.json).toEqual({ listId, added: 1, alreadyMembers: 3 });
      expect(await members()).toBe(4);
    });

    it("rejects bad input naming the field, leaving the list as it was", async () => {
      const before = await members();
      const cases: [unknown, string][] = [
        [{ companyIds: companies }, "listId: is required"],
        [{ listId: "nope", companyIds: companies }, "listId: must match format uuid"],
        [{ listId, companyIds: "x" }, "companyIds: must be a list"],
        [{ listId, companyIds: [companies[0], companies[1], "nope"] }, "companyIds[2]: must be a record id"],
        [
          { listId, companyIds: companies, contactIds: [MISSING] },
          `contactIds[0]: no contact with id ${MISSING} in this workspace`,
        ],
      ];
      for (const [body, error] of cases) {
        const response = await add(body);
        expect({ body, status: response.statusCode, json: response.json }).toEqual({
          body,
          status: 400,
          json: { error },
        });
      }
      expect(await members()).toBe(before);
    });

    it("adds nothing, with 200, when only listId is given (the document's sample)", async () => {
      const response = await add({ listId });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json).toEqual({ listId, added: 0, alreadyMembers: 0 });
      const unknown = await add({ listId: MISSING });
      expect(unknown.statusCode).toBe(404);
    });

    it("answers 404 for an unknown list", async () => {
      const response = await add({ listId: MISSING, companyIds: companies });
      expect(response.statusCode).toBe(404);
      expect(response.json).toEqual({ error: "marketing list not found" });
    });

    it("refuses another entity and a key without prospects:write", async () => {
      const mismatch = await add({ listId, companyIds: companies }, { entityId: kit.other.workspace.id });
      expect(mismatch.statusCode).toBe(403);
      expect(mismatch.json).toEqual({ error: "entityId: does not match the API key's entity" });
      const reader = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["read:crm"],
        rateLimit: 100_000,
      });
      const refused = await add({ listId, companyIds: companies }, { key: reader });
      expect(refused.statusCode).toBe(403);
      expect(refused.json).toEqual({ error: "this key lacks the prospects:write permission" });
    });

    it("never reaches another workspace's list or records", async () => {
      const other = { key: kit.other.secretKey, entityId: kit.other.workspace.id };
      const foreignList = await add({ listId, companyIds: companies }, other);
      expect(foreignList.statusCode).toBe(404);
      const theirList = (await createMarketingList(kit.core, kit.other.scope, { name: "Theirs" })).id;
      const foreignCompany = await add({ listId: theirList, companyIds: [companies[0]] }, other);
      expect(foreignCompany.statusCode).toBe(400);
      expect(foreignCompany.json).toEqual({
        error: `companyIds[0]: no company with id ${companies[0]} in this workspace`,
      });
      expect(
        (await listListMembers(kit.core, kit.other.scope, { id: theirList }, { page: 1, perPage: 10 })).total,
      ).toBe(0);
    });
  });
}
