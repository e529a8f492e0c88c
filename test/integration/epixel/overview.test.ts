/** Epixel E1: counts by status word and source over the caller's leads, and its appointments by window. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppointment } from "../../../src/core/appointments/appointments.service.js";
import { createLead, updateLead } from "../../../src/core/leads/leads.service.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import { type EpixelSession, epixel, epixelLogin, leadForm } from "../../support/epixel.js";

// A Tuesday: its ISO week runs Monday 23 to Sunday 29 November (workspace zone UTC).
const NOW = new Date("2026-11-24T10:00:00.000Z");
const wall = (day: number, month: number, hour: number) => ({ year: 2026, month, day, hour, minute: 0 });

for (const engine of ENGINES) {
  describe(`Epixel overview (${engine})`, () => {
    let kit: TestKit;
    let me: EpixelSession;
    let colleague: EpixelSession;
    beforeAll(async () => {
      kit = await startTestKit(engine, { clock: { now: () => NOW } });
      me = await epixelLogin(kit);
      colleague = await epixelLogin(kit);
      const add = (session: EpixelSession, fields: Record<string, string>) =>
        epixel(kit, "POST", "/leads/create/lead/", { session, body: leadForm(fields) });
      await add(me, { status: "prospect", source: "referral" });
      await add(me, { status: "tentative", source: "referral" });
      await add(me, { status: "customer", source: "ads" });
      const mine = (await add(me, {})).json.data;
      // Assigned to me by a colleague: counted too.
      await add(colleague, { status: "closed", source: "event", assignee: me.username });
      // The colleague's own lead and a lead made elsewhere are not mine.
      await add(colleague, { status: "potential" });
      await createLead(kit.core, kit.scope, { firstName: "Else", email: "else@x.io" });
      // A lead of mine whose status changes through another API shows that status's default word.
      await updateLead(kit.core, kit.scope, { id: mine.uuid }, { status: "contacted" });

      const appoint = (session: EpixelSession, slug: string, start: ReturnType<typeof wall>, note: string) =>
        createAppointment(
          kit.core,
          { workspaceId: kit.workspace.id, actor: session.id },
          { id: session.id, role: "agent" },
          {
            leadSlug: slug,
            startsAt: start,
            endsAt: { ...start, hour: start.hour + 1 },
            note,
            status: "confirmed",
          },
        );
      await appoint(me, mine.slug, wall(24, 11, 14), "today");
      await appoint(me, mine.slug, wall(26, 11, 9), "this week");
      await appoint(me, mine.slug, wall(15, 12, 9), "next month");
      const theirs = (await add(colleague, {})).json.data;
      await appoint(colleague, theirs.slug, wall(24, 11, 15), "not mine");
    });
    afterAll(async () => kit?.close());

    it("counts my leads (owned or assigned) by status word and by source, at both spellings", async () => {
      for (const path of ["/leads/overview/", "/overview/"]) {
        const response = await epixel(kit, "GET", path, { session: me });
        expect(response.statusCode, response.body).toBe(200);
        const data = response.json.data;
        expect(Object.keys(data)).toEqual(["LeadsData", "TotalLeads", "appointments"]);
        expect(data.TotalLeads).toBe(5);
        expect(
          data.LeadsData.status.map((row: { status: string; count: number }) => [row.status, row.count]),
        ).toEqual([
          ["prospect", 1],
          ["contact", 1],
          ["tentative", 1],
          ["potential", 0],
          ["customer", 1],
          ["closed", 1],
        ]);
        expect(data.LeadsData.status[0]).toEqual({
          status: "prospect",
          count: 1,
          Description: "Newly added lead, not contacted yet.",
          Color: "#3B82F6",
        });
        expect(data.LeadsData.source).toEqual(
          expect.arrayContaining([
            { source: "referral", count: 2 },
            { source: "ads", count: 1 },
            { source: "event", count: 1 },
            { source: null, count: 1 },
          ]),
        );
        expect(data.LeadsData.source).toHaveLength(4);
      }
    });

    it("lists my appointments in the asked window (default upcoming)", async () => {
      const notes = async (appointment?: string) => {
        const response = await epixel(kit, "GET", "/leads/overview/", {
          session: me,
          ...(appointment ? { query: { appointment } } : {}),
        });
        expect(response.statusCode, response.body).toBe(200);
        return response.json.data.appointments.map(
          (row: { appointment_note: string }) => row.appointment_note,
        );
      };
      expect(await notes()).toEqual(["today", "this week", "next month"]);
      expect(await notes("upcoming")).toEqual(["today", "this week", "next month"]);
      expect(await notes("today")).toEqual(["today"]);
      expect(await notes("week")).toEqual(["today", "this week"]);
      expect(await notes("month")).toEqual(["today", "this week"]);
      const today = await epixel(kit, "GET", "/overview/", { session: me, query: { appointment: "today" } });
      expect(today.json.data.appointments).toEqual([
        {
          appointment_note: "today",
          appointment_status: "confirmed",
          appointment_date: "2026-11-24 14:00",
          appointment_to: "2026-11-24 15:00",
        },
      ]);
    });

    it("refuses an unknown appointment filter", async () => {
      const response = await epixel(kit, "GET", "/leads/overview/", {
        session: me,
        query: { appointment: "year" },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json).toEqual({
        status_code: 400,
        errors: { appointment: ["Invalid appointment filter value."] },
        data: {},
      });
    });

    it("shows an admin the leads without owner as its own", async () => {
      const admin = await epixelLogin(kit, { role: "admin" });
      const response = await epixel(kit, "GET", "/leads/overview/", { session: admin });
      expect(response.json.data.TotalLeads).toBe(1);
      expect(response.json.data.appointments).toEqual([]);
    });
  });
}
