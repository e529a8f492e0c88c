/** The service-status components through the Valethon API (`/service-status`). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const engine of ENGINES) {
  describe(`Valethon service status (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => {
      await kit?.close();
    });

    const api = (
      method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
      path: string,
      body?: unknown,
      key?: string,
    ) => call(kit, method, `${VALETHON}${path}`, { key: key ?? kit.secretKey, body });

    it("creates, lists, reads, updates and deletes components, each with its event", async () => {
      const created = await api("POST", "/service-status/components", {
        name: "Email",
        status: "degraded",
        message: "Delays of up to 10 minutes",
      });
      expect(created.statusCode).toBe(201);
      expect(created.json).toEqual({
        success: true,
        data: {
          component_id: expect.any(Number),
          uuid: expect.stringMatching(UUID),
          name: "Email",
          status: "degraded",
          message: "Delays of up to 10 minutes",
          sort_order: expect.any(Number),
          created_at: expect.stringMatching(TIME),
          updated_at: expect.stringMatching(TIME),
        },
      });
      const id = created.json.data.component_id;
      const vpn = await api("POST", "/service-status/components", { name: "VPN" });
      expect(vpn.json.data).toMatchObject({ status: "operational", message: null });
      const first = await api("POST", "/service-status/components", { name: "Portal", sort_order: -5 });

      const list = await api("GET", "/service-status/components");
      expect(list.json.data.map((component: any) => component.name)).toEqual(["Portal", "Email", "VPN"]);
      const overview = await api("GET", "/service-status");
      expect(overview.json).toEqual({
        success: true,
        data: { status: "degraded", components: list.json.data, updated_at: expect.stringMatching(TIME) },
      });
      expect((await api("GET", `/service-status/components/${id}`)).json.data).toEqual(created.json.data);

      const updated = await api("PATCH", `/service-status/components/${id}`, {
        status: "operational",
        message: null,
      });
      expect(updated.json.data).toMatchObject({ name: "Email", status: "operational", message: null });
      expect((await api("GET", "/service-status")).json.data.status).toBe("operational");

      const removed = await api("DELETE", `/service-status/components/${first.json.data.component_id}`);
      expect(removed.json).toEqual({
        success: true,
        data: { component_id: first.json.data.component_id, deleted: true },
      });
      expect(
        (await api("GET", `/service-status/components/${first.json.data.component_id}`)).statusCode,
      ).toBe(404);

      const events = await kit.core.db
        .selectFrom("events")
        .select(["type", "entity_id"])
        .where("workspace_id", "=", kit.workspace.id)
        .where("type", "like", "service_component.%")
        .orderBy("position")
        .execute();
      expect(events.map((event) => event.type)).toEqual([
        "service_component.created",
        "service_component.created",
        "service_component.created",
        "service_component.updated",
        "service_component.deleted",
      ]);
    });

    it("refuses duplicate names (case-insensitively) and bad values, naming the field", async () => {
      expect((await api("POST", "/service-status/components", { name: "Backups" })).statusCode).toBe(201);
      const duplicate = await api("POST", "/service-status/components", { name: " backups " });
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json).toMatchObject({ code: "DUPLICATE", error: expect.stringMatching(/^name: /) });
      for (const [body, field] of [
        [{ name: "" }, "name"],
        [{ status: "operational" }, "name"],
        [{ name: "X", status: "broken" }, "status"],
        [{ name: "X", message: "m".repeat(501) }, "message"],
        [{ name: "X", sort_order: 1.5 }, "sort_order"],
      ] as const) {
        const response = await api("POST", "/service-status/components", body);
        expect(response.statusCode, JSON.stringify(body)).toBe(400);
        expect(response.json.error).toMatch(new RegExp(`^${field}: `));
      }
    });

    it("keeps workspaces apart and needs settings:manage", async () => {
      const other = await api(
        "POST",
        "/service-status/components",
        { name: "Other's CRM" },
        kit.other.secretKey,
      );
      const id = other.json.data.component_id;
      const mine = await api("GET", "/service-status/components");
      expect(mine.json.data.map((component: any) => component.name)).not.toContain("Other's CRM");
      const intruder = await kit.newWorkspace(`Intruder ${engine}`);
      for (const method of ["GET", "PUT", "DELETE"] as const) {
        const response = await api(
          method,
          `/service-status/components/${id}`,
          method === "PUT" ? { status: "outage" } : undefined,
          intruder.secretKey,
        );
        expect(response.statusCode).toBe(404);
      }
      expect(
        (await api("GET", `/service-status/components/${id}`, undefined, kit.other.secretKey)).json.data
          .status,
      ).toBe("operational");
      const limited = await kit.newKey(kit.scope, { type: "secret", scopes: ["leads:read"] });
      expect((await api("GET", "/service-status", undefined, limited)).statusCode).toBe(403);
    });
  });
}
