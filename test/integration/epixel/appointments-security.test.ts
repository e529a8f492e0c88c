/**
 * The shared security suite on the Epixel appointment routes (E3, E5, E6, E7): missing, unknown,
 * revoked and suspended keys, a key without `activities:read` / `activities:write`, public keys and
 * rate limits. Another workspace's appointment ids are covered in appointments.test.ts (the ids
 * travel in the body, which the shared suite does not template).
 */
import { afterAll, beforeAll, describe, expect } from "vitest";
import {
  createAppointment,
  findAppointmentByNumber,
} from "../../../src/core/appointments/appointments.service.js";
import { createLead } from "../../../src/core/leads/leads.service.js";
import { parseWallTime } from "../../../src/core/shared/time-zone.js";
import { createUser } from "../../../src/core/users/users.service.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import { accessTokenFor, EPIXEL } from "../../support/epixel.js";
import { type DialectSecuritySpec, securitySuite } from "../../support/security-suite.js";

let counter = 0;

for (const engine of ENGINES) {
  describe(`Epixel appointments security suite (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    const users = new Map<string, string>();
    const workspaceOf = async (key: string) =>
      (await kit.core.keys.verify(key))?.workspaceId ?? kit.workspace.id;
    const userOf = async (workspaceId: string) => {
      let userId = users.get(workspaceId);
      if (!userId) {
        counter += 1;
        const user = await createUser(
          kit.core,
          { workspaceId, actor: "test" },
          { username: `apsec${counter}`, name: "Sec", email: `apsec${counter}@example.com`, role: "admin" },
        );
        userId = user.id;
        users.set(workspaceId, userId);
      }
      return userId;
    };

    const spec: DialectSecuritySpec = {
      name: "Epixel appointments",
      routes: [
        { method: "GET", path: `${EPIXEL}/leads/appointments/list/`, permission: "activities:read" },
        {
          method: "POST",
          path: `${EPIXEL}/leads/create/appointment/`,
          permission: "activities:write",
          body: { slug: "nope-1", appointment_date: "2030-01-01 10:00", appointment_to: "2030-01-01 11:00" },
        },
        {
          method: "POST",
          path: `${EPIXEL}/leads/update/appointment/`,
          permission: "activities:write",
          body: { appointment_id: "999999", appointment_note: "x" },
        },
        {
          method: "POST",
          path: `${EPIXEL}/leads/delete/appointment/`,
          permission: "activities:write",
          body: { appointment_id: "999999" },
        },
      ],
      credentials: async (key) => {
        const workspaceId = await workspaceOf(key);
        const userId = await userOf(workspaceId);
        return { apikey: key, authorization: `Bearer ${await accessTokenFor(kit, workspaceId, userId)}` };
      },
      createRecord: async (kit, secretKey) => {
        counter += 1;
        const workspaceId = await workspaceOf(secretKey);
        const userId = await userOf(workspaceId);
        const scope = { workspaceId, actor: userId };
        const lead = await createLead(
          kit.core,
          scope,
          { firstName: "Sec", lastName: `Lead${counter}`, email: `apseclead${counter}@example.com` },
          { ownerUserId: userId },
        );
        const day = `2030-01-${String((counter % 28) + 1).padStart(2, "0")}`;
        const appointment = await createAppointment(
          kit.core,
          scope,
          { id: userId, role: "admin" },
          {
            leadSlug: lead.slug,
            startsAt: parseWallTime(`${day} ${String(counter % 24).padStart(2, "0")}:00`)!,
            endsAt: parseWallTime(`${day} ${String(counter % 24).padStart(2, "0")}:30`)!,
          },
        );
        return String(appointment.number);
      },
      readRecord: async (kit, secretKey, id) =>
        findAppointmentByNumber(
          kit.core,
          { workspaceId: await workspaceOf(secretKey), actor: "test" },
          Number(id),
        ),
      expectError: (response, status, kind) => {
        const body = response.json();
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
