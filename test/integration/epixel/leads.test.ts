/** Epixel E2 list, E4 details, E8 create, E9 update, E10 delete: every spelling and documented message. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createActivity } from "../../../src/core/activities/activities.service.js";
import { createLead, getLead, updateLead } from "../../../src/core/leads/leads.service.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import { type EpixelSession, epixel, epixelLogin, leadForm } from "../../support/epixel.js";

const fields = (errors: Record<string, string[]>) => ({ status_code: 400, errors, data: {} });
const failed = (detail: string) => ({ status_code: 401, errors: { detail }, data: {} });
const long = (n: number) => "a".repeat(n);

for (const engine of ENGINES) {
  describe(`Epixel leads (${engine})`, () => {
    let kit: TestKit;
    let owner: EpixelSession;
    let other: EpixelSession;
    let admin: EpixelSession;
    beforeAll(async () => {
      kit = await startTestKit(engine);
      owner = await epixelLogin(kit);
      other = await epixelLogin(kit);
      admin = await epixelLogin(kit, { role: "admin" });
    });
    afterAll(async () => kit?.close());

    const create = (session: EpixelSession, body: Record<string, string>, path = "/leads/create/lead/") =>
      epixel(kit, "POST", path, { session, body });

    it("creates leads at every spelling with every body kind; the creator owns them", async () => {
      const spellings = [
        "/leads/create/lead/",
        "/create/lead/",
        "/v1/leads/create/lead/",
        "/v1/create/lead/",
      ];
      const kinds = ["multipart", "urlencoded", "json", "multipart"] as const;
      for (const [index, path] of spellings.entries()) {
        const body = leadForm({ first_name: "Grace", last_name: `Hopper ${index}`, status: "potential" });
        const response = await epixel(kit, "POST", path, { session: owner, body, kind: kinds[index] });
        expect(response.statusCode, `${path} ${response.body}`).toBe(200);
        const { id, slug, uuid } = response.json.data;
        expect(response.json).toEqual({ status_code: 200, errors: {}, data: { id, slug, uuid } });
        expect(slug).toBe(`grace-hopper-${index}-${id}`);
        const lead = await getLead(kit.core, kit.scope, { id: uuid });
        expect(lead).toMatchObject({ number: id, slug, ownerUserId: owner.id, status: "qualified" });
      }
    });

    it("stores every field: status word, source, location, message, assignee (by username)", async () => {
      const body = leadForm({
        status: "tentative",
        source: "referral",
        location: "Paris",
        message: "Call me",
        assignee: other.username,
        phone: "999999999",
      });
      const created = await create(owner, body);
      expect(created.statusCode, created.body).toBe(200);
      const view = await epixel(kit, "GET", "/leads/view/lead/", {
        session: owner,
        query: { slug: created.json.data.slug },
      });
      expect(view.json.data).toEqual({
        id: created.json.data.id,
        slug: created.json.data.slug,
        uuid: created.json.data.uuid,
        first_name: "Ada",
        last_name: "Lovelace",
        email: body.email,
        phone: "999999999",
        status: "tentative",
        source: "referral",
        location: "Paris",
        message: "Call me",
        owner: owner.username,
        assignee: other.username,
        created: expect.any(String),
        notes: [],
        appointments: [],
      });
      // The core sees the mapped status and the assignee.
      const lead = await getLead(kit.core, kit.scope, { id: created.json.data.uuid });
      expect(lead.status).toBe("contacted");
      expect(lead.assignee?.username).toBe(other.username);
    });

    it("answers every E8 validation message, all failing fields at once in the document's order", async () => {
      const none = await create(owner, {});
      expect(none.statusCode).toBe(400);
      expect(none.json).toEqual(
        fields({
          first_name: ["This field is required."],
          last_name: ["This field is required."],
          email: ["This field is required."],
          phone: ["This field is required."],
        }),
      );
      expect(Object.keys(none.json.errors)).toEqual(["first_name", "last_name", "email", "phone"]);
      const blank = await create(owner, {
        first_name: "",
        last_name: " ",
        email: "",
        phone: "",
        assignee: "",
      });
      expect(blank.json).toEqual(
        fields({
          first_name: ["This field may not be blank."],
          last_name: ["This field may not be blank."],
          email: ["This field may not be blank."],
          phone: ["This field may not be blank."],
          assignee: ["This field may not be blank."],
        }),
      );
      const tooLong = await create(owner, {
        first_name: long(256),
        last_name: long(256),
        email: `${long(250)}@example.com`,
        phone: "12345",
        location: long(256),
        message: long(256),
        status: "hot",
        source: "carrier-pigeon",
      });
      const max = ["Ensure this field has no more than 255 characters."];
      expect(tooLong.json).toEqual(
        fields({
          first_name: max,
          last_name: max,
          email: max,
          location: max,
          message: max,
          status: ["hot is not a valid choice."],
          source: ["carrier-pigeon is not a valid choice."],
        }),
      );
      expect(Object.keys(tooLong.json.errors)).toEqual([
        "first_name",
        "last_name",
        "email",
        "location",
        "message",
        "status",
        "source",
      ]);
      const formats = await create(owner, leadForm({ email: "not-an-email", phone: "+1 555 0100" }));
      expect(formats.json).toEqual(
        fields({
          email: ["Invalid email."],
          phone: ["Phone number must be entered in the format: '999999999'. Up to 15 digits allowed."],
        }),
      );
      expect((await create(owner, leadForm({ phone: "1234567890123456" }))).json.errors).toEqual({
        phone: ["Phone number must be entered in the format: '999999999'. Up to 15 digits allowed."],
      });
      const assignee = await create(owner, leadForm({ assignee: "ghost" }));
      expect(assignee.json).toEqual(fields({ assignee: ["Assignee not found."] }));
      // Another workspace's user is not an assignee here.
      const stranger = await epixelLogin(kit, { scope: kit.other.scope, secretKey: kit.other.secretKey });
      expect((await create(owner, leadForm({ assignee: stranger.username }))).json).toEqual(
        fields({ assignee: ["Assignee not found."] }),
      );
      // Nothing half-written stays behind.
      const listed = await epixel(kit, "GET", "/leads/list/", {
        session: owner,
        query: { first_name: long(256) },
      });
      expect(listed.json.data.count).toBe(0);
    });

    it("answers the core's tighter bounds and duplicate emails as field errors", async () => {
      const name = await create(owner, leadForm({ first_name: long(150) }));
      expect(name.json).toEqual(
        fields({ first_name: ["Ensure this field has no more than 100 characters."] }),
      );
      const body = leadForm();
      expect((await create(owner, body)).statusCode).toBe(200);
      const again = await create(owner, { ...body, first_name: "Other" });
      expect(again.json).toEqual(fields({ email: ["A lead with this email already exists."] }));
    });

    it("gives every lead a slug, whatever API creates it", async () => {
      const named = await createLead(kit.core, kit.scope, {
        firstName: "Zoë",
        lastName: "O'Neil",
        email: "z@x.io",
      });
      expect(named.slug).toBe(`zoe-o-neil-${named.number}`);
      const mailOnly = await createLead(kit.core, kit.scope, { email: "j.doe@x.io" });
      expect(mailOnly.slug).toBe(`j-doe-${mailOnly.number}`);
      const titled = await createLead(kit.core, kit.scope, { title: "Big Deal!" });
      expect(titled.slug).toBe(`big-deal-${titled.number}`);
      const phoneOnly = await createLead(kit.core, kit.scope, { phone: "+1 555" });
      expect(phoneOnly.slug).toBe(`lead-${phoneOnly.number}`);
      const valethon = await call(kit, "POST", `${VALETHON}/leads`, {
        key: kit.secretKey,
        body: { first_name: "Val", last_name: "Ethon", email: "val@ethon.io" },
      });
      expect(valethon.statusCode, valethon.body).toBe(201);
      const lead = await getLead(kit.core, kit.scope, { id: valethon.json.data.uuid });
      expect(lead.slug).toBe(`val-ethon-${lead.number}`);
      expect(lead.ownerUserId).toBeNull();
    });

    it("lists owned leads (or assigned ones), with filters and DRF pagination", async () => {
      const lister = await epixelLogin(kit);
      const helper = await epixelLogin(kit);
      const made: { slug: string; id: number }[] = [];
      for (let index = 0; index < 5; index++) {
        const response = await create(
          lister,
          leadForm({
            first_name: index === 0 ? "Unique" : "Many",
            last_name: `L${index}`,
            phone: `+1555000${index}`,
            status: index < 2 ? "customer" : "prospect",
            ...(index === 4 ? { assignee: helper.username } : {}),
          }),
        );
        made.push(response.json.data);
      }
      // Someone else's lead never shows in lister's list.
      await create(helper, leadForm({ first_name: "Unique" }));

      for (const path of ["/leads/list/", "/list/"]) {
        const all = await epixel(kit, "GET", path, { session: lister });
        expect(all.statusCode).toBe(200);
        expect(all.json.data.count).toBe(5);
        expect(all.json.data.results.map((lead: { slug: string }) => lead.slug)).toEqual(
          made.map((lead) => lead.slug).reverse(),
        );
      }
      const item = (await epixel(kit, "GET", "/leads/list/", { session: lister })).json.data.results[0];
      expect(Object.keys(item)).toEqual([
        "id",
        "slug",
        "uuid",
        "first_name",
        "last_name",
        "email",
        "phone",
        "status",
        "source",
        "location",
        "message",
        "owner",
        "assignee",
        "created",
      ]);
      expect(item).toMatchObject({ owner: lister.username, assignee: helper.username });

      const count = async (session: EpixelSession, query: Record<string, string>) => {
        const response = await epixel(kit, "GET", "/leads/list/", { session, query });
        expect(response.statusCode, response.body).toBe(200);
        return response.json.data.count;
      };
      expect(await count(lister, { first_name: "unique" })).toBe(1);
      expect(await count(lister, { last_name: "l3" })).toBe(1);
      expect(await count(lister, { phone: "+15550002" })).toBe(1);
      expect(await count(lister, { status: "customer" })).toBe(2);
      expect(await count(lister, { status: "prospect" })).toBe(3);
      expect(await count(lister, { status: "closed" })).toBe(0);
      expect(await count(lister, { owner: lister.username })).toBe(5);
      expect(await count(lister, { owner: helper.username })).toBe(0);
      expect(await count(lister, { owner: "ghost" })).toBe(0);
      expect(await count(helper, { list_type: "assigned" })).toBe(1);
      expect(await count(helper, {})).toBe(1);
      const firstEmail = (
        await epixel(kit, "GET", "/leads/list/", { session: lister, query: { limit: "1" } })
      ).json.data.results[0].email;
      expect(await count(lister, { email: firstEmail.toUpperCase() })).toBe(1);

      const page = await epixel(kit, "GET", "/leads/list/", {
        session: lister,
        query: { limit: "2", offset: "2" },
      });
      expect(page.json.data.results).toHaveLength(2);
      const next = new URL(page.json.data.next);
      const previous = new URL(page.json.data.previous);
      expect(next.pathname).toBe("/epixel/api/v1/leads/list/");
      expect(next.protocol).toBe("http:");
      expect(Object.fromEntries(next.searchParams)).toEqual({ limit: "2", offset: "4" });
      expect(Object.fromEntries(previous.searchParams)).toEqual({ limit: "2" });
      const last = await epixel(kit, "GET", "/leads/list/", {
        session: lister,
        query: { limit: "2", offset: "4" },
      });
      expect(last.json.data.next).toBeNull();
      expect(last.json.data.results).toHaveLength(1);
      const first = await epixel(kit, "GET", "/leads/list/", { session: lister, query: { limit: "2" } });
      expect(first.json.data.previous).toBeNull();
      const capped = await epixel(kit, "GET", "/leads/list/", { session: lister, query: { limit: "1000" } });
      expect(capped.json.data.results).toHaveLength(5);

      const bad = await epixel(kit, "GET", "/leads/list/", {
        session: lister,
        query: { list_type: "mine", status: "hot", campaign_slug: "spring" },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json.errors).toEqual({
        campaign_slug: [
          "Filtering by campaign is not supported: Kith's campaigns are sent to contacts, not made of leads.",
        ],
        list_type: ["mine is not a valid choice."],
        status: ["hot is not a valid choice."],
      });
      const badNumbers = await epixel(kit, "GET", "/leads/list/", {
        session: lister,
        query: { limit: "x", offset: "-1" },
      });
      expect(badNumbers.json).toEqual(
        fields({ offset: ["A valid integer is required."], limit: ["A valid integer is required."] }),
      );
    });

    it("shows lead details at both spellings with notes and appointments; refuses unknown and foreign slugs", async () => {
      const created = await create(owner, leadForm({ assignee: admin.username }));
      const { slug, uuid } = created.json.data;
      await epixel(kit, "POST", "/leads/create/leadnote/", { session: owner, body: { slug, note: "First" } });
      await createActivity(
        kit.core,
        { ...kit.scope, actor: owner.id },
        {
          type: "meeting",
          subject: "Demo",
          description: "Bring slides",
          entity: { entityType: "lead", id: uuid },
          startsAt: "2026-12-01T09:00:00.000Z",
          endsAt: "2026-12-01T10:00:00.000Z",
        },
      );
      for (const path of ["/leads/view/lead/", "/view/lead/"]) {
        const view = await epixel(kit, "GET", path, { session: owner, query: { slug } });
        expect(view.statusCode, view.body).toBe(200);
        expect(view.json.data.notes).toEqual([
          { id: expect.any(Number), note: "First", created: expect.any(String) },
        ]);
        expect(view.json.data.appointments).toEqual([
          {
            id: expect.any(Number),
            appointment_date: "2026-12-01 09:00",
            appointment_to: "2026-12-01 10:00",
            appointment_note: "Bring slides",
            appointment_status: "pending",
          },
        ]);
      }
      // The assignee sees it; someone else does not.
      expect((await epixel(kit, "GET", "/view/lead/", { session: admin, query: { slug } })).statusCode).toBe(
        200,
      );
      const invalid = fields({ slug: ["Requested slug is invalid."] });
      expect((await epixel(kit, "GET", "/view/lead/", { session: other, query: { slug } })).json).toEqual(
        invalid,
      );
      expect(
        (await epixel(kit, "GET", "/view/lead/", { session: owner, query: { slug: "nope-999" } })).json,
      ).toEqual(invalid);
      const required = fields({ slug: ["This field is required and this may not be blank."] });
      expect((await epixel(kit, "GET", "/view/lead/", { session: owner })).json).toEqual(required);
      expect(
        (await epixel(kit, "GET", "/view/lead/", { session: owner, query: { slug: " " } })).json,
      ).toEqual(required);
      // Another workspace's lead, by its slug.
      const foreign = await createLead(kit.core, kit.other.scope, { firstName: "F", email: "f@other.io" });
      const strangerAdmin = await epixelLogin(kit, { role: "admin" });
      expect(
        (await epixel(kit, "GET", "/view/lead/", { session: strangerAdmin, query: { slug: foreign.slug } }))
          .json,
      ).toEqual(invalid);
    });

    it("updates at both spellings: only the owner; the status word round-trips and follows other APIs", async () => {
      const created = await create(owner, leadForm({ status: "contact", location: "Rome" }));
      const { slug, uuid } = created.json.data;
      const spellings = ["/leads/update/lead/", "/update/lead/"];
      for (const [index, path] of spellings.entries()) {
        const response = await epixel(kit, "POST", path, {
          session: owner,
          body: leadForm({
            slug,
            first_name: `New${index}`,
            status: "tentative",
            source: "ads",
            message: "Hi",
          }),
          kind: index === 0 ? "urlencoded" : "multipart",
        });
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json.data).toEqual({ id: created.json.data.id, slug, uuid });
      }
      const view = async () =>
        (await epixel(kit, "GET", "/view/lead/", { session: owner, query: { slug } })).json.data;
      expect(await view()).toMatchObject({
        first_name: "New1",
        status: "tentative",
        source: "ads",
        location: "Rome",
        message: "Hi",
      });
      expect((await getLead(kit.core, kit.scope, { id: uuid })).status).toBe("contacted");
      // Blank optional fields clear them; assignee by username.
      const cleared = await epixel(kit, "POST", "/leads/update/lead/", {
        session: owner,
        body: leadForm({ slug, location: "", message: "", assignee: other.username }),
        kind: "json",
      });
      expect(cleared.statusCode, cleared.body).toBe(200);
      expect(await view()).toMatchObject({
        location: null,
        message: null,
        status: "tentative",
        assignee: other.username,
      });
      // A status change through another API resets the word to that status's default word.
      await updateLead(kit.core, kit.scope, { id: uuid }, { status: "qualified" });
      expect((await view()).status).toBe("potential");
      await updateLead(kit.core, kit.scope, { id: uuid }, { status: "contacted" });
      expect((await view()).status).toBe("contact");

      // Only the owner: not the assignee, not someone else.
      const body = leadForm({ slug });
      for (const session of [other, admin]) {
        const refused = await epixel(kit, "POST", "/leads/update/lead/", { session, body });
        expect(refused.statusCode).toBe(401);
        expect(refused.json).toEqual(failed("You are not owner of this lead."));
      }
      const missing = await epixel(kit, "POST", "/leads/update/lead/", {
        session: owner,
        body: leadForm({ slug: "no-such-lead-1" }),
      });
      expect(missing.statusCode).toBe(401);
      expect(missing.json).toEqual(failed("Requested lead does not esixt."));
    });

    it("records every change as lead.updated, Epixel's own fields too, with the user as actor", async () => {
      const created = await create(owner, leadForm({ location: "Oslo" }));
      const { slug, uuid } = created.json.data;
      const events = async () =>
        (
          await kit.core.db
            .selectFrom("events")
            .select(["type", "data", "actor"])
            .where("entity_id", "=", uuid)
            .orderBy("position")
            .execute()
        ).map((row) => ({ type: row.type, actor: row.actor, data: JSON.parse(row.data) }));
      const [createdEvent] = await events();
      expect(createdEvent).toMatchObject({ type: "lead.created", actor: owner.id });
      expect(createdEvent!.data).toMatchObject({ slug, ownerUserId: owner.id });
      const update = await epixel(kit, "POST", "/update/lead/", {
        session: owner,
        body: leadForm({ slug, email: createdEvent!.data.email, location: "Bergen", status: "tentative" }),
      });
      expect(update.statusCode, update.body).toBe(200);
      const updates = (await events()).filter((event) => event.type === "lead.updated");
      const changes = Object.assign({}, ...updates.map((event) => event.data.changes));
      expect(changes.location).toEqual({ from: "Oslo", to: "Bergen" });
      expect(changes.statusWord).toEqual({ from: null, to: "tentative" });
      expect(changes.status).toEqual({ from: "new", to: "contacted" });
      expect(updates.every((event) => event.actor === owner.id)).toBe(true);
      // An inactive user is no assignee.
      const leaving = await epixelLogin(kit);
      await kit.core.db.updateTable("users").set({ active: 0 }).where("id", "=", leaving.id).execute();
      expect((await create(owner, leadForm({ assignee: leaving.username }))).json).toEqual(
        fields({ assignee: ["Assignee not found."] }),
      );
    });

    it("answers every E9 validation message", async () => {
      const none = await epixel(kit, "POST", "/leads/update/lead/", { session: owner, body: {} });
      expect(none.json).toEqual(
        fields({
          slug: ["This field is required."],
          first_name: ["This field is required."],
          last_name: ["This field is required."],
          email: ["This field is required."],
          phone: ["This field is required."],
        }),
      );
      const bad = await epixel(kit, "POST", "/leads/update/lead/", {
        session: owner,
        body: {
          slug: long(259),
          first_name: "",
          last_name: long(256),
          email: "nope",
          phone: "phone",
          location: long(256),
          message: long(256),
          status: "warm",
          source: "tv",
          assignee: "",
        },
      });
      expect(bad.json).toEqual(
        fields({
          slug: ["Ensure this field has no more than 258 characters."],
          first_name: ["This field may not be blank."],
          last_name: ["Ensure this field has no more than 255 characters."],
          email: ["Invalid email."],
          phone: ["Phone number must be entered in the format: '999999999'. Up to 15 digits allowed."],
          location: ["Ensure this field has no more than 255 characters."],
          message: ["Ensure this field has no more than 255 characters."],
          status: ["warm is not a valid choice."],
          source: ["tv is not a valid choice."],
          assignee: ["This field may not be blank."],
        }),
      );
      const created = await create(owner, leadForm());
      const blankSlug = await epixel(kit, "POST", "/leads/update/lead/", {
        session: owner,
        body: leadForm({ slug: "" }),
      });
      expect(blankSlug.json).toEqual(fields({ slug: ["This field may not be blank."] }));
      const ghost = await epixel(kit, "POST", "/leads/update/lead/", {
        session: owner,
        body: leadForm({ slug: created.json.data.slug, assignee: "ghost" }),
      });
      expect(ghost.json).toEqual(fields({ assignee: ["Assignee not found."] }));
    });

    it("deletes softly at both spellings: only the owner; documented messages; gone from every API", async () => {
      for (const path of ["/leads/delete/lead/", "/delete/lead/"]) {
        const created = await create(owner, leadForm());
        const { slug, uuid, id } = created.json.data;
        const refused = await epixel(kit, "POST", path, { session: other, body: { slug } });
        expect(refused.statusCode).toBe(401);
        expect(refused.json).toEqual(failed("You can't delete this lead."));
        const deleted = await epixel(kit, "POST", path, { session: owner, body: { slug } });
        expect(deleted.statusCode, deleted.body).toBe(200);
        expect(deleted.json).toEqual({ status_code: 200, errors: {}, data: {} });
        await expect(getLead(kit.core, kit.scope, { id: uuid })).rejects.toThrow(/not found/);
        expect((await call(kit, "GET", `${VALETHON}/leads/${id}`, { key: kit.secretKey })).statusCode).toBe(
          404,
        );
        const again = await epixel(kit, "POST", path, { session: owner, body: { slug } });
        expect(again.json).toEqual(fields({ slug: ["Requested lead already has a deleted status."] }));
        const update = await epixel(kit, "POST", "/update/lead/", {
          session: owner,
          body: leadForm({ slug }),
        });
        expect(update.json).toEqual(failed("Requested lead does not esixt."));
        expect((await epixel(kit, "GET", "/view/lead/", { session: owner, query: { slug } })).json).toEqual(
          fields({ slug: ["Requested slug is invalid."] }),
        );
      }
      expect((await epixel(kit, "POST", "/delete/lead/", { session: owner, body: {} })).json).toEqual(
        fields({ slug: ["This field is required."] }),
      );
      expect(
        (await epixel(kit, "POST", "/delete/lead/", { session: owner, body: { slug: "" } })).json,
      ).toEqual(fields({ slug: ["This field may not be blank."] }));
      expect(
        (await epixel(kit, "POST", "/delete/lead/", { session: owner, body: { slug: "x-0" } })).json,
      ).toEqual(fields({ slug: ["Requested lead not found."] }));
    });

    it("lets admins act as owner of leads made through other APIs; agents may not", async () => {
      const lead = await createLead(kit.core, kit.scope, {
        firstName: "Owner",
        lastName: "Less",
        email: "ol@x.io",
      });
      const listed = await epixel(kit, "GET", "/leads/list/", {
        session: admin,
        query: { first_name: "Owner" },
      });
      expect(listed.json.data.count).toBe(1);
      expect(listed.json.data.results[0].owner).toBeNull();
      expect(
        (await epixel(kit, "GET", "/leads/list/", { session: other, query: { first_name: "Owner" } })).json
          .data.count,
      ).toBe(0);
      const agent = await epixel(kit, "POST", "/update/lead/", {
        session: other,
        body: leadForm({ slug: lead.slug, email: "ol@x.io" }),
      });
      expect(agent.json).toEqual(failed("You are not owner of this lead."));
      const byAdmin = await epixel(kit, "POST", "/update/lead/", {
        session: admin,
        body: leadForm({ slug: lead.slug, email: "ol@x.io", status: "closed" }),
      });
      expect(byAdmin.statusCode, byAdmin.body).toBe(200);
      expect((await getLead(kit.core, kit.scope, { id: lead.id })).status).toBe("unqualified");
      expect(
        (await epixel(kit, "POST", "/delete/lead/", { session: other, body: { slug: lead.slug } })).json,
      ).toEqual(failed("You can't delete this lead."));
      expect(
        (await epixel(kit, "POST", "/delete/lead/", { session: admin, body: { slug: lead.slug } }))
          .statusCode,
      ).toBe(200);
    });
  });
}
