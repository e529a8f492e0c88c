import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

for (const engine of ENGINES) {
  describe(`Valethon custom fields on ${engine}`, () => {
    let kit: TestKit;
    const fields = `${VALETHON}/custom-fields`;
    const leads = `${VALETHON}/leads`;
    const req = (
      method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
      url: string,
      body?: unknown,
      key = kit.secretKey,
    ) => call(kit, method, url, { key, body });
    const define = async (body: Record<string, unknown>) => {
      const response = await req("POST", fields, body);
      expect(response.statusCode, JSON.stringify(response.json)).toBe(201);
      return response.json.data;
    };
    const expectInvalid = (response: { statusCode: number; json: any }, field: string) => {
      expect(response.statusCode, JSON.stringify(response.json)).toBe(400);
      expect(response.json).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
      expect(response.json.error.startsWith(`${field}:`), response.json.error).toBe(true);
    };

    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    it("creates a definition and answers exactly the documented 201 body", async () => {
      const response = await req("POST", fields, {
        entity_type: "lead",
        field_key: "budget",
        label: "Budget",
        field_type: "number",
        required: false,
      });
      expect(response.statusCode).toBe(201);
      expect(response.json).toEqual({
        success: true,
        data: {
          field_id: 1,
          uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          entity_type: "lead",
          field_key: "budget",
          label: "Budget",
          field_type: "number",
          options: null,
          required: false,
          created_at: expect.stringMatching(TIME),
        },
      });
    });

    it("defines every type, accepting bool for boolean", async () => {
      await define({ entity_type: "lead", field_key: "note", label: "Note", field_type: "text" });
      await define({ entity_type: "lead", field_key: "start_date", label: "Start", field_type: "date" });
      const flag = await define({ entity_type: "lead", field_key: "vip", label: "VIP", field_type: "bool" });
      expect(flag.field_type).toBe("boolean");
      const tier = await define({
        entity_type: "lead",
        field_key: "tier",
        label: "Tier",
        field_type: "select",
        options: ["gold", "silver"],
      });
      expect(tier).toMatchObject({
        field_id: 5,
        field_type: "select",
        options: ["gold", "silver"],
        required: false,
      });
      await define({
        entity_type: "lead",
        field_key: "channels",
        label: "Channels",
        field_type: "multiselect",
        options: ["email", "phone", "sms"],
      });
      const prospect = await define({
        entity_type: "prospect",
        field_key: "budget",
        label: "Budget",
        field_type: "number",
      });
      expect(prospect.entity_type).toBe("prospect");
    });

    it("lists definitions of an entity type in order", async () => {
      const response = await req("GET", `${fields}?entity_type=lead`);
      expect(response.statusCode).toBe(200);
      expect(response.json.success).toBe(true);
      expect(response.json.data.map((f: any) => f.field_key)).toEqual([
        "budget",
        "note",
        "start_date",
        "vip",
        "tier",
        "channels",
      ]);
      const prospects = await req("GET", `${fields}?entity_type=prospect`);
      expect(prospects.json.data).toEqual([
        expect.objectContaining({ field_key: "budget", entity_type: "prospect" }),
      ]);
      expect((await req("GET", fields)).json.data).toHaveLength(7);
      expectInvalid(await req("GET", `${fields}?entity_type=widget`), "entity_type");
    });

    it("refuses a duplicate key of the same entity type with 409 DUPLICATE", async () => {
      const response = await req("POST", fields, {
        entity_type: "lead",
        field_key: "budget",
        label: "Again",
        field_type: "text",
      });
      expect(response.statusCode).toBe(409);
      expect(response.json).toMatchObject({ success: false, code: "DUPLICATE" });
      expect(response.json.error).toMatch(/^field_key:/);
      // The same key in another workspace is fine.
      const other = await call(kit, "POST", fields, {
        key: kit.other.secretKey,
        body: { entity_type: "lead", field_key: "budget", label: "Budget", field_type: "number" },
      });
      expect(other.statusCode).toBe(201);
      expect(other.json.data.field_id).toBe(1);
    });

    it.each([
      [{ entity_type: "lead", field_key: "Bad", label: "x", field_type: "text" }, "field_key"],
      [{ entity_type: "lead", field_key: "1abc", label: "x", field_type: "text" }, "field_key"],
      [{ entity_type: "lead", field_key: `a${"b".repeat(50)}`, label: "x", field_type: "text" }, "field_key"],
      [{ entity_type: "lead", field_key: "ok_key", label: "", field_type: "text" }, "label"],
      [{ entity_type: "lead", field_key: "ok_key", label: "x".repeat(101), field_type: "text" }, "label"],
      [{ entity_type: "lead", field_key: "ok_key", label: "x", field_type: "money" }, "field_type"],
      [{ entity_type: "deal", field_key: "ok_key", label: "x", field_type: "text" }, "entity_type"],
      [{ entity_type: "lead", field_key: "ok_key", label: "x", field_type: "select" }, "options"],
      [
        { entity_type: "lead", field_key: "ok_key", label: "x", field_type: "select", options: [] },
        "options",
      ],
      [
        { entity_type: "lead", field_key: "ok_key", label: "x", field_type: "text", options: ["a"] },
        "options",
      ],
      [
        { entity_type: "lead", field_key: "ok_key", label: "x", field_type: "select", options: ["a", "a"] },
        "options.1",
      ],
      [{ entity_type: "lead", label: "x", field_type: "text" }, "field_key"],
    ])("rejects definition %j naming %s", async (body, field) => {
      expectInvalid(await req("POST", fields, body), field);
    });

    it("updates label, options and required, but never the key or the type", async () => {
      const updated = await req("PUT", `${fields}/5`, {
        label: "Customer tier",
        options: ["gold", "silver", "bronze"],
      });
      expect(updated.statusCode).toBe(200);
      expect(updated.json).toEqual({
        success: true,
        data: {
          field_id: 5,
          uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          entity_type: "lead",
          field_key: "tier",
          label: "Customer tier",
          field_type: "select",
          options: ["gold", "silver", "bronze"],
          required: false,
          created_at: expect.stringMatching(TIME),
        },
      });
      expectInvalid(await req("PUT", `${fields}/5`, { field_key: "level" }), "field_key");
      expectInvalid(await req("PUT", `${fields}/5`, { field_type: "text" }), "field_type");
      expectInvalid(await req("PUT", `${fields}/5`, { entity_type: "contact" }), "entity_type");
      expectInvalid(await req("PUT", `${fields}/5`, { options: [] }), "options");
      expectInvalid(await req("PUT", `${fields}/1`, { options: ["a"] }), "options");
      // Repeating the current key and type is harmless.
      const same = await req("PUT", `${fields}/5`, {
        field_key: "tier",
        field_type: "select",
        label: "Tier",
      });
      expect(same.statusCode).toBe(200);
      expect(same.json.data.label).toBe("Tier");
      expect((await req("PUT", `${fields}/999`, { label: "x" })).statusCode).toBe(404);
    });

    it("stores lead values and returns them on the lead, in its list item and on update", async () => {
      const created = await req("POST", leads, {
        email: "valued@lead.test",
        custom_fields: {
          budget: 2500.5,
          note: "  call after 5pm ",
          start_date: "2026-02-28",
          vip: true,
          tier: "gold",
          channels: ["sms", "email", "sms"],
        },
      });
      expect(created.statusCode).toBe(201);
      const id = created.json.data.lead_id;
      const got = await req("GET", `${leads}/${id}`);
      expect(got.statusCode).toBe(200);
      expect(got.json.data.custom_fields).toEqual({
        budget: 2500.5,
        note: "call after 5pm",
        start_date: "2026-02-28",
        vip: true,
        tier: "gold",
        channels: ["sms", "email"],
      });
      const list = await req("GET", `${leads}?search=valued`);
      expect(list.json.data[0].custom_fields).toMatchObject({ budget: 2500.5, vip: true });

      const patched = await req("PATCH", `${leads}/${id}`, { custom_fields: { budget: 10, note: null } });
      expect(patched.statusCode).toBe(200);
      expect(patched.json.data.custom_fields).toEqual({
        budget: 10,
        start_date: "2026-02-28",
        vip: true,
        tier: "gold",
        channels: ["sms", "email"],
      });
      // Untouched custom fields stay when other fields change.
      const other = await req("PUT", `${leads}/${id}`, { score: 7 });
      expect(other.json.data.custom_fields.budget).toBe(10);
      const plain = await req("POST", leads, { email: "plain@lead.test" });
      expect((await req("GET", `${leads}/${plain.json.data.lead_id}`)).json.data.custom_fields).toEqual({});
    });

    it("records custom-field changes in lead.updated", async () => {
      const created = await req("POST", leads, {
        email: "evented@lead.test",
        custom_fields: { tier: "silver" },
      });
      const id = created.json.data.lead_id;
      await req("PUT", `${leads}/${id}`, { custom_fields: { tier: "gold" } });
      const event = await kit.core.db
        .selectFrom("events")
        .select(["data"])
        .where("workspace_id", "=", kit.scope.workspaceId)
        .where("type", "=", "lead.updated")
        .where("entity_id", "=", created.json.data.uuid)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(event.data).changes).toEqual({
        customFields: { from: { tier: "silver" }, to: { tier: "gold" } },
      });
    });

    it.each([
      [{ unknown_key: 1 }, "custom_fields.unknown_key"],
      [{ budget: "100" }, "custom_fields.budget"],
      [{ budget: true }, "custom_fields.budget"],
      [{ note: 5 }, "custom_fields.note"],
      [{ note: "x".repeat(2001) }, "custom_fields.note"],
      [{ start_date: "2026-02-30" }, "custom_fields.start_date"],
      [{ start_date: "2026-2-3" }, "custom_fields.start_date"],
      [{ start_date: "2026-02-03T10:00:00Z" }, "custom_fields.start_date"],
      [{ vip: "yes" }, "custom_fields.vip"],
      [{ tier: "platinum" }, "custom_fields.tier"],
      [{ tier: ["gold"] }, "custom_fields.tier"],
      [{ channels: "email" }, "custom_fields.channels"],
      [{ channels: ["email", "fax"] }, "custom_fields.channels"],
    ])("rejects lead values %j naming %s", async (values, field) => {
      expectInvalid(await req("POST", leads, { email: "invalid@lead.test", custom_fields: values }), field);
      expectInvalid(await req("PUT", `${leads}/1`, { custom_fields: values }), field);
    });

    it("rejects custom_fields that is not an object", async () => {
      expectInvalid(await req("POST", leads, { email: "x@lead.test", custom_fields: [1] }), "custom_fields");
      expectInvalid(await req("POST", leads, { email: "x@lead.test", custom_fields: "a" }), "custom_fields");
    });

    it("requires required fields on create and refuses to remove them", async () => {
      const required = await define({
        entity_type: "lead",
        field_key: "region",
        label: "Region",
        field_type: "text",
        required: true,
      });
      expect(required.required).toBe(true);
      expectInvalid(await req("POST", leads, { email: "noregion@lead.test" }), "custom_fields.region");
      expectInvalid(
        await req("POST", leads, { email: "noregion@lead.test", custom_fields: { region: null } }),
        "custom_fields.region",
      );
      const created = await req("POST", leads, {
        email: "region@lead.test",
        custom_fields: { region: "EMEA" },
      });
      expect(created.statusCode).toBe(201);
      const id = created.json.data.lead_id;
      expectInvalid(
        await req("PUT", `${leads}/${id}`, { custom_fields: { region: null } }),
        "custom_fields.region",
      );
      expectInvalid(
        await req("PUT", `${leads}/${id}`, { custom_fields: { region: "  " } }),
        "custom_fields.region",
      );
      // Older leads without a value can still be updated otherwise.
      expect((await req("PUT", `${leads}/1`, { score: 3 })).statusCode).toBe(200);
      // Making it optional lifts the rule.
      expect(
        (await req("PUT", `${fields}/${required.field_id}`, { required: false })).json.data.required,
      ).toBe(false);
      expect((await req("POST", leads, { email: "noregion@lead.test" })).statusCode).toBe(201);
    });

    it("hides a deleted definition's values and rejects them on writes", async () => {
      const created = await req("POST", leads, {
        email: "hidden@lead.test",
        custom_fields: { vip: true, budget: 1 },
      });
      const id = created.json.data.lead_id;
      const deleted = await req("DELETE", `${fields}/4`);
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json).toEqual({ success: true, data: { field_id: 4, deleted: true } });
      expect((await req("DELETE", `${fields}/4`)).statusCode).toBe(404);
      const got = await req("GET", `${leads}/${id}`);
      expect(got.json.data.custom_fields).toEqual({ budget: 1 });
      expectInvalid(
        await req("PUT", `${leads}/${id}`, { custom_fields: { vip: false } }),
        "custom_fields.vip",
      );
      expect(
        (await req("GET", `${fields}?entity_type=lead`)).json.data.map((f: any) => f.field_key),
      ).not.toContain("vip");
      // The value stays stored, but a re-created field of another type does not show it.
      await define({ entity_type: "lead", field_key: "vip", label: "VIP level", field_type: "number" });
      expect((await req("GET", `${leads}/${id}`)).json.data.custom_fields).toEqual({ budget: 1 });
    });

    it("keeps definitions per workspace and behind settings:manage", async () => {
      const theirs = await call(kit, "GET", `${fields}?entity_type=lead`, { key: kit.other.secretKey });
      expect(theirs.json.data.map((f: any) => f.field_key)).toEqual(["budget"]);
      expect(
        (await call(kit, "PUT", `${fields}/2`, { key: kit.other.secretKey, body: { label: "x" } }))
          .statusCode,
      ).toBe(404);
      const limited = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["leads:read", "leads:write", "webhooks:manage"],
      });
      for (const [method, url, body] of [
        ["GET", fields, undefined],
        ["POST", fields, { entity_type: "lead", field_key: "zz", label: "Z", field_type: "text" }],
        ["PUT", `${fields}/1`, { label: "x" }],
        ["DELETE", `${fields}/1`, undefined],
      ] as const) {
        const response = await req(method, url, body, limited);
        expect(response.statusCode, `${method} ${url}`).toBe(403);
        expect(response.json.code).toBe("FORBIDDEN");
      }
      const manager = await kit.newKey(kit.scope, { type: "secret", scopes: ["settings:manage"] });
      expect((await req("GET", fields, undefined, manager)).statusCode).toBe(200);
      expect((await call(kit, "GET", fields, {})).statusCode).toBe(401);
    });

    it("appends custom_field events", async () => {
      const rows = await kit.core.db
        .selectFrom("events")
        .select(["type"])
        .where("workspace_id", "=", kit.scope.workspaceId)
        .where("entity_type", "=", "custom_field")
        .execute();
      const types = new Set(rows.map((row) => row.type));
      expect([...types].sort()).toEqual([
        "custom_field.created",
        "custom_field.deleted",
        "custom_field.updated",
      ]);
    });
  });
}
