/**
 * Realistic demo data for a workspace, in bulk: leads, and in proportion companies, contacts,
 * opportunities and activities, with their counters and search documents. It writes rows in
 * chunks rather than through the services (a million leads through one-record transactions would
 * take an hour), so it records no events: demo history is not news for webhooks.
 *
 * Proportions per 10 leads: 1 company, 3 contacts, 1 opportunity, 5 activities. Every lead stands
 * in a stage of the default pipeline (six in ten in the first open one), half of them with a value.
 */
import { sql } from "kysely";
import type { LeadStageMoveTable } from "../../db/schema.js";
import type { Core, Scope, Trx } from "../core.js";
import { validationError } from "../errors.js";
import { newId } from "../ids.js";
import { addLeadRowsToStageTotals } from "../leads/lead-stage-totals.js";

export interface DemoCounts {
  leads: number;
  contacts: number;
  companies: number;
  opportunities: number;
}

export const MAX_DEMO_LEADS = 5_000_000;

const FIRST = [
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
  "Margaret",
  "John",
  "Sophie",
  "Tim",
  "Hedy",
  "Katherine",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "Thompson",
  "Perlman",
  "Torvalds",
  "Hamilton",
  "McCarthy",
  "Wilson",
  "Berners-Lee",
  "Lamarr",
  "Johnson",
];
const COMPANY_WORDS = [
  "Acme",
  "Globex",
  "Initech",
  "Umbrella",
  "Hooli",
  "Stark",
  "Wayne",
  "Tyrell",
  "Cyberdyne",
  "Soylent",
  "Vandelay",
  "Wonka",
  "Gringotts",
  "Oscorp",
  "Aperture",
  "Massive",
];
const COMPANY_KINDS = [
  "Industries",
  "Labs",
  "Systems",
  "Logistics",
  "Networks",
  "Foods",
  "Health",
  "Partners",
];
const INDUSTRIES = [
  "MSP",
  "Manufacturing",
  "Retail",
  "Healthcare",
  "Finance",
  "Education",
  "Logistics",
  null,
];
const SOURCES = ["website_form", "referral", "ads", "event", "partner", "chat_widget", null];
const STATUSES = [
  "new",
  "new",
  "new",
  "contacted",
  "contacted",
  "qualified",
  "unqualified",
  "converted",
] as const;
const ACTIVITY_TYPES = ["call", "email", "meeting", "task", "note"] as const;

const pick = <T>(list: readonly T[], index: number): T => list[index % list.length]!;
/** A cheap deterministic scramble, so neighbouring numbers get unrelated picks. */
const mix = (n: number) => Math.imul(n ^ (n >>> 15), 2_654_435_761) >>> 0;

/** Rows per INSERT statement: keeps every statement under SQLite's 32,766 bound parameters. */
const ROWS_PER_STATEMENT = 500;
/** Leads per transaction: big enough to amortise commits, small enough to keep memory flat. */
const LEADS_PER_BATCH = 10_000;

async function insertChunks(trx: Trx, table: string, rows: Record<string, unknown>[]): Promise<void> {
  for (let from = 0; from < rows.length; from += ROWS_PER_STATEMENT) {
    await trx
      .insertInto(table as never)
      .values(rows.slice(from, from + ROWS_PER_STATEMENT) as never)
      .execute();
  }
}

/** Reserves `count` numbers of `entity` at once and counts them live; returns the first. */
async function reserveNumbers(trx: Trx, workspaceId: string, entity: string, count: number): Promise<number> {
  const row = await trx
    .insertInto("counters")
    .values({ workspace_id: workspaceId, entity, last_number: count, live_count: count })
    .onConflict((conflict) =>
      conflict.columns(["workspace_id", "entity"]).doUpdateSet({
        last_number: sql<number>`counters.last_number + ${count}`,
        live_count: sql<number>`counters.live_count + ${count}`,
      }),
    )
    .returning("last_number")
    .executeTakeFirstOrThrow();
  return Number(row.last_number) - count + 1;
}

interface StageRef {
  id: string;
  pipelineId: string;
  key: string;
  name: string;
  kind: string;
  probability: number;
}

async function defaultStages(core: Core, scope: Scope): Promise<StageRef[]> {
  const rows = await core.db
    .selectFrom("pipeline_stages")
    .innerJoin("pipelines", "pipelines.id", "pipeline_stages.pipeline_id")
    .select([
      "pipeline_stages.id",
      "pipeline_stages.pipeline_id",
      "pipeline_stages.key",
      "pipeline_stages.name",
      "pipeline_stages.kind",
      "pipeline_stages.probability",
    ])
    .where("pipelines.workspace_id", "=", scope.workspaceId)
    .where("pipelines.is_default", "=", 1)
    .orderBy("pipeline_stages.position")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    pipelineId: row.pipeline_id,
    key: row.key,
    name: row.name,
    kind: row.kind,
    probability: Number(row.probability),
  }));
}

/**
 * The stages a demo lead went through to reach `target`: the open stages in order up to it, or, for
 * a won or lost stage, up to a scrambled open stage and then the closed one.
 */
function pathTo(stages: readonly StageRef[], target: StageRef, scramble: number): StageRef[] {
  const open = stages.filter((stage) => stage.kind === "open");
  const reached = open.indexOf(target);
  if (reached >= 0) return open.slice(0, reached + 1);
  return [...open.slice(0, (scramble % open.length) + 1), target];
}

const HOUR = 3_600_000;

/**
 * Adds `leadCount` leads and their proportion of other records to the workspace. `onProgress`
 * hears how many leads are written so far.
 */
export async function generateDemoData(
  core: Core,
  scope: Scope,
  leadCount: number,
  onProgress: (leadsDone: number) => void = () => {},
): Promise<DemoCounts> {
  if (!Number.isInteger(leadCount) || leadCount < 1 || leadCount > MAX_DEMO_LEADS) {
    throw validationError("leads", `must be a whole number from 1 to ${MAX_DEMO_LEADS}`);
  }
  const stages = await defaultStages(core, scope);
  if (stages.length === 0) throw validationError("workspace", "has no default pipeline");
  const firstOpen = stages.find((stage) => stage.kind === "open") ?? stages[0]!;
  const totals: DemoCounts = { leads: 0, contacts: 0, companies: 0, opportunities: 0 };
  const ws = scope.workspaceId;
  const now = core.clock.now().getTime();

  for (let done = 0; done < leadCount; done += LEADS_PER_BATCH) {
    const batch = Math.min(LEADS_PER_BATCH, leadCount - done);
    await core.db.transaction().execute(async (trx) => {
      const companyCount = Math.max(1, Math.floor(batch / 10));
      const contactCount = Math.floor((batch * 3) / 10);
      const opportunityCount = Math.floor(batch / 10);
      const activityCount = Math.floor(batch / 2);
      const firstLead = await reserveNumbers(trx, ws, "leads", batch);
      const firstCompany = await reserveNumbers(trx, ws, "companies", companyCount);
      const firstContact = contactCount ? await reserveNumbers(trx, ws, "contacts", contactCount) : 0;
      const firstOpportunity = opportunityCount
        ? await reserveNumbers(trx, ws, "opportunities", opportunityCount)
        : 0;
      const firstActivity = activityCount ? await reserveNumbers(trx, ws, "activities", activityCount) : 0;
      // Spread creation times over the last two years, oldest first, so number order is time order.
      const timeOf = (globalIndex: number) =>
        new Date(
          now - (leadCount - globalIndex) * Math.max(1, Math.floor(63_072_000_000 / leadCount)),
        ).toISOString();

      const search: Record<string, unknown>[] = [];
      const companies = Array.from({ length: companyCount }, (_, i) => {
        const seq = firstCompany + i;
        const name = `${pick(COMPANY_WORDS, mix(seq))} ${pick(COMPANY_KINDS, mix(seq + 7))} ${seq}`;
        const at = timeOf(done + i * 10);
        const row = {
          id: newId(),
          workspace_id: ws,
          seq,
          name,
          name_normalized: name.toLowerCase(),
          website: `https://${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.example.com`,
          industry: pick(INDUSTRIES, mix(seq + 3)),
          phone: `+1 555 ${String(seq % 10_000).padStart(4, "0")}`,
          relationship: seq % 5 === 0 ? "customer" : "prospect",
          status: "active",
          created_at: at,
          updated_at: at,
        };
        search.push(
          searchRow(ws, "company", row.id, seq, name, row.industry, `${row.website} ${row.phone}`, at),
        );
        return row;
      });

      const moves: (LeadStageMoveTable & Record<string, unknown>)[] = [];
      const leads = Array.from({ length: batch }, (_, i) => {
        const seq = firstLead + i;
        const leadId = newId();
        const first = pick(FIRST, mix(seq));
        const last = pick(LAST, mix(seq + 1));
        const email =
          `${first}.${last}.${seq}@${pick(COMPANY_WORDS, mix(seq + 2)).toLowerCase()}.example.com`.toLowerCase();
        const companyRow = pick(companies, mix(seq + 5));
        const company = companyRow.name;
        const at = timeOf(done + i);
        const source = pick(SOURCES, mix(seq + 4));
        // On the board: most new leads wait in the first stage, the rest spread over all of them,
        // each having moved there stage by stage, hours apart (never later than now).
        const stage = mix(seq + 9) % 10 < 6 ? firstOpen : pick(stages, mix(seq + 10));
        const path = pathTo(stages, stage, mix(seq + 13));
        let movedAt = Date.parse(at);
        for (let step = 1; step < path.length; step++) {
          movedAt = Math.min(now, movedAt + (1 + (mix(seq + 14 + step) % 96)) * HOUR);
          moves.push({
            id: newId(),
            workspace_id: ws,
            lead_id: leadId,
            from_stage_id: path[step - 1]!.id,
            from_stage_name: path[step - 1]!.name,
            to_stage_id: path[step]!.id,
            to_stage_name: path[step]!.name,
            actor: scope.actor,
            moved_at: new Date(movedAt).toISOString(),
          });
        }
        const valued = mix(seq + 11) % 2 === 0;
        const row = {
          id: leadId,
          workspace_id: ws,
          seq,
          first_name: first,
          last_name: last,
          email,
          email_normalized: email,
          phone: `+1 555 ${String(seq % 10_000).padStart(4, "0")}`,
          company_name: company,
          status: pick(STATUSES, mix(seq + 6)),
          source,
          score: mix(seq + 8) % 101,
          stage_id: stage.id,
          stage_changed_at: new Date(Math.max(movedAt, Date.parse(at))).toISOString(),
          value_minor: valued ? ((mix(seq + 12) % 500) + 1) * 10_000 : null,
          currency: valued ? "USD" : null,
          company_id: companyRow.id,
          created_at: at,
          updated_at: at,
        };
        search.push(
          searchRow(
            ws,
            "lead",
            row.id,
            seq,
            `${first} ${last}`,
            company,
            `${email} ${row.phone} ${company} ${source ?? ""}`,
            at,
          ),
        );
        return row;
      });

      const contacts = Array.from({ length: contactCount }, (_, i) => {
        const seq = firstContact + i;
        const first = pick(FIRST, mix(seq + 11));
        const last = pick(LAST, mix(seq + 12));
        const email = `${first}.${last}.c${seq}@example.org`.toLowerCase();
        const company = pick(companies, mix(seq + 13));
        const at = timeOf(done + Math.floor((i * 10) / 3));
        const row = {
          id: newId(),
          workspace_id: ws,
          seq,
          first_name: first,
          last_name: last,
          email,
          email_normalized: email,
          phone: `+44 20 7946 ${String(seq % 10_000).padStart(4, "0")}`,
          title: pick(["CTO", "Head of IT", "Owner", "Office Manager", "Engineer"], mix(seq + 14)),
          primary_company_id: company.id,
          created_at: at,
          updated_at: at,
        };
        search.push(
          searchRow(
            ws,
            "contact",
            row.id,
            seq,
            `${first} ${last}`,
            company.name,
            `${email} ${row.phone} ${row.title}`,
            at,
          ),
        );
        return row;
      });
      const memberships = contacts.map((contact) => ({
        id: newId(),
        workspace_id: ws,
        contact_id: contact.id,
        company_id: contact.primary_company_id,
        role: contact.title,
        is_primary: 1,
        created_at: contact.created_at,
        updated_at: contact.created_at,
      }));

      const opportunities = Array.from({ length: opportunityCount }, (_, i) => {
        const seq = firstOpportunity + i;
        const company = pick(companies, mix(seq + 21));
        const stage = pick(stages, mix(seq + 22));
        const at = timeOf(done + i * 10);
        const status = stage.kind === "won" ? "won" : stage.kind === "lost" ? "lost" : "open";
        const name = `${company.name} — ${pick(["Managed services", "Onboarding", "Renewal", "Expansion"], mix(seq + 23))}`;
        const row = {
          id: newId(),
          workspace_id: ws,
          seq,
          name,
          company_id: company.id,
          pipeline_id: stage.pipelineId,
          stage_id: stage.id,
          value_minor: (1_000 + (mix(seq + 24) % 99_000)) * 100,
          currency: "USD",
          probability: stage.probability,
          expected_close_date: new Date(now + (mix(seq + 25) % 180) * 86_400_000).toISOString().slice(0, 10),
          status,
          won_at: status === "won" ? at : null,
          lost_at: status === "lost" ? at : null,
          created_at: at,
          updated_at: at,
        };
        search.push(searchRow(ws, "opportunity", row.id, seq, name, company.name, stage.key, at));
        return row;
      });

      const activities = Array.from({ length: activityCount }, (_, i) => {
        const seq = firstActivity + i;
        const lead = leads[(i * 2) % leads.length]!;
        const type = pick(ACTIVITY_TYPES, mix(seq + 31));
        const completed = mix(seq + 32) % 3 === 0 ? 1 : 0;
        return {
          id: newId(),
          workspace_id: ws,
          seq,
          type,
          subject: `${type[0]!.toUpperCase()}${type.slice(1)} with ${lead.first_name} ${lead.last_name}`,
          entity_type: "lead",
          entity_id: lead.id,
          due_at: lead.created_at,
          duration_minutes: type === "meeting" || type === "call" ? 30 : null,
          completed,
          completed_at: completed ? lead.created_at : null,
          created_at: lead.created_at,
          updated_at: lead.created_at,
        };
      });

      await insertChunks(trx, "companies", companies);
      await insertChunks(trx, "leads", leads);
      await insertChunks(trx, "lead_stage_moves", moves);
      await addLeadRowsToStageTotals(trx, ws, leads, moves);
      await insertChunks(trx, "contacts", contacts);
      await insertChunks(trx, "contact_companies", memberships);
      await insertChunks(trx, "opportunities", opportunities);
      await insertChunks(trx, "activities", activities);
      await insertChunks(trx, "search_documents", search);
      totals.leads += batch;
      totals.companies += companyCount;
      totals.contacts += contactCount;
      totals.opportunities += opportunityCount;
    });
    onProgress(totals.leads);
  }
  // Fresh statistics, so the planner picks the right indexes for tables that just grew.
  await sql`analyze`.execute(core.db);
  return totals;
}

function searchRow(
  workspaceId: string,
  entityType: string,
  entityId: string,
  number: number,
  title: string,
  subtitle: string | null,
  body: string,
  at: string,
): Record<string, unknown> {
  return {
    workspace_id: workspaceId,
    entity_type: entityType,
    entity_id: entityId,
    number,
    title,
    subtitle,
    body,
    updated_at: at,
  };
}
