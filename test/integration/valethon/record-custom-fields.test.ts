/**
 * Custom-field values on contacts, prospect accounts (companies) and opportunities: written on
 * create and PUT/PATCH, shown on every answer, checked against the entity type's definitions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

interface EntitySpec {
  /** The Valethon entity type of /custom-fields. */
  entityType: "contact" | "prospect" | "opportunity";
  path: string;
  idKey: string;
  eventType: string;
  /** The smallest valid create body (unique per call). */
  base: (n: number) => Record<string, unknown>;
}

const ENTITIES: EntitySpec[] = [
  {
    entityType: "contact",
    path: "/contacts",
    idKey: "contact_id",
    eventType: "contact.updated",
    base: (n) => ({ first_name: `Cf${n}`, email: `cf${n}@values.test` }),
  },
  {
    entityType: "prospect",
    path: "/prospects",
    idKey: "prospect_id",
    eventType: "company.updated",
    base: (n) => ({ name: `Values Co ${n}` }),
  },
  {
    entityType: "opportunity",
    path: "/opportunities",
    idKey: "opportunity_id",
    eventType: "opportunity.updated",
    base: (n) => ({ name: `Values deal ${n}` }),
  },
];

const INVALID: [Record<string, unknown>, string][] = [
  [{ unknown_key: 1 }, "custom_fields.unknown_key"],
  [{ lead_only: "x" }, "custom_fields.lead_only"],
  [{ budget: "100" }, "custom_fields.budget"],
  [{ budget: true }, "custom_fields.budget"],
  [{ note: 5 }, "custom_fields.note"],
  [{ note: "x".repeat(2001) }, "custom_fields.note"],
  [{ start_date: "2026-02-30" }, "custom_fields.start_date"],
  [{ start_date: "2026-02-03T10:00:00Z" }, "custom_fields.start_date"],
  [{ vip: "yes" }, "custom_fields.vip"],
  [{ tier: "platinum" }, "custom_fields.tier"],
  [{ tier: ["gold"] }, "custom_fields.tier"],
  [{ channels: "email" }, "custom_fields.channels"],
  [{ channels: ["email", "fax"] }, "custom_fields.channels"],
];

let counter = 0;

for (const engine of ENGINES) {
  describe(`Valethon custom-field values on contacts, prospects and opportunities on ${engine}`, () => {
    let kit: TestKit;
    const req = (method: Method, path: string, body?: unknown) =>
      call(kit, method, `${VALETHON}${path}`, { key: kit.secretKey, body });
    const define = async (body: Record<string, unknown>) => {
      const response = await req("POST", "/custom-fields", body);
      expect(response.statusCode, JSON.stringify(response.json)).toBe(201);
      return response.json.data as { field_id: number };
    };
    const expectInvalid = (response: { statusCode: number; json: any }, field: string) => {
      expect(response.statusCode, JSON.stringify(response.json)).toBe(400);
      expect(response.json).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
      expect(response.json.error.startsWith(`${field}:`), response.json.error).toBe(true);
    };
    const total = async (spec: EntitySpec) =>
      (await req("GET", `${spec.path}?per_page=1`)).json.pagination.total as number;
    const create = async (spec: EntitySpec, extra: Record<string, unknown> = {}) => {
      const response = await req("POST", spec.path, { ...spec.base(++counter), ...extra });
      expect(response.statusCode, JSON.stringify(response.json)).toBe(201);
      return response.json.data;
    };
    const events = async (type: string) =>
      (
        await kit.core.db
          .selectFrom("events")
          .select("data")
          .where("workspace_id", "=", kit.workspace.id)
          .where("type", "=", type)
          .orderBy("position")
          .execute()
      ).map((row) => JSON.parse(row.data));

    beforeAll(async () => {
      kit = await startTestKit(engine);
      // A lead field: never a field of the other entity types.
      await define({ entity_type: "lead", field_key: "lead_only", label: "Lead only", field_type: "text" });
      for (const { entityType } of ENTITIES) {
        const field = (field_key: string, field_type: string, options?: string[]) =>
          define({ entity_type: entityType, field_key, label: field_key, field_type, options });
        await field("budget", "number");
        await field("note", "text");
        await field("start_date", "date");
        await field("vip", "boolean");
        await field("tier", "select", ["gold", "silver"]);
        await field("channels", "multiselect", ["email", "sms"]);
      }
    });
    afterAll(async () => kit?.close());

    for (const spec of ENTITIES) {
      describe(spec.entityType, () => {
        it("stores values and returns them on create, get, list items and updates", async () => {
          const created = await create(spec, {
            custom_fields: {
              channels: ["sms", "email", "sms"],
              budget: 2500.5,
              note: "  call after 5pm ",
              start_date: "2026-02-28",
              vip: true,
              tier: "gold",
            },
          });
          // Definition order, normalised values.
          const expected = {
            budget: 2500.5,
            note: "call after 5pm",
            start_date: "2026-02-28",
            vip: true,
            tier: "gold",
            channels: ["sms", "email"],
          };
          expect(created.custom_fields).toEqual(expected);
          expect(Object.keys(created.custom_fields)).toEqual(Object.keys(expected));
          const id = created[spec.idKey];
          const got = await req("GET", `${spec.path}/${id}`);
          expect(got.statusCode).toBe(200);
          expect(got.json.data.custom_fields).toEqual(expected);
          const list = await req("GET", `${spec.path}?per_page=100`);
          const item = list.json.data.find((row: any) => row[spec.idKey] === id);
          expect(item.custom_fields).toEqual(expected);

          const patched = await req("PATCH", `${spec.path}/${id}`, {
            custom_fields: { budget: 10, note: null, channels: [] },
          });
          expect(patched.statusCode, JSON.stringify(patched.json)).toBe(200);
          const afterPatch = { budget: 10, start_date: "2026-02-28", vip: true, tier: "gold" };
          expect(patched.json.data.custom_fields).toEqual(afterPatch);
          expect((await req("GET", `${spec.path}/${id}`)).json.data.custom_fields).toEqual(afterPatch);

          // Untouched custom fields stay when other fields change (PUT is partial too).
          const renamed = await req("PUT", `${spec.path}/${id}`, { ...spec.base(++counter) });
          expect(renamed.statusCode, JSON.stringify(renamed.json)).toBe(200);
          expect(renamed.json.data.custom_fields).toEqual(afterPatch);

          // Removing every value shows an empty object again; a record without values shows {}.
          const cleared = await req("PUT", `${spec.path}/${id}`, {
            custom_fields: { budget: null, start_date: null, vip: null, tier: null },
          });
          expect(cleared.json.data.custom_fields).toEqual({});
          const plain = await create(spec);
          expect(plain.custom_fields).toEqual({});
          const plainGot = await req("GET", `${spec.path}/${plain[spec.idKey]}`);
          expect(plainGot.json.data.custom_fields).toEqual({});
        });

        it(`records custom-field changes in ${spec.eventType}`, async () => {
          const created = await create(spec, { custom_fields: { tier: "silver", vip: false } });
          const id = created[spec.idKey];
          const response = await req("PUT", `${spec.path}/${id}`, {
            custom_fields: { tier: "gold", vip: null },
          });
          expect(response.statusCode).toBe(200);
          const updated = (await events(spec.eventType)).filter((data) => data.number === id);
          expect(updated).toHaveLength(1);
          expect(updated[0].changes).toEqual({
            customFields: { from: { vip: false, tier: "silver" }, to: { tier: "gold" } },
          });
          expect(updated[0].customFields).toEqual({ tier: "gold" });
          // Giving the same values again changes nothing and appends no event.
          await req("PUT", `${spec.path}/${id}`, { custom_fields: { tier: "gold" } });
          expect((await events(spec.eventType)).filter((data) => data.number === id)).toHaveLength(1);
        });

        it.each(INVALID)("rejects the values %j naming %s, and writes nothing", async (values, field) => {
          const before = await total(spec);
          expectInvalid(
            await req("POST", spec.path, { ...spec.base(++counter), custom_fields: values }),
            field,
          );
          expect(await total(spec)).toBe(before);
          const target = await create(spec, { custom_fields: { budget: 1 } });
          const id = target[spec.idKey];
          expectInvalid(await req("PUT", `${spec.path}/${id}`, { custom_fields: values }), field);
          expectInvalid(await req("PATCH", `${spec.path}/${id}`, { custom_fields: values }), field);
          expect((await req("GET", `${spec.path}/${id}`)).json.data.custom_fields).toEqual({ budget: 1 });
        });

        it("rejects custom_fields that is not an object, naming custom_fields", async () => {
          expectInvalid(
            await req("POST", spec.path, { ...spec.base(++counter), custom_fields: [1] }),
            "custom_fields",
          );
          expectInvalid(
            await req("POST", spec.path, { ...spec.base(++counter), custom_fields: "vip" }),
            "custom_fields",
          );
        });

        it("requires a required field on create, refuses to remove it, and fails a lead conversion without it", async () => {
          const key = `${spec.entityType}_region`;
          const required = await define({
            entity_type: spec.entityType,
            field_key: key,
            label: "Region",
            field_type: "text",
            required: true,
          });
          const before = await total(spec);
          expectInvalid(await req("POST", spec.path, spec.base(++counter)), `custom_fields.${key}`);
          expectInvalid(
            await req("POST", spec.path, { ...spec.base(++counter), custom_fields: { [key]: null } }),
            `custom_fields.${key}`,
          );
          expect(await total(spec)).toBe(before);
          const created = await create(spec, { custom_fields: { [key]: "EMEA" } });
          expect(created.custom_fields).toEqual({ [key]: "EMEA" });
          const id = created[spec.idKey];
          expectInvalid(
            await req("PUT", `${spec.path}/${id}`, { custom_fields: { [key]: null } }),
            `custom_fields.${key}`,
          );
          expectInvalid(
            await req("PATCH", `${spec.path}/${id}`, { custom_fields: { [key]: "  " } }),
            `custom_fields.${key}`,
          );
          // Records created before the field became required can still be updated otherwise.
          const older = (await req("GET", `${spec.path}?per_page=100`)).json.data.find(
            (row: any) => row.custom_fields[key] === undefined,
          );
          expect(
            (await req("PATCH", `${spec.path}/${older[spec.idKey]}`, spec.base(++counter))).statusCode,
          ).toBe(200);

          // A lead conversion gives no custom-field values: it fails whole, naming the field.
          const lead = await req("POST", "/leads", {
            first_name: "Conv",
            last_name: `Required${++counter}`,
            email: `conv${counter}@required.test`,
            company_name: `Required Co ${counter}`,
          });
          expect(lead.statusCode).toBe(201);
          const leadId = lead.json.data.lead_id;
          const converted = await req("POST", `/leads/${leadId}/convert`, {
            create_contact: true,
            create_prospect: true,
            create_opportunity: true,
          });
          expectInvalid(converted, `custom_fields.${key}`);
          expect(await total(spec)).toBe(before + 1);
          expect((await req("GET", `/leads/${leadId}`)).json.data.status).not.toBe("converted");

          // Once optional, the conversion goes through.
          const lifted = await req("PUT", `/custom-fields/${required.field_id}`, { required: false });
          expect(lifted.json.data.required).toBe(false);
          const retried = await req("POST", `/leads/${leadId}/convert`, {
            create_contact: true,
            create_prospect: true,
            create_opportunity: true,
          });
          expect(retried.statusCode, JSON.stringify(retried.json)).toBe(200);
          expect((await req("POST", spec.path, spec.base(++counter))).statusCode).toBe(201);
        });

        it("hides a deleted definition's values and rejects them on writes", async () => {
          const flag = await define({
            entity_type: spec.entityType,
            field_key: "temp_flag",
            label: "Temporary",
            field_type: "boolean",
          });
          const created = await create(spec, { custom_fields: { temp_flag: true, budget: 7 } });
          expect(created.custom_fields).toEqual({ budget: 7, temp_flag: true });
          const id = created[spec.idKey];
          expect((await req("DELETE", `/custom-fields/${flag.field_id}`)).statusCode).toBe(200);
          expect((await req("GET", `${spec.path}/${id}`)).json.data.custom_fields).toEqual({ budget: 7 });
          const item = (await req("GET", `${spec.path}?per_page=100`)).json.data.find(
            (row: any) => row[spec.idKey] === id,
          );
          expect(item.custom_fields).toEqual({ budget: 7 });
          expectInvalid(
            await req("PUT", `${spec.path}/${id}`, { custom_fields: { temp_flag: false } }),
            "custom_fields.temp_flag",
          );
          // Other updates keep the hidden value stored, untouched.
          const updated = await req("PATCH", `${spec.path}/${id}`, { custom_fields: { budget: 8 } });
          expect(updated.json.data.custom_fields).toEqual({ budget: 8 });
          const table =
            spec.entityType === "contact"
              ? "contacts"
              : spec.entityType === "prospect"
                ? "companies"
                : "opportunities";
          const row = await kit.core.db
            .selectFrom(table)
            .select("custom_fields")
            .where("workspace_id", "=", kit.workspace.id)
            .where("seq", "=", id)
            .executeTakeFirstOrThrow();
          expect(JSON.parse(row.custom_fields!)).toEqual({ temp_flag: true, budget: 8 });
        });
      });
    }

    it("finds a contact and a prospect by the words of their email and phone in /search", async () => {
      const contact = await create(ENTITIES[0]!, {
        first_name: "Jane",
        last_name: "Searchable",
        email: "jane@acme.com",
        phone: "+1-555-0100",
      });
      const found = async (q: string, types: string) =>
        (await req("GET", `/search?q=${encodeURIComponent(q)}&types=${types}`)).json.data.results.map(
          (result: any) => result.id,
        );
      expect(await found("acme", "contact")).toEqual([contact.contact_id]);
      expect(await found("jane@acme.com", "contact")).toEqual([contact.contact_id]);
      expect(await found("555", "contact")).toEqual([contact.contact_id]);
      const prospect = await create(ENTITIES[1]!, {
        name: "Zenith Holdings",
        website: "https://zenith-hq.example",
        email: "info@zenith-hq.example",
      });
      expect(await found("hq", "prospect")).toEqual([prospect.prospect_id]);
      expect(await found("info", "prospect")).toEqual([prospect.prospect_id]);
    });
  });
}
