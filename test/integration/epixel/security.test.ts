/**
 * The shared security suite on the Epixel dialect. Credentials are the `apikey` header plus an
 * access JWT of a user of the key's workspace (signed as the server signs them), so every case
 * exercises the apikey check in front of a valid token.
 */
import { afterAll, beforeAll, describe, expect } from "vitest";
import { findLeadBySlug } from "../../../src/core/leads/lead-slugs.js";
import { createLead } from "../../../src/core/leads/leads.service.js";
import { createUser } from "../../../src/core/users/users.service.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import { accessTokenFor, EPIXEL } from "../../support/epixel.js";
import { type DialectSecuritySpec, securitySuite } from "../../support/security-suite.js";

let counter = 0;

for (const engine of ENGINES) {
  describe(`Epixel shared security suite (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    const users = new Map<string, string>();
    const workspaceOf = async (key: string) =>
      (await kit.core.keys.verify(key))?.workspaceId ?? kit.workspace.id;

    const spec: DialectSecuritySpec = {
      name: "Epixel",
      routes: [
        { method: "GET", path: `${EPIXEL}/leads/overview/`, permission: "leads:read" },
        { method: "GET", path: `${EPIXEL}/leads/list/`, permission: "leads:read" },
        { method: "GET", path: `${EPIXEL}/leads/view/lead/?slug={id}`, permission: "leads:read" },
        {
          method: "POST",
          path: `${EPIXEL}/leads/create/lead/`,
          permission: "leads:write",
          body: { first_name: "S", last_name: "T", email: "sec@example.com", phone: "+15550100" },
        },
        {
          method: "POST",
          path: `${EPIXEL}/leads/update/lead/`,
          permission: "leads:write",
          body: { slug: "nope-1", first_name: "S", last_name: "T", email: "sec2@example.com", phone: "1" },
        },
        {
          method: "POST",
          path: `${EPIXEL}/leads/delete/lead/`,
          permission: "leads:delete",
          body: { slug: "nope-1" },
        },
        {
          method: "POST",
          path: `${EPIXEL}/leads/create/leadnote/`,
          permission: "leads:write",
          body: { slug: "nope-1", note: "x" },
        },
        {
          method: "POST",
          path: `${EPIXEL}/leads/delete/leadnote/`,
          permission: "leads:write",
          body: { note_id: "1" },
        },
      ],
      credentials: async (key) => {
        const workspaceId = await workspaceOf(key);
        let userId = users.get(workspaceId);
        if (!userId) {
          counter += 1;
          const user = await createUser(
            kit.core,
            { workspaceId, actor: "test" },
            { username: `sec${counter}`, name: "Sec", email: `sec${counter}@example.com`, role: "admin" },
          );
          userId = user.id;
          users.set(workspaceId, userId);
        }
        return { apikey: key, authorization: `Bearer ${await accessTokenFor(kit, workspaceId, userId)}` };
      },
      createRecord: async (kit, secretKey) => {
        counter += 1;
        const workspaceId = await workspaceOf(secretKey);
        const lead = await createLead(
          kit.core,
          { workspaceId, actor: "test" },
          { firstName: "Sec", lastName: `Lead${counter}`, email: `seclead${counter}@example.com` },
        );
        return lead.slug;
      },
      readRecord: async (kit, secretKey, slug) =>
        findLeadBySlug(kit.core.db, { workspaceId: await workspaceOf(secretKey), actor: "test" }, slug),
      expectError: (response, status, kind) => {
        const body = response.json();
        if (kind === "not_found") {
          // Epixel names an unknown lead as a field error: another workspace's slug is "invalid".
          expect(response.statusCode, response.body).toBe(400);
          expect(body).toEqual({
            status_code: 400,
            errors: { slug: ["Requested slug is invalid."] },
            data: {},
          });
          return;
        }
        expect(response.statusCode, response.body).toBe(status);
        expect(body.status_code).toBe(status);
        expect(body.data).toEqual({});
        expect(typeof body.errors.detail).toBe("string");
        if (kind === "auth") expect(body.errors.detail).toBe("Invalid or missing apikey.");
      },
    };
    securitySuite(spec, () => kit);
  });
}
