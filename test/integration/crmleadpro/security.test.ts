import { afterAll, beforeAll, describe, expect } from "vitest";
import { startTestKit, type TestKit } from "../../support/app.js";
import { CRMLEADPRO, crmleadpro } from "../../support/crmleadpro.js";
import { ENGINES } from "../../support/engines.js";
import { type DialectSecuritySpec, securitySuite } from "../../support/security-suite.js";

const ERROR_CODES = {
  auth: "unauthorized",
  forbidden: "forbidden",
  not_found: "not_found",
  rate_limited: "rate_limited",
};

let counter = 0;

for (const engine of ENGINES) {
  describe(`CRMLead Pro shared security suite (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    const spec: DialectSecuritySpec = {
      name: "CRMLead Pro",
      routes: [
        { method: "GET", path: `${CRMLEADPRO}/leads`, permission: "leads:read" },
        {
          method: "POST",
          path: `${CRMLEADPRO}/leads`,
          permission: "leads:write",
          body: { name: "S", phone: "+1 555 0100" },
        },
        { method: "GET", path: `${CRMLEADPRO}/leads/{id}`, permission: "leads:read" },
        { method: "PATCH", path: `${CRMLEADPRO}/leads/{id}`, permission: "leads:write", body: { score: 5 } },
        { method: "POST", path: `${CRMLEADPRO}/leads/{id}/restore`, permission: "leads:write" },
        { method: "GET", path: `${CRMLEADPRO}/pipelines`, permission: "opportunities:read" },
        { method: "GET", path: `${CRMLEADPRO}/deals`, permission: "opportunities:read" },
        {
          method: "POST",
          path: `${CRMLEADPRO}/deals`,
          permission: "opportunities:write",
          body: { name: "S" },
        },
        { method: "GET", path: `${CRMLEADPRO}/contacts`, permission: "contacts:read" },
        { method: "GET", path: `${CRMLEADPRO}/analytics/pipeline`, permission: "leads:read" },
        { method: "GET", path: `${CRMLEADPRO}/webhooks`, permission: "webhooks:manage" },
        { method: "DELETE", path: `${CRMLEADPRO}/leads/{id}`, permission: "leads:delete" },
      ],
      credentials: (key) => ({ authorization: `Bearer ${key}` }),
      async createRecord(target, key) {
        const response = await crmleadpro(target, "POST", "/leads", {
          key,
          body: { name: "Secure Lead", email: `sec${++counter}@suite.test` },
        });
        expect(response.statusCode).toBe(201);
        return response.json.id;
      },
      async readRecord(target, key, id) {
        const { history: _history, ...lead } = (await crmleadpro(target, "GET", `/leads/${id}`, { key }))
          .json;
        return lead;
      },
      expectError(response, status, kind) {
        expect(response.statusCode).toBe(status);
        expect(response.json()).toEqual({
          error: { code: ERROR_CODES[kind], message: expect.any(String), field: null },
        });
      },
    };
    securitySuite(spec, () => kit);
  });
}
