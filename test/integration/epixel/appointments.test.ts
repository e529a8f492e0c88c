/**
 * Epixel appointments over HTTP (seeds/004 E3, E5, E6, E7): every documented message verbatim,
 * every path spelling, multipart / urlencoded / JSON bodies, wall-clock times in the workspace's
 * time zone, and the appointment seen as a meeting by Valethon.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Scope } from "../../../src/core/core.js";
import { createLead } from "../../../src/core/leads/leads.service.js";
import { setWorkspaceTimeZone } from "../../../src/core/workspaces/workspace-time-zone.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import { type BodyKind, type EpixelSession, epixel, epixelLogin } from "../../support/epixel.js";

const CREATE = ["/leads/create/appointment/", "/create/appointment/"];
const UPDATE = ["/leads/update/appointment/", "/update/appointment/"];
const DELETE = ["/leads/delete/appointment/", "/delete/appointment/"];
const LIST = ["/leads/appointments/list/", "/appointments/list/"];

const failed = (detail: string) => ({ status_code: 401, errors: { detail }, data: {} });
const invalid = (errors: Record<string, string[]>) => ({ status_code: 400, errors, data: {} });

for (const engine of ENGINES) {
  describe(`Epixel appointments (${engine})`, { timeout: 60_000 }, () => {
    let kit: TestKit;
    // Monday 2026-11-30 09:00 UTC = 10:00 in Berlin.
    let now = new Date("2026-11-30T09:00:00.000Z");
    let alice: EpixelSession;
    let bob: EpixelSession;
    let aliceLead: { slug: string; number: number };
    let bobLead: { slug: string; number: number };
    let sharedLead: { slug: string; number: number };

    const lead = async (scope: Scope, firstName: string, owner: string, assignee?: string) => {
      const created = await createLead(
        kit.core,
        scope,
        {
          firstName,
          lastName: "Lead",
          email: `${firstName.toLowerCase()}.${Math.random().toString(36).slice(2, 8)}@leads.example`,
          ...(assignee ? { assignee: { id: assignee } } : {}),
        },
        { ownerUserId: owner },
      );
      return { slug: created.slug, number: created.number };
    };
    const post = (session: EpixelSession, path: string, body?: Record<string, unknown>, kind?: BodyKind) =>
      epixel(kit, "POST", path, { session, ...(body ? { body } : {}), ...(kind ? { kind } : {}) });
    const create = (
      session: EpixelSession,
      fields: Record<string, string>,
      kind?: BodyKind,
      path = CREATE[0]!,
    ) => post(session, path, { slug: aliceLead.slug, ...fields }, kind);

    beforeAll(async () => {
      kit = await startTestKit(engine, { clock: { now: () => now } });
      await setWorkspaceTimeZone(kit.core, kit.workspace.slug, "Europe/Berlin");
      alice = await epixelLogin(kit, { username: "alice" });
      bob = await epixelLogin(kit, { username: "bob" });
      aliceLead = await lead(kit.scope, "Anna", alice.id);
      bobLead = await lead(kit.scope, "Bruno", bob.id);
      sharedLead = await lead(kit.scope, "Carla", bob.id, alice.id);
    });
    afterAll(async () => kit?.close());
    beforeEach(() => {
      now = new Date("2026-11-30T09:00:00.000Z");
    });

    describe("E5 create", () => {
      it("creates from multipart at the documented path, in the workspace's time zone", async () => {
        const response = await create(alice, {
          appointment_date: "2026-12-01 10:00",
          appointment_to: "2026-12-01 11:00",
          appointment_note: "First call",
        });
        expect(response.statusCode).toBe(200);
        expect(response.json).toEqual({
          status_code: 200,
          errors: {},
          data: {
            appointment_id: expect.any(Number),
            uuid: expect.any(String),
            slug: aliceLead.slug,
            appointment_date: "2026-12-01 10:00",
            appointment_to: "2026-12-01 11:00",
            appointment_note: "First call",
            appointment_status: "pending",
          },
        });
        // Stored as UTC (Berlin is +1 in December), and seen by Valethon as a meeting on the lead.
        const activities = await call(kit, "GET", `${VALETHON}/leads/${aliceLead.number}/activities`, {
          key: kit.secretKey,
        });
        expect(activities.json.data).toContainEqual(
          expect.objectContaining({
            activity_id: response.json.data.appointment_id,
            type: "meeting",
            starts_at: "2026-12-01T09:00:00Z",
            ends_at: "2026-12-01T10:00:00Z",
            description: "First call",
          }),
        );
      });

      it("creates from urlencoded at the short spelling and from JSON, under an assigned lead", async () => {
        const short = await create(
          alice,
          {
            appointment_date: "2026-12-01 12:00",
            appointment_to: "2026-12-01 12:30",
            appointment_status: "confirmed",
          },
          "urlencoded",
          CREATE[1],
        );
        expect(short.json.data).toMatchObject({ appointment_status: "confirmed", appointment_note: null });
        const json = await post(
          alice,
          CREATE[0]!,
          { slug: sharedLead.slug, appointment_date: "2026-12-01 13:00", appointment_to: "2026-12-01 14:00" },
          "json",
        );
        expect(json.statusCode).toBe(200);
        expect(json.json.data).toMatchObject({ slug: sharedLead.slug, appointment_date: "2026-12-01 13:00" });
      });

      it("answers 401 Body data not found. for an empty body", async () => {
        for (const response of [
          await post(alice, CREATE[0]!),
          await post(alice, CREATE[1]!, {}, "json"),
          await post(alice, CREATE[0]!, {}, "urlencoded"),
        ]) {
          expect(response.statusCode).toBe(401);
          expect(response.json).toEqual(failed("Body data not found."));
        }
      });

      it("lists every missing required field at once", async () => {
        const response = await post(alice, CREATE[0]!, { appointment_note: "only a note" });
        expect(response.statusCode).toBe(400);
        expect(response.json).toEqual(
          invalid({
            slug: ["This field is required."],
            appointment_date: ["This field is required."],
            appointment_to: ["This field is required."],
          }),
        );
      });

      it("refuses blank fields with the document's wording", async () => {
        const response = await post(alice, CREATE[0]!, {
          slug: "",
          appointment_date: " ",
          appointment_to: "",
        });
        expect(response.json).toEqual(
          invalid({
            slug: ["This field is may not be blank."],
            appointment_date: ["This field is may not be blank."],
            appointment_to: ["This field is may not be blank."],
          }),
        );
      });

      it("refuses a bad slug, bad dates, a long note and a bad status together", async () => {
        const response = await post(
          alice,
          CREATE[0]!,
          {
            slug: "no-such-lead-9",
            appointment_date: "01/12/2026 10:00",
            appointment_to: "2026-02-30 10:00",
            appointment_note: "x".repeat(201),
            appointment_status: "done",
          },
          "json",
        );
        expect(response.statusCode).toBe(400);
        expect(response.json).toEqual(
          invalid({
            slug: ["Requested slug is invalid."],
            appointment_date: ["Invalid date format."],
            appointment_to: ["Invalid date format."],
            appointment_note: ["Ensure this field has no more than 200 characters."],
            appointment_status: ["Invalid appointment status."],
          }),
        );
        const forbidden = await create(alice, {
          slug: bobLead.slug,
          appointment_date: "2026-12-02 10:00",
          appointment_to: "2026-12-02 11:00",
        });
        expect(forbidden.statusCode).toBe(400);
        expect(forbidden.json).toEqual(invalid({ slug: ["You can't take appointment under this lead."] }));
        // 200 characters is the limit, not beyond it.
        const longest = await create(alice, {
          appointment_date: "2026-12-02 10:00",
          appointment_to: "2026-12-02 11:00",
          appointment_note: "y".repeat(200),
        });
        expect(longest.statusCode).toBe(200);
      });

      it("answers the three business-rule failures as 401", async () => {
        const end = await create(alice, {
          appointment_date: "2026-12-03 11:00",
          appointment_to: "2026-12-03 10:00",
        });
        expect(end.statusCode).toBe(401);
        expect(end.json).toEqual(failed("End Date Can't be prior to Start Date."));
        const past = await create(alice, {
          appointment_date: "2026-11-30 09:59",
          appointment_to: "2026-11-30 11:00",
        });
        expect(past.json).toEqual(failed("Please Specify a date in the future."));
        const first = await create(alice, {
          appointment_date: "2026-12-03 10:00",
          appointment_to: "2026-12-03 11:00",
        });
        expect(first.statusCode).toBe(200);
        const overlap = await create(
          alice,
          { appointment_date: "2026-12-03 10:30", appointment_to: "2026-12-03 11:30" },
          "urlencoded",
        );
        expect(overlap.statusCode).toBe(401);
        expect(overlap.json).toEqual(failed("Appointment schedule exists for this time."));
        // Touching is not overlapping; another user's calendar is their own.
        expect(
          (await create(alice, { appointment_date: "2026-12-03 11:00", appointment_to: "2026-12-03 11:30" }))
            .statusCode,
        ).toBe(200);
        expect(
          (
            await create(bob, {
              slug: bobLead.slug,
              appointment_date: "2026-12-03 10:30",
              appointment_to: "2026-12-03 11:30",
            })
          ).statusCode,
        ).toBe(200);
      });
    });

    describe("E6 update", () => {
      let id: number;
      beforeAll(async () => {
        const created = await create(alice, {
          appointment_date: "2026-12-08 10:00",
          appointment_to: "2026-12-08 11:00",
        });
        id = created.json.data.appointment_id;
        await create(alice, { appointment_date: "2026-12-08 12:00", appointment_to: "2026-12-08 13:00" });
      });
      const update = (
        session: EpixelSession,
        fields: Record<string, string>,
        kind?: BodyKind,
        path = UPDATE[0]!,
      ) => post(session, path, { appointment_id: String(id), ...fields }, kind);

      it("updates the given fields at both spellings, multipart, urlencoded and JSON", async () => {
        const moved = await update(alice, {
          slug: sharedLead.slug,
          appointment_date: "2026-12-08 10:30",
          appointment_to: "2026-12-08 11:30",
          appointment_note: "Moved",
          appointment_status: "rescheduled",
        });
        expect(moved.statusCode).toBe(200);
        expect(moved.json).toEqual({
          status_code: 200,
          errors: {},
          data: {
            appointment_id: id,
            uuid: expect.any(String),
            slug: sharedLead.slug,
            appointment_date: "2026-12-08 10:30",
            appointment_to: "2026-12-08 11:30",
            appointment_note: "Moved",
            appointment_status: "rescheduled",
          },
        });
        const short = await update(alice, { appointment_status: "confirmed" }, "urlencoded", UPDATE[1]);
        expect(short.json.data).toMatchObject({ appointment_status: "confirmed", appointment_note: "Moved" });
        const json = await update(alice, { appointment_note: "", slug: aliceLead.slug }, "json");
        expect(json.json.data).toMatchObject({ appointment_note: null, slug: aliceLead.slug });
      });

      it("answers 401 Body data not found. for an empty body", async () => {
        const response = await post(alice, UPDATE[1]!);
        expect(response.statusCode).toBe(401);
        expect(response.json).toEqual(failed("Body data not found."));
      });

      it("checks appointment_id: required, blank, invalid, not found", async () => {
        const cases: [Record<string, string>, string][] = [
          [{ appointment_note: "x" }, "This field is required."],
          [{ appointment_id: "" }, "This field is may not be blank."],
          [{ appointment_id: "abc" }, "Invalid appointment id."],
          [{ appointment_id: "0" }, "Invalid appointment id."],
          [{ appointment_id: "999999" }, "Requested appointment not found."],
        ];
        for (const [body, message] of cases) {
          const response = await post(alice, UPDATE[0]!, body);
          expect(response.statusCode, message).toBe(400);
          expect(response.json).toEqual(invalid({ appointment_id: [message] }));
        }
      });

      it("refuses blank, malformed and out-of-bounds fields (no 'required' for them)", async () => {
        const blank = await update(alice, { slug: "", appointment_date: "", appointment_to: "" });
        expect(blank.json).toEqual(
          invalid({
            slug: ["This field is may not be blank."],
            appointment_date: ["This field is may not be blank."],
            appointment_to: ["This field is may not be blank."],
          }),
        );
        const bad = await update(
          alice,
          {
            slug: "nope-404",
            appointment_date: "2026-12-08",
            appointment_to: "tomorrow",
            appointment_note: "z".repeat(201),
            appointment_status: "fulfilled",
          },
          "json",
        );
        expect(bad.json).toEqual(
          invalid({
            slug: ["Requested slug is invalid."],
            appointment_date: ["Invalid date format."],
            appointment_to: ["Invalid date format."],
            appointment_note: ["Ensure this field has no more than 200 characters."],
            appointment_status: ["Invalid appointment status."],
          }),
        );
        const forbidden = await update(alice, { slug: bobLead.slug });
        expect(forbidden.json).toEqual(invalid({ slug: ["You can't take appointment under this lead."] }));
      });

      it("answers the business-rule failures as 401, and only the owner may update", async () => {
        expect((await update(bob, { appointment_note: "mine now" })).json).toEqual(
          failed("You can't update this appointment."),
        );
        expect((await update(alice, { appointment_to: "2026-12-08 09:00" })).json).toEqual(
          failed("End Date Can't be prior to Start Date."),
        );
        expect(
          (await update(alice, { appointment_date: "2026-11-29 10:00", appointment_to: "2026-11-29 11:00" }))
            .json,
        ).toEqual(failed("Please Specify a date in the future."));
        expect((await update(alice, { appointment_to: "2026-12-08 12:30" })).json).toEqual(
          failed("Appointment schedule exists for this time."),
        );
        // Ending exactly when the next one starts is fine.
        expect((await update(alice, { appointment_to: "2026-12-08 12:00" })).statusCode).toBe(200);
      });
    });

    describe("E7 delete", () => {
      it("checks appointment_id, lets only the owner delete, at both spellings", async () => {
        const cases: [Record<string, string> | undefined, string][] = [
          [undefined, "This field is required."],
          [{ appointment_id: " " }, "This field is may not be blank."],
          [{ appointment_id: "1.5" }, "Invalid appointment id."],
          [{ appointment_id: "888888" }, "Requested appointment not found."],
        ];
        for (const [body, message] of cases) {
          const response = await post(alice, DELETE[0]!, body);
          expect(response.statusCode, message).toBe(400);
          expect(response.json).toEqual(invalid({ appointment_id: [message] }));
        }
        const ids: number[] = [];
        for (const day of ["2026-12-09", "2026-12-10"]) {
          const created = await create(alice, {
            appointment_date: `${day} 10:00`,
            appointment_to: `${day} 11:00`,
          });
          ids.push(created.json.data.appointment_id);
        }
        const refused = await post(bob, DELETE[1]!, { appointment_id: String(ids[0]) }, "urlencoded");
        expect(refused.statusCode).toBe(401);
        expect(refused.json).toEqual(failed("You can't delete this appointment."));
        const deleted = await post(alice, DELETE[0]!, { appointment_id: String(ids[0]) });
        expect(deleted.statusCode).toBe(200);
        expect(deleted.json).toEqual({ status_code: 200, errors: {}, data: {} });
        expect((await post(alice, DELETE[1]!, { appointment_id: String(ids[1]) }, "json")).json.data).toEqual(
          {},
        );
        const again = await post(alice, DELETE[0]!, { appointment_id: String(ids[0]) });
        expect(again.json).toEqual(invalid({ appointment_id: ["Requested appointment not found."] }));
      });
    });

    describe("E3 list", () => {
      let carol: EpixelSession;
      let made: Record<string, number>;
      beforeAll(async () => {
        carol = await epixelLogin(kit, { username: "carol" });
        const finn = await lead(kit.scope, "Finn", carol.id);
        const eva = await lead(kit.scope, "Eva", carol.id);
        made = {};
        for (const [name, slug, from, to, status] of [
          ["monday", finn.slug, "2026-11-30 23:30", "2026-11-30 23:45", undefined],
          ["tuesday", eva.slug, "2026-12-01 00:15", "2026-12-01 01:00", "confirmed"],
          ["sunday", finn.slug, "2026-12-06 23:00", "2026-12-06 23:30", undefined],
          ["january", eva.slug, "2027-01-05 10:00", "2027-01-05 11:00", "cancelled"],
        ] as const) {
          const response = await create(carol, {
            slug,
            appointment_date: from,
            appointment_to: to,
            ...(status ? { appointment_status: status } : {}),
          });
          expect(response.statusCode, response.body).toBe(200);
          made[name] = response.json.data.appointment_id;
        }
      });
      const list = (query: Record<string, string> = {}, path = LIST[0]!) =>
        epixel(kit, "GET", path, { session: carol, query });
      const ids = async (query: Record<string, string> = {}) => {
        const response = await list(query);
        expect(response.statusCode, response.body).toBe(200);
        return response.json.data.results.map((item: { id: number }) => item.id);
      };

      it("lists the caller's appointments, earliest first, in the workspace's zone, at both spellings", async () => {
        const response = await list({}, LIST[1]);
        expect(response.statusCode).toBe(200);
        expect(response.json.data).toMatchObject({ count: 4, next: null, previous: null });
        expect(response.json.data.results[0]).toEqual({
          id: made.monday,
          uuid: expect.any(String),
          lead_slug: expect.stringMatching(/^finn-lead-\d+$/),
          appointment_date: "2026-11-30 23:30",
          appointment_to: "2026-11-30 23:45",
          appointment_note: null,
          appointment_status: "pending",
        });
        expect(await ids()).toEqual([made.monday, made.tuesday, made.sunday, made.january]);
      });

      it("filters by datesetting and ondate (MM/DD/YYYY, local days), status and lead first name", async () => {
        expect(await ids({ datesetting: "on", ondate: "12/01/2026" })).toEqual([made.tuesday]);
        expect(await ids({ datesetting: "before", ondate: "12/01/2026" })).toEqual([made.monday]);
        expect(await ids({ datesetting: "after", ondate: "12/01/2026" })).toEqual([
          made.sunday,
          made.january,
        ]);
        expect(await ids({ status: "cancelled" })).toEqual([made.january]);
        expect(await ids({ status: "pending" })).toEqual([made.monday, made.sunday]);
        expect(await ids({ lead: "FINN" })).toEqual([made.monday, made.sunday]);
        expect(await ids({ lead: "eva", status: "confirmed" })).toEqual([made.tuesday]);
      });

      it("pages with offset and limit, with next and previous links", async () => {
        const response = await list({ offset: "1", limit: "2" });
        expect(response.json.data.count).toBe(4);
        expect(response.json.data.results.map((item: { id: number }) => item.id)).toEqual([
          made.tuesday,
          made.sunday,
        ]);
        expect(response.json.data.next).toMatch(/\/epixel\/api\/v1\/leads\/appointments\/list\/\?.*offset=3/);
        expect(response.json.data.previous).toMatch(/limit=2/);
        expect(response.json.data.previous).not.toMatch(/offset=/);
      });

      it("refuses bad filter values, naming the parameter", async () => {
        const cases: [Record<string, string>, Record<string, string[]>][] = [
          [
            { datesetting: "during", ondate: "12/01/2026" },
            { datesetting: ["Invalid datesettigs value. Use on, before or after."] },
          ],
          [{ datesetting: "on" }, { ondate: ["ondate is required when datesettigs is given."] }],
          [{ ondate: "12/01/2026" }, { datesetting: ["datesettigs is required when ondate is given."] }],
          [
            { datesetting: "on", ondate: "2026-12-01" },
            { ondate: ["Invalid date Formate. Use MM/DD/YYYY."] },
          ],
          [
            { datesetting: "on", ondate: "02/30/2026" },
            { ondate: ["Invalid date Formate. Use MM/DD/YYYY."] },
          ],
          [{ status: "done" }, { status: ["Invalid appointment status."] }],
          [
            { offset: "-1", limit: "ten" },
            { offset: ["A valid integer is required."], limit: ["A valid integer is required."] },
          ],
        ];
        for (const [query, errors] of cases) {
          const response = await list(query);
          expect(response.statusCode, JSON.stringify(query)).toBe(400);
          expect(response.json).toEqual(invalid(errors));
        }
      });

      it("never shows another workspace's appointments or ids", async () => {
        const other = await epixelLogin(kit, {
          scope: kit.other.scope,
          secretKey: kit.other.secretKey,
          username: "olga",
        });
        expect((await epixel(kit, "GET", LIST[0]!, { session: other })).json.data.count).toBe(0);
        const response = await post(other, DELETE[0]!, { appointment_id: String(made.monday) });
        expect(response.json).toEqual(invalid({ appointment_id: ["Requested appointment not found."] }));
      });
    });
  });
}
