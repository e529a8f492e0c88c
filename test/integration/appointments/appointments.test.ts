/**
 * The appointments core on a real database: every rule (lead access, ownership, end after start,
 * start in the future, overlaps and their edges), the workspace's time zone, the list filters, and
 * that an appointment is a meeting activity seen by Valethon's lead activities, Axiomatic's lead
 * timeline and the event stream.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type AppointmentActor,
  type AppointmentErrorReason,
  createAppointment,
  deleteAppointment,
  getAppointment,
  listAppointments,
  updateAppointment,
} from "../../../src/core/appointments/appointments.service.js";
import type { Scope } from "../../../src/core/core.js";
import { createLead, deleteLead } from "../../../src/core/leads/leads.service.js";
import { parseWallTime } from "../../../src/core/shared/time-zone.js";
import { createUser } from "../../../src/core/users/users.service.js";
import { setWorkspaceTimeZone } from "../../../src/core/workspaces/workspace-time-zone.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { axiomatic } from "../../support/axiomatic.js";
import { ENGINES } from "../../support/engines.js";

const at = (text: string) => parseWallTime(text)!;

async function refusal(promise: Promise<unknown>): Promise<AppointmentErrorReason | string> {
  try {
    await promise;
  } catch (error) {
    return (error as { reason?: AppointmentErrorReason }).reason ?? String(error);
  }
  return "no error";
}

for (const engine of ENGINES) {
  describe(`appointments core (${engine})`, { timeout: 60_000 }, () => {
    let kit: TestKit;
    // Monday 2026-11-30 09:00 UTC = 10:00 in Berlin (CET, +1).
    let now = new Date("2026-11-30T09:00:00.000Z");
    let scope: Scope;
    let alice: AppointmentActor;
    let bob: AppointmentActor;
    let admin: AppointmentActor;
    let aliceLead: { slug: string; id: string; number: number };
    let bobLead: { slug: string; id: string; number: number };
    let assignedLead: { slug: string; id: string; number: number };
    let orphanLead: { slug: string; id: string; number: number };

    const userScope = (user: AppointmentActor): Scope => ({ workspaceId: kit.workspace.id, actor: user.id });
    const make = (user: AppointmentActor, from: string, to: string, extra: Record<string, unknown> = {}) =>
      createAppointment(kit.core, userScope(user), user, {
        leadSlug: (extra.leadSlug as string) ?? aliceLead.slug,
        startsAt: at(from),
        endsAt: at(to),
        ...extra,
      });

    beforeAll(async () => {
      kit = await startTestKit(engine, { clock: { now: () => now } });
      scope = kit.scope;
      const user = async (username: string, role: "admin" | "agent") => {
        const created = await createUser(kit.core, scope, {
          username,
          name: username,
          email: `${username}@example.com`,
          role,
        });
        return { id: created.id, role };
      };
      alice = await user("alice", "agent");
      bob = await user("bob", "agent");
      admin = await user("boss", "admin");
      const lead = async (firstName: string, owner: AppointmentActor | null, assignee?: AppointmentActor) => {
        const created = await createLead(
          kit.core,
          scope,
          {
            firstName,
            lastName: "Lead",
            email: `${firstName.toLowerCase()}@leads.example`,
            ...(assignee ? { assignee: { id: assignee.id } } : {}),
          },
          { ownerUserId: owner?.id ?? null },
        );
        return { slug: created.slug, id: created.id, number: created.number };
      };
      aliceLead = await lead("Anna", alice);
      bobLead = await lead("Bruno", bob);
      assignedLead = await lead("Carla", bob, alice);
      orphanLead = await lead("Dora", null);
      await setWorkspaceTimeZone(kit.core, kit.workspace.slug, "Europe/Berlin");
    });
    afterAll(async () => kit?.close());
    beforeEach(() => {
      now = new Date("2026-11-30T09:00:00.000Z");
    });

    it("creates a pending appointment, converting wall-clock times from the workspace's zone", async () => {
      const created = await make(alice, "2026-12-01 10:00", "2026-12-01 11:00", { note: "Demo" });
      expect(created).toMatchObject({
        leadId: aliceLead.id,
        leadSlug: aliceLead.slug,
        ownerUserId: alice.id,
        startsAt: "2026-12-01T09:00:00.000Z",
        endsAt: "2026-12-01T10:00:00.000Z",
        note: "Demo",
        status: "pending",
      });
      expect(created.number).toBeGreaterThan(0);
      expect(await getAppointment(kit.core, scope, created.number)).toEqual(created);
      // Summer time: +2.
      const summer = await make(alice, "2027-07-01 10:00", "2027-07-01 10:30", { status: "confirmed" });
      expect(summer).toMatchObject({ startsAt: "2027-07-01T08:00:00.000Z", status: "confirmed" });
    });

    it("interprets a time in the spring-forward gap as the hour after it", async () => {
      const gap = await make(alice, "2027-03-28 02:30", "2027-03-28 04:00");
      expect(gap.startsAt).toBe("2027-03-28T01:30:00.000Z");
      expect(gap.endsAt).toBe("2027-03-28T02:00:00.000Z");
    });

    it("records the meeting activity with its event, seen by Valethon and Axiomatic", async () => {
      const created = await make(alice, "2026-12-02 14:00", "2026-12-02 15:00", { note: "Contract talk" });
      const events = await kit.core.db
        .selectFrom("events")
        .select(["type", "data", "actor"])
        .where("workspace_id", "=", kit.workspace.id)
        .where("entity_id", "=", created.id)
        .execute();
      expect(events.map((event) => event.type)).toEqual(["activity.created"]);
      const data = typeof events[0]!.data === "string" ? JSON.parse(events[0]!.data) : events[0]!.data;
      expect(data).toMatchObject({
        type: "meeting",
        status: "pending",
        createdBy: alice.id,
        description: "Contract talk",
      });
      expect(events[0]!.actor).toBe(alice.id);

      const valethon = await call(
        kit,
        "GET",
        `${VALETHON}/leads/${aliceLead.number}/activities?per_page=100`,
        {
          key: kit.secretKey,
        },
      );
      expect(valethon.statusCode).toBe(200);
      expect(valethon.json.data).toContainEqual(
        expect.objectContaining({
          activity_id: created.number,
          type: "meeting",
          description: "Contract talk",
          starts_at: "2026-12-02T13:00:00Z",
          ends_at: "2026-12-02T14:00:00Z",
        }),
      );
      const timeline = await axiomatic(kit, "GET", `/leads/${aliceLead.id}/timeline`);
      expect(timeline.statusCode).toBe(200);
      expect(JSON.stringify(timeline.json)).toContain(created.id);
      const item = (Object.values(timeline.json).find(Array.isArray) as any[]).find(
        (entry) => entry.activityId === created.id,
      );
      expect(item).toMatchObject({
        activityType: "meeting",
        description: "Contract talk",
        status: "pending",
      });
    });

    it("lets the lead's owner or assignee take an appointment, and no one else", async () => {
      expect(
        await refusal(make(alice, "2026-12-03 10:00", "2026-12-03 11:00", { leadSlug: bobLead.slug })),
      ).toBe("lead_forbidden");
      const assigned = await make(alice, "2026-12-03 10:00", "2026-12-03 11:00", {
        leadSlug: assignedLead.slug,
      });
      expect(assigned.leadSlug).toBe(assignedLead.slug);
      // A lead with no owner: the workspace's admins act as owner.
      expect(
        await refusal(make(alice, "2026-12-03 12:00", "2026-12-03 13:00", { leadSlug: orphanLead.slug })),
      ).toBe("lead_forbidden");
      expect(
        (await make(admin, "2026-12-03 12:00", "2026-12-03 13:00", { leadSlug: orphanLead.slug }))
          .ownerUserId,
      ).toBe(admin.id);
      expect(
        await refusal(make(alice, "2026-12-03 14:00", "2026-12-03 15:00", { leadSlug: "no-such-lead" })),
      ).toBe("lead_not_found");
    });

    it("refuses an end at or before the start", async () => {
      expect(await refusal(make(alice, "2026-12-04 11:00", "2026-12-04 10:00"))).toBe("end_before_start");
      expect(await refusal(make(alice, "2026-12-04 11:00", "2026-12-04 11:00"))).toBe("end_before_start");
    });

    it("refuses a start that is not in the future by the core clock", async () => {
      // now = 10:00 Berlin.
      expect(await refusal(make(alice, "2026-11-30 09:59", "2026-11-30 12:00"))).toBe("in_the_past");
      expect(await refusal(make(alice, "2026-11-30 10:00", "2026-11-30 12:00"))).toBe("in_the_past");
      expect((await make(alice, "2026-11-30 10:01", "2026-11-30 10:30")).startsAt).toBe(
        "2026-11-30T09:01:00.000Z",
      );
    });

    it("refuses an overlap with the owner's live, not cancelled appointments; touching is fine", async () => {
      await make(alice, "2026-12-07 10:00", "2026-12-07 11:00");
      for (const [from, to] of [
        ["2026-12-07 10:00", "2026-12-07 11:00"],
        ["2026-12-07 09:30", "2026-12-07 10:01"],
        ["2026-12-07 10:59", "2026-12-07 12:00"],
        ["2026-12-07 10:15", "2026-12-07 10:45"],
        ["2026-12-07 09:00", "2026-12-07 12:00"],
      ] as const) {
        expect(await refusal(make(alice, from, to)), `${from}–${to}`).toBe("overlap");
      }
      expect((await make(alice, "2026-12-07 11:00", "2026-12-07 12:00")).status).toBe("pending");
      expect((await make(alice, "2026-12-07 09:00", "2026-12-07 10:00")).status).toBe("pending");
      // Another owner's time is theirs.
      await make(bob, "2026-12-07 10:00", "2026-12-07 11:00", { leadSlug: bobLead.slug });
      // A cancelled appointment blocks nothing, and a cancelled one may sit on a taken slot.
      const cancelled = await make(alice, "2026-12-07 10:30", "2026-12-07 10:45", { status: "cancelled" });
      expect(cancelled.status).toBe("cancelled");
      await make(alice, "2026-12-08 10:00", "2026-12-08 11:00", { status: "cancelled" });
      await make(alice, "2026-12-08 10:00", "2026-12-08 11:00");
      // Reviving the cancelled one into a taken slot is an overlap.
      expect(
        await refusal(
          updateAppointment(kit.core, userScope(alice), alice, cancelled.number, { status: "confirmed" }),
        ),
      ).toBe("overlap");
      // A deleted appointment frees its slot.
      const freed = await make(alice, "2026-12-09 10:00", "2026-12-09 11:00");
      await deleteAppointment(kit.core, userScope(alice), alice, freed.number);
      await make(alice, "2026-12-09 10:00", "2026-12-09 11:00");
    });

    it("lets exactly one of several concurrent requests take the same slot", async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => refusal(make(alice, "2026-12-21 10:00", "2026-12-21 11:00"))),
      );
      expect(results.filter((result) => result === "no error")).toHaveLength(1);
      expect(results.filter((result) => result === "overlap")).toHaveLength(19);
    });

    it("updates only for the owner; a kept past start is not re-checked; a new one is", async () => {
      const created = await make(alice, "2026-12-10 10:00", "2026-12-10 11:00");
      expect(
        await refusal(updateAppointment(kit.core, userScope(bob), bob, created.number, { note: "x" })),
      ).toBe("not_owner");
      expect(
        await refusal(updateAppointment(kit.core, userScope(admin), admin, created.number, { note: "x" })),
      ).toBe("not_owner");
      expect(
        await refusal(updateAppointment(kit.core, userScope(alice), alice, 999_999, { note: "x" })),
      ).toBe("not_found");
      const moved = await updateAppointment(kit.core, userScope(alice), alice, created.number, {
        startsAt: at("2026-12-10 10:30"),
        endsAt: at("2026-12-10 11:30"),
        note: "Moved",
        status: "rescheduled",
      });
      expect(moved).toMatchObject({
        startsAt: "2026-12-10T09:30:00.000Z",
        endsAt: "2026-12-10T10:30:00.000Z",
        note: "Moved",
        status: "rescheduled",
      });
      // Overlapping only itself is fine.
      await updateAppointment(kit.core, userScope(alice), alice, created.number, {
        startsAt: at("2026-12-10 10:00"),
      });
      expect(
        await refusal(
          updateAppointment(kit.core, userScope(alice), alice, created.number, {
            endsAt: at("2026-12-10 09:00"),
          }),
        ),
      ).toBe("end_before_start");
      // Later, the appointment is over: marking it done keeps its (past) start.
      now = new Date("2026-12-11T09:00:00.000Z");
      const done = await updateAppointment(kit.core, userScope(alice), alice, created.number, {
        status: "fullfilled",
        startsAt: at("2026-12-10 10:00"),
      });
      expect(done.status).toBe("fullfilled");
      expect(
        await refusal(
          updateAppointment(kit.core, userScope(alice), alice, created.number, {
            startsAt: at("2026-12-10 10:15"),
          }),
        ),
      ).toBe("in_the_past");
      const events = await kit.core.db
        .selectFrom("events")
        .select("type")
        .where("entity_id", "=", created.id)
        .orderBy("position")
        .execute();
      expect(events.map((event) => event.type)).toEqual([
        "activity.created",
        "activity.updated",
        "activity.updated",
        "activity.updated",
      ]);
    });

    it("moves an appointment to another lead only when the owner may work on it", async () => {
      const created = await make(alice, "2026-12-14 10:00", "2026-12-14 11:00");
      expect(
        await refusal(
          updateAppointment(kit.core, userScope(alice), alice, created.number, { leadSlug: bobLead.slug }),
        ),
      ).toBe("lead_forbidden");
      const moved = await updateAppointment(kit.core, userScope(alice), alice, created.number, {
        leadSlug: assignedLead.slug,
      });
      expect(moved).toMatchObject({ leadId: assignedLead.id, leadSlug: assignedLead.slug });
    });

    it("deletes only for the owner, with its event; a deleted one is not found", async () => {
      const created = await make(alice, "2026-12-15 10:00", "2026-12-15 11:00");
      expect(await refusal(deleteAppointment(kit.core, userScope(bob), bob, created.number))).toBe(
        "not_owner",
      );
      await deleteAppointment(kit.core, userScope(alice), alice, created.number);
      expect(await refusal(getAppointment(kit.core, scope, created.number))).toBe("not_found");
      expect(await refusal(deleteAppointment(kit.core, userScope(alice), alice, created.number))).toBe(
        "not_found",
      );
      const events = await kit.core.db
        .selectFrom("events")
        .select("type")
        .where("entity_id", "=", created.id)
        .execute();
      expect(events.map((event) => event.type)).toContain("activity.deleted");
    });

    it("only meetings with times on a live lead are appointments", async () => {
      const lead = await createLead(
        kit.core,
        scope,
        { firstName: "Gone", email: "gone@leads.example" },
        { ownerUserId: alice.id },
      );
      const created = await make(alice, "2026-12-16 10:00", "2026-12-16 11:00", { leadSlug: lead.slug });
      await deleteLead(kit.core, scope, { id: lead.id });
      expect(await refusal(getAppointment(kit.core, scope, created.number))).toBe("not_found");
      expect(
        await refusal(make(alice, "2026-12-16 12:00", "2026-12-16 13:00", { leadSlug: lead.slug })),
      ).toBe("lead_not_found");
      // Its slot is free again.
      await make(alice, "2026-12-16 10:00", "2026-12-16 11:00");
      // Another workspace never sees this one's appointments.
      expect(await refusal(getAppointment(kit.core, kit.other.scope, created.number))).toBe("not_found");
    });

    it("lists the user's appointments with windows, dates, status, lead name and pages", async () => {
      const fresh = await kit.newWorkspace(`List ${engine}`);
      await setWorkspaceTimeZone(kit.core, fresh.workspace.slug, "Europe/Berlin");
      const s = fresh.scope;
      const carol = await createUser(kit.core, s, {
        username: "carol",
        name: "Carol",
        email: "carol@example.com",
      });
      const dave = await createUser(kit.core, s, {
        username: "dave",
        name: "Dave",
        email: "dave@example.com",
      });
      const actor = { id: carol.id, role: "agent" as const };
      const other = { id: dave.id, role: "agent" as const };
      const eva = await createLead(
        kit.core,
        s,
        { firstName: "Éva", email: "eva@l.example" },
        { ownerUserId: carol.id },
      );
      const finn = await createLead(
        kit.core,
        s,
        { firstName: "Finn", email: "finn@l.example" },
        { ownerUserId: carol.id },
      );
      const daves = await createLead(
        kit.core,
        s,
        { firstName: "Finn", email: "finn2@l.example" },
        { ownerUserId: dave.id },
      );
      const mk = (
        who: typeof actor,
        slug: string,
        from: string,
        to: string,
        status?: "cancelled" | "confirmed",
      ) =>
        createAppointment(kit.core, { workspaceId: s.workspaceId, actor: who.id }, who, {
          leadSlug: slug,
          startsAt: at(from),
          endsAt: at(to),
          ...(status ? { status } : {}),
        });
      // now: Monday 2026-11-30 10:00 Berlin.
      const todayLate = await mk(actor, finn.slug, "2026-11-30 23:30", "2026-11-30 23:45");
      const tomorrowEarly = await mk(actor, eva.slug, "2026-12-01 00:15", "2026-12-01 01:00", "confirmed");
      const sunday = await mk(actor, finn.slug, "2026-12-06 23:00", "2026-12-06 23:30");
      const nextMonday = await mk(actor, eva.slug, "2026-12-07 00:00", "2026-12-07 00:30", "cancelled");
      const january = await mk(actor, finn.slug, "2027-01-05 10:00", "2027-01-05 11:00");
      await mk(other, daves.slug, "2026-11-30 23:30", "2026-11-30 23:45");
      // One made earlier, now in the past.
      now = new Date("2026-11-23T09:00:00.000Z");
      const lastWeek = await mk(actor, finn.slug, "2026-11-27 10:00", "2026-11-27 11:00");
      now = new Date("2026-11-30T09:00:00.000Z");

      const ids = async (query: Record<string, unknown> = {}) =>
        (await listAppointments(kit.core, s, { userId: carol.id, ...query })).items.map(
          (item) => item.number,
        );
      const all = await listAppointments(kit.core, s, { userId: carol.id });
      expect(all.count).toBe(6);
      expect(all.timeZone).toBe("Europe/Berlin");
      expect(all.items.map((item) => item.number)).toEqual(
        [lastWeek, todayLate, tomorrowEarly, sunday, nextMonday, january].map((item) => item.number),
      );
      expect(all.items[0]).toMatchObject({ leadSlug: finn.slug, ownerUserId: carol.id });
      expect(await ids({ window: "upcoming" })).toEqual(
        [todayLate, tomorrowEarly, sunday, nextMonday, january].map((a) => a.number),
      );
      expect(await ids({ window: "today" })).toEqual([todayLate.number]);
      expect(await ids({ window: "week" })).toEqual([todayLate, tomorrowEarly, sunday].map((a) => a.number));
      expect(await ids({ window: "month" })).toEqual([lastWeek, todayLate].map((a) => a.number));
      expect(await ids({ date: { setting: "on", day: "2026-12-01" } })).toEqual([tomorrowEarly.number]);
      expect(await ids({ date: { setting: "before", day: "2026-12-01" } })).toEqual(
        [lastWeek, todayLate].map((a) => a.number),
      );
      expect(await ids({ date: { setting: "after", day: "2026-12-06" } })).toEqual(
        [nextMonday, january].map((a) => a.number),
      );
      expect(await ids({ status: "cancelled" })).toEqual([nextMonday.number]);
      expect(await ids({ status: "pending" })).toEqual(
        [lastWeek, todayLate, sunday, january].map((a) => a.number),
      );
      expect(await ids({ leadFirstName: "finn" })).toEqual(
        [lastWeek, todayLate, sunday, january].map((a) => a.number),
      );
      expect(await ids({ leadFirstName: "Éva" })).toEqual([tomorrowEarly, nextMonday].map((a) => a.number));
      expect(await ids({ leadFirstName: "Fin" })).toEqual([]);
      const page = await listAppointments(kit.core, s, { userId: carol.id, offset: 2, limit: 2 });
      expect(page.count).toBe(6);
      expect(page.items.map((item) => item.number)).toEqual([tomorrowEarly, sunday].map((a) => a.number));
      expect((await listAppointments(kit.core, s, { userId: carol.id, offset: 6 })).items).toEqual([]);
      expect(await ids({ userId: dave.id })).toHaveLength(1);
      // The other workspace's lists never include these.
      expect((await listAppointments(kit.core, kit.scope, { userId: carol.id })).count).toBe(0);
    });
  });
}
