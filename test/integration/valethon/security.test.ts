import { afterAll, beforeAll, describe, expect } from "vitest";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import { type DialectSecuritySpec, securitySuite } from "../../support/security-suite.js";

let counter = 0;

export const valethonSecurity: DialectSecuritySpec = {
  name: "Valethon",
  routes: [
    { method: "GET", path: `${VALETHON}/leads`, permission: "leads:read" },
    { method: "POST", path: `${VALETHON}/leads`, permission: "leads:write", body: { phone: "+1 555 0100" } },
    { method: "GET", path: `${VALETHON}/leads/{id}`, permission: "leads:read" },
    { method: "PUT", path: `${VALETHON}/leads/{id}`, permission: "leads:write", body: { score: 5 } },
    { method: "PATCH", path: `${VALETHON}/leads/{id}`, permission: "leads:write", body: { score: 6 } },
    { method: "DELETE", path: `${VALETHON}/leads/{id}`, permission: "leads:delete" },
  ],
  credentials: (key) => ({ "x-api-key": key }),
  async createRecord(kit, key) {
    const response = await call(kit, "POST", `${VALETHON}/leads`, {
      key,
      body: { email: `sec${++counter}@suite.test` },
    });
    expect(response.statusCode).toBe(201);
    return String(response.json.data.lead_id);
  },
  async readRecord(kit, key, id) {
    return (await call(kit, "GET", `${VALETHON}/leads/${id}`, { key })).json;
  },
  expectError(response, status, kind) {
    expect(response.statusCode).toBe(status);
    const body = response.json();
    const code = {
      auth: "AUTH_REQUIRED",
      forbidden: "FORBIDDEN",
      not_found: "NOT_FOUND",
      rate_limited: "RATE_LIMITED",
    }[kind];
    expect(body).toMatchObject({ success: false, code, error: expect.any(String) });
    expect(Object.keys(body).sort()).toEqual(["code", "error", "request_id", "success"]);
    expect(response.headers["x-request-id"]).toBe(body.request_id);
  },
};

for (const engine of ENGINES) {
  describe(`on ${engine}`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());
    securitySuite(valethonSecurity, () => kit);
  });
}
