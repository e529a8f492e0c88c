/**
 * Fast bulk seeding of leads for the benchmark. `createLead` costs one transaction per lead (tens of
 * seconds for 10,000); this writes the same rows in one transaction, through the same tables and with
 * the same values the service would store:
 *
 * - a `leads` row per lead (seq 1..n, lower-cased `email_normalized`, ISO times with milliseconds);
 * - its `lead.created` event in `events` (the outbox), carrying the lead record as `createLead` does;
 * - its share of its stage's totals (`lead_stage_totals`);
 * - the workspace's `leads` sequence set to n, so the next `createLead` (the POST scenario) gets n + 1.
 *
 * `checkSeed` then reads the first and last lead and a page back through the core service, so a seeding
 * mistake fails here rather than as a wall of 404s in the benchmark.
 */

import type { Insertable } from "kysely";
import type { Core, Scope } from "../src/core/core.js";
import { newId } from "../src/core/ids.js";
import type { Lead, LeadStatus } from "../src/core/leads/lead.types.js";
import { addLeadRowsToStageTotals } from "../src/core/leads/lead-stage-totals.js";
import { getLead, listLeads } from "../src/core/leads/leads.service.js";
import { ensureDefaultPipeline } from "../src/core/pipelines/default-pipeline.js";
import { findDefaultPipeline } from "../src/core/pipelines/pipelines.repository.js";
import type { EventTable, NewLeadRow } from "../src/db/schema.js";

const FIRST_NAMES = [
  "Ada",
  "Grace",
  "Alan",
  "Edsger",
  "Barbara",
  "Donald",
  "Frances",
  "Ken",
  "Radia",
  "Linus",
];
const LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"];
const COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell", null];
const SOURCES = ["website", "referral", "ads", "event", "partner", null];
const STATUSES: LeadStatus[] = ["new", "new", "new", "contacted", "qualified", "unqualified", "converted"];

/** Rows per INSERT: 27 lead columns × 400 stays well under SQLite's bound-parameter limit. */
const CHUNK = 400;

const pick = <T>(list: readonly T[], index: number): T => list[index % list.length]!;

export async function seedLeads(core: Core, scope: Scope, count: number, tag: string): Promise<void> {
  // One lead a minute up to now, so `created_at` order matches number order, as it would in real use.
  const start = core.clock.now().getTime() - count * 60_000;
  // Cards spread over every stage of the default pipeline, most with a value.
  await ensureDefaultPipeline(core, scope);
  const stages = (await findDefaultPipeline(core.db, scope))!.stages;
  await core.db.transaction().execute(async (trx) => {
    for (let from = 1; from <= count; from += CHUNK) {
      const leads: NewLeadRow[] = [];
      const events: Insertable<EventTable>[] = [];
      for (let seq = from; seq < Math.min(from + CHUNK, count + 1); seq++) {
        const at = new Date(start + seq * 60_000).toISOString();
        const email = `lead${seq}@${tag}.example.com`;
        const record: Lead = {
          id: newId(),
          number: seq,
          firstName: pick(FIRST_NAMES, seq),
          lastName: pick(LAST_NAMES, seq * 7),
          email,
          phone: `+1 555 ${String(seq % 10_000).padStart(4, "0")}`,
          companyName: pick(COMPANIES, seq * 3),
          status: pick(STATUSES, seq * 5),
          source: pick(SOURCES, seq * 11),
          formType: seq % 4 === 0 ? "contact" : null,
          rawPayload: null,
          score: seq % 101,
          assignee: null,
          title: `Deal ${seq}`,
          stageId: pick(stages, seq * 13).id,
          stageChangedAt: at,
          valueMinor: seq % 3 === 0 ? null : (seq % 50) * 10_000,
          currency: seq % 3 === 0 ? null : "USD",
          companyId: null,
          contactId: null,
          slug: `lead-${seq}`,
          ownerUserId: null,
          createdAt: at,
          updatedAt: at,
        };
        leads.push({
          id: record.id,
          workspace_id: scope.workspaceId,
          seq,
          first_name: record.firstName,
          last_name: record.lastName,
          email,
          email_normalized: email.toLowerCase(),
          phone: record.phone,
          company_name: record.companyName,
          status: record.status,
          source: record.source,
          form_type: record.formType,
          raw_payload: null,
          score: record.score,
          assigned_user_id: null,
          title: record.title,
          stage_id: record.stageId,
          stage_changed_at: at,
          value_minor: record.valueMinor,
          currency: record.currency,
          company_id: null,
          contact_id: null,
          custom_fields: null,
          slug: record.slug,
          created_at: at,
          updated_at: at,
          deleted_at: null,
        });
        events.push({
          id: newId(),
          workspace_id: scope.workspaceId,
          type: "lead.created",
          entity_type: "lead",
          entity_id: record.id,
          data: JSON.stringify(record),
          actor: scope.actor,
          created_at: at,
        });
      }
      await trx.insertInto("leads").values(leads).execute();
      await addLeadRowsToStageTotals(trx, scope.workspaceId, leads);
      await trx.insertInto("events").values(events).execute();
    }
    await trx
      .insertInto("counters")
      .values({ workspace_id: scope.workspaceId, entity: "leads", last_number: count, live_count: count })
      .onConflict((conflict) =>
        conflict.columns(["workspace_id", "entity"]).doUpdateSet({ last_number: count, live_count: count }),
      )
      .execute();
  });
}

/** Reads the seed back through the core service; throws when it does not look as the service would. */
export async function checkSeed(core: Core, scope: Scope, count: number): Promise<void> {
  const first = await getLead(core, scope, { number: 1 });
  const last = await getLead(core, scope, { number: count });
  if (first.number !== 1 || last.number !== count) throw new Error("seeded lead numbers are off");
  const page = await listLeads(core, scope, { page: 1, perPage: 25, sort: "created_at", order: "desc" });
  if (page.total !== count || page.items[0]?.number !== count) {
    throw new Error(`seeded list is off: total ${page.total}, first ${page.items[0]?.number}`);
  }
}
