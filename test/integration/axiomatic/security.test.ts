import { afterAll, beforeAll, describe, expect } from "vitest";
import { startTestKit, type TestKit } from "../../support/app.js";
import { AXIOMATIC, axiomatic } from "../../support/axiomatic.js";
import { ENGINES } from "../../support/engines.js";
import { type DialectSecuritySpec, securitySuite } from "../../support/security-suite.js";

/**
 * Axiomatic requests name their entity, which must be the key's workspace; the suite creates keys
 * as it goes, so the kit handed to it remembers each key's workspace for `credentials`.
 */
function entityAware(kit: TestKit) {
  const workspaceOf = new Map<string, string>([
    [kit.secretKey, kit.workspace.id],
    [kit.other.secretKey, kit.other.workspace.id],
  ]);
  const wrapped: TestKit = {
    ...kit,
    newKey: async (scope, input) => {
      const key = await kit.newKey(scope, input);
      workspaceOf.set(key, scope.workspaceId);
      return key;
    },
    newWorkspace: async (name) => {
      const created = await kit.newWorkspace(name);
      workspaceOf.set(created.secretKey, created.workspace.id);
      return created;
    },
  };
  return { wrapped, entityOf: (key: string) => workspaceOf.get(key) ?? kit.workspace.id };
}

let counter = 0;

for (const engine of ENGINES) {
  describe(`Axiomatic shared security suite (${engine})`, () => {
    let kit: TestKit;
    let aware: ReturnType<typeof entityAware>;
    beforeAll(async () => {
      kit = await startTestKit(engine);
      aware = entityAware(kit);
    });
    afterAll(async () => kit?.close());

    const spec: DialectSecuritySpec = {
      name: "Axiomatic",
      routes: [
        { method: "GET", path: `${AXIOMATIC}/contacts`, permission: "contacts:read" },
        {
          method: "POST",
          path: `${AXIOMATIC}/contacts`,
          permission: "contacts:write",
          body: { firstName: "S" },
        },
        { method: "GET", path: `${AXIOMATIC}/contacts/{id}`, permission: "contacts:read" },
        {
          method: "PATCH",
          path: `${AXIOMATIC}/contacts/{id}`,
          permission: "contacts:write",
          body: { title: "T" },
        },
        {
          method: "GET",
          path: `${AXIOMATIC}/contacts/{id}/company-memberships`,
          permission: "contacts:read",
        },
        { method: "GET", path: `${AXIOMATIC}/companies`, permission: "prospects:read" },
        {
          method: "POST",
          path: `${AXIOMATIC}/companies`,
          permission: "prospects:write",
          body: { name: "S" },
        },
        { method: "GET", path: `${AXIOMATIC}/dashboard`, permission: "leads:read" },
        {
          method: "POST",
          path: `${AXIOMATIC}/prospecting/add-to-marketing-list`,
          permission: "prospects:write",
          body: { listId: "0190a7c4-0000-7000-8000-000000000000", contactIds: [] },
        },
        { method: "GET", path: `${AXIOMATIC}/activities`, permission: "activities:read" },
        {
          method: "POST",
          path: `${AXIOMATIC}/activities`,
          permission: "activities:write",
          body: { type: "note", subject: "S" },
        },
        { method: "GET", path: `${AXIOMATIC}/tasks`, permission: "activities:read" },
        { method: "GET", path: `${AXIOMATIC}/outbound-email-connections`, permission: "leads:read" },
        {
          method: "POST",
          path: `${AXIOMATIC}/outbound-email`,
          permission: "leads:write",
          body: { connectionId: "0190a7c4-0000-7000-8000-000000000000", subject: "S", htmlBody: "<p>S</p>" },
        },
        { method: "GET", path: `${AXIOMATIC}/leads`, permission: "leads:read" },
        { method: "POST", path: `${AXIOMATIC}/leads`, permission: "leads:write", body: { title: "S" } },
        { method: "GET", path: `${AXIOMATIC}/pipeline-stages`, permission: "opportunities:read" },
        {
          method: "POST",
          path: `${AXIOMATIC}/pipeline-stages`,
          permission: "opportunities:write",
          body: { name: "S" },
        },
        { method: "DELETE", path: `${AXIOMATIC}/contacts/{id}`, permission: "contacts:write" },
      ],
      credentials: (key) => ({ authorization: `Bearer ${key}`, "x-entity-id": aware.entityOf(key) }),
      async createRecord(target, key) {
        const entityId = aware.entityOf(key);
        const response = await axiomatic(target, "POST", "/contacts", {
          key,
          entityId,
          body: { email: `sec${++counter}@suite.test` },
        });
        expect(response.statusCode).toBe(201);
        return response.json.id;
      },
      async readRecord(target, key, id) {
        return (await axiomatic(target, "GET", `/contacts/${id}`, { key, entityId: aware.entityOf(key) }))
          .json;
      },
      expectError(response, status) {
        expect(response.statusCode).toBe(status);
        const body = response.json();
        expect(body).toEqual({ error: expect.any(String) });
      },
    };
    securitySuite(spec, () => aware.wrapped);
  });
}
