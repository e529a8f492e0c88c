import { afterAll, beforeAll, describe, expect } from "vitest";
import type { Permission } from "../../../src/core/keys/permissions.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import { type DialectSecuritySpec, type SecurityRoute, securitySuite } from "../../support/security-suite.js";

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

/** The same suite for another Valethon resource: its routes, and how to create and read one. */
function resourceSecurity(
  resource: string,
  idField: string,
  read: Permission,
  write: Permission,
  body: () => Record<string, unknown>,
  update: Record<string, unknown>,
  extraRoutes: SecurityRoute[] = [],
): DialectSecuritySpec {
  const base = `${VALETHON}/${resource}`;
  return {
    ...valethonSecurity,
    name: `Valethon ${resource}`,
    routes: [
      { method: "GET", path: base, permission: read },
      { method: "POST", path: base, permission: write, body: body() },
      { method: "GET", path: `${base}/{id}`, permission: read },
      { method: "PUT", path: `${base}/{id}`, permission: write, body: update },
      { method: "PATCH", path: `${base}/{id}`, permission: write, body: update },
      ...extraRoutes,
      { method: "DELETE", path: `${base}/{id}`, permission: write },
    ],
    async createRecord(kit, key) {
      const response = await call(kit, "POST", base, { key, body: body() });
      expect(response.statusCode).toBe(201);
      return String(response.json.data[idField]);
    },
    async readRecord(kit, key, id) {
      return (await call(kit, "GET", `${base}/${id}`, { key })).json;
    },
  };
}

const resourceSpecs = [
  resourceSecurity(
    "contacts",
    "contact_id",
    "contacts:read",
    "contacts:write",
    () => ({ first_name: "Sec", email: `contact${++counter}@suite.test` }),
    { title: "CTO" },
  ),
  resourceSecurity(
    "prospects",
    "prospect_id",
    "prospects:read",
    "prospects:write",
    () => ({ name: `Prospect ${++counter}` }),
    { industry: "MSP" },
    [{ method: "POST", path: `${VALETHON}/prospects/{id}/convert`, permission: "prospects:write" }],
  ),
  resourceSecurity(
    "opportunities",
    "opportunity_id",
    "opportunities:read",
    "opportunities:write",
    () => ({ name: `Deal ${++counter}` }),
    { probability: 30 },
    [{ method: "POST", path: `${VALETHON}/opportunities/{id}/advance`, permission: "opportunities:write" }],
  ),
  resourceSecurity(
    "activities",
    "activity_id",
    "activities:read",
    "activities:write",
    () => ({ type: "call", subject: `Call ${++counter}` }),
    { completed: true },
  ),
  resourceSecurity(
    "widget/intents",
    "intent_id",
    "settings:manage",
    "settings:manage",
    () => ({ name: `Intent ${++counter}`, keywords: ["suite"], reply: "Suite reply" }),
    { priority: 3 },
  ),
  resourceSecurity(
    "service-status/components",
    "component_id",
    "settings:manage",
    "settings:manage",
    () => ({ name: `Component ${++counter}` }),
    { status: "degraded" },
  ),
];

/** The agents' conversation endpoints; a record is a visitor's conversation started through the widget. */
const conversationsSpec: DialectSecuritySpec = {
  ...valethonSecurity,
  name: "Valethon conversations",
  routes: [
    { method: "GET", path: `${VALETHON}/conversations`, permission: "conversations:read" },
    { method: "GET", path: `${VALETHON}/conversations/{id}`, permission: "conversations:read" },
    { method: "GET", path: `${VALETHON}/conversations/{id}/messages`, permission: "conversations:read" },
    {
      method: "POST",
      path: `${VALETHON}/conversations/{id}/messages`,
      permission: "conversations:write",
      body: { text: "Suite reply" },
    },
    {
      method: "POST",
      path: `${VALETHON}/conversations/{id}/assign`,
      permission: "conversations:write",
      body: { assigned_to: null },
    },
    {
      method: "POST",
      path: `${VALETHON}/conversations/{id}/read`,
      permission: "conversations:write",
      body: { read: true },
    },
    {
      method: "PUT",
      path: `${VALETHON}/conversations/{id}/tags`,
      permission: "conversations:write",
      body: { tags: ["suite"] },
    },
    { method: "POST", path: `${VALETHON}/conversations/{id}/close`, permission: "conversations:write" },
  ],
  async createRecord(kit, key) {
    const scope = key === kit.secretKey ? kit.scope : kit.other.scope;
    const publicKey = await kit.newKey(scope, { type: "public_test" });
    const visitor = `v_suite${++counter}`;
    const init = await call(kit, "POST", `${VALETHON}/widget/init`, {
      key: publicKey,
      body: { visitor_id: visitor },
    });
    expect(init.statusCode).toBe(200);
    const row = await kit.core.db
      .selectFrom("conversations")
      .select("seq")
      .where("workspace_id", "=", scope.workspaceId)
      .where("visitor_id", "=", visitor)
      .executeTakeFirstOrThrow();
    return String(row.seq);
  },
  async readRecord(kit, key, id) {
    return (await call(kit, "GET", `${VALETHON}/conversations/${id}`, { key })).json;
  },
};

/** Widget settings: one per workspace, so no record routes. */
const widgetSettingsSpec: DialectSecuritySpec = {
  ...valethonSecurity,
  name: "Valethon widget settings",
  routes: [
    { method: "GET", path: `${VALETHON}/widget/settings`, permission: "settings:manage" },
    {
      method: "PUT",
      path: `${VALETHON}/widget/settings`,
      permission: "settings:manage",
      body: { greeting: "Hi" },
    },
    { method: "GET", path: `${VALETHON}/service-status`, permission: "settings:manage" },
  ],
};

for (const engine of ENGINES) {
  describe(`on ${engine}`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());
    securitySuite(valethonSecurity, () => kit);
    for (const spec of resourceSpecs) securitySuite(spec, () => kit);
    securitySuite(conversationsSpec, () => kit);
    securitySuite(widgetSettingsSpec, () => kit);
  });
}
