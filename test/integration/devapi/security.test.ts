import { afterAll, beforeAll, describe, expect } from "vitest";
import { startTestKit, type TestKit } from "../../support/app.js";
import { DEVAPI, devapi } from "../../support/devapi.js";
import { ENGINES } from "../../support/engines.js";
import { type DialectSecuritySpec, securitySuite } from "../../support/security-suite.js";

const ERROR_BODIES = {
  auth: "Unauthorized",
  forbidden: "Forbidden",
  not_found: "Not found",
  rate_limited: "Too many requests",
};

const SOME_UUID = "123e4567-e89b-12d3-a456-426614174000";

let counter = 0;

for (const engine of ENGINES) {
  describe(`Developer API shared security suite (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    const spec: DialectSecuritySpec = {
      name: "Developer API",
      routes: [
        { method: "GET", path: `${DEVAPI}/companies`, permission: "prospects:read" },
        { method: "GET", path: `${DEVAPI}/contacts`, permission: "contacts:read" },
        // The lists have no by-id route, and another workspace's companyId answers [] (the seed's
        // rule; lists.test.ts proves it), so the suite's 404 case has no route to apply to here.
        { method: "GET", path: `${DEVAPI}/contacts?companyId=${SOME_UUID}`, permission: "contacts:read" },
        { method: "GET", path: `${DEVAPI}/conversations`, permission: "conversations:read" },
        {
          method: "GET",
          path: `${DEVAPI}/conversations?companyId=${SOME_UUID}`,
          permission: "conversations:read",
        },
      ],
      credentials: (key) => ({ authorization: `Bearer ${key}` }),
      async createRecord(target, key) {
        const scope = key === target.secretKey ? target.scope : target.other.scope;
        const { createCompany } = await import("../../../src/core/companies/companies.service.js");
        const { createContact } = await import("../../../src/core/contacts/contacts.service.js");
        const company = await createCompany(target.core, scope, { name: `Secure ${++counter}` });
        await createContact(target.core, scope, {
          firstName: "Member",
          email: `member${counter}@suite.test`,
          primaryCompany: { id: company.id },
        });
        return company.id;
      },
      async readRecord(target, key, id) {
        const companies = (await devapi(target, "/companies", { key })).json;
        return companies.find((company: any) => company.id === id);
      },
      expectError(response, status, kind) {
        expect(response.statusCode).toBe(status);
        expect(response.json()).toEqual({ error: ERROR_BODIES[kind] });
      },
    };
    securitySuite(spec, () => kit);
  });
}
