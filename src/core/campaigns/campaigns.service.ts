/**
 * Email and WhatsApp campaigns: creating one (the only writer of campaigns and their recipients)
 * and reading it back with its recipients' counts. The worker's side is in campaign-delivery.ts,
 * the sending in jobs/campaign-sender.ts.
 *
 * Decisions
 * - Audience: the union of every part given (listId, tags, leadFilter, leadIds, contactIds; at
 *   least one). A marketing list reaches its contacts and the contacts of its companies (through
 *   contact_companies memberships); tags match live leads and contacts; leadFilter matches live
 *   leads (an empty filter {} means every live lead). A lead without an email (phone) of its own is
 *   reached at its linked contact's. At most CAMPAIGN_LIMITS.recipients (50,000) records; a larger
 *   audience, or one that reaches no record at all, is a VALIDATION error on `audience`.
 * - Recipients: one row per record reached, in audience order. Exactly one `queued` row per unique
 *   address (lower-case email, or E.164 phone); the others are `skipped` with skip_reason
 *   `no_address` (no usable address), `duplicate` (an earlier record has the same address) or
 *   `unsubscribed` (the address unsubscribed from the workspace's campaigns on that channel).
 * - Phones: spaces and `-.()/` dropped, a leading 00 becomes +; a number without + is completed
 *   with the campaign's `defaultCountryCode` (its trunk 0 dropped) when given, otherwise it is
 *   no_address. E.164 = + and 8 to 15 digits.
 * - Placeholders {{name}}, {{first_name}}, {{email}}, {{phone}}, {{unsubscribe_url}} are rendered per
 *   recipient when sending (HTML-escaped in the body, as is in the subject and in WhatsApp
 *   parameters); the subject, HTML and template parameters are stored as given.
 * - Status: `queued` when created, `sending` once the worker claimed a recipient, then `sent` when
 *   no recipient is queued or sending — or `failed` when nothing at all was sent and at least one
 *   recipient failed. A campaign whose every recipient was skipped is `sent` at once. Finishing
 *   appends `campaign.sent` (or `campaign.failed`) with the counts, exactly once, in the same
 *   transaction as the last outcome. Creation appends `campaign.created` in its transaction.
 */
import type { Core, Scope, Trx } from "../core.js";
import { allocateNumber } from "../counters.js";
import { EMAIL_LIMITS } from "../email/email.types.js";
import { findConnectionRow } from "../email/email-connections.service.js";
import { notFound, validationError } from "../errors.js";
import { appendEvent } from "../events.js";
import { isUuid, newId } from "../ids.js";
import { requireText } from "../shared/validate.js";
import {
  checkAudience,
  checkCountryCode,
  checkTemplateLanguage,
  checkTemplateName,
  checkTemplateVariables,
  normaliseEmailAddress,
  normalisePhoneE164,
  recipientVariables,
} from "./campaign.rules.js";
import {
  CAMPAIGN_LIMITS,
  type Campaign,
  type CampaignAudience,
  type CampaignChannel,
  type CampaignRecipient,
  type EmailCampaignInput,
  type Page,
  type RecordId,
  type WhatsAppCampaignInput,
} from "./campaign.types.js";
import { type AudiencePerson, resolveAudience } from "./campaign-audience.js";
import {
  type CampaignRow,
  campaignEventData,
  countsOf,
  finishCampaignIfDone,
  type RecipientRow,
  toCampaign,
  toRecipient,
} from "./campaign-records.js";
import { unsubscribedAmong } from "./unsubscribes.js";
import { findWhatsAppConnectionRow } from "./whatsapp-connections.service.js";

const COUNTER = "campaigns";
const INSERT_CHUNK = 500;

type MessageColumns = Pick<
  CampaignRow,
  | "email_connection_id"
  | "whatsapp_connection_id"
  | "subject"
  | "html"
  | "template_name"
  | "template_language"
  | "template_variables"
>;

function requireConnectionId(value: unknown): RecordId {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  if (typeof value === "string" && value.trim() !== "") {
    return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value.trim();
  }
  throw validationError("connectionId", "is required");
}

/** One recipient row per person: queued for the first of each address, skipped otherwise. */
async function recipientRows(
  trx: Trx,
  scope: Scope,
  campaignId: string,
  channel: CampaignChannel,
  people: AudiencePerson[],
  addressOf: (person: AudiencePerson) => string | null,
  at: string,
): Promise<RecipientRow[]> {
  const seen = new Set<string>();
  const rows = people.map((person, position): RecipientRow => {
    const address = addressOf(person);
    const duplicate = address !== null && seen.has(address);
    if (address !== null) seen.add(address);
    const name = recipientVariables(person).name || null;
    return {
      id: newId(),
      workspace_id: scope.workspaceId,
      campaign_id: campaignId,
      record_type: person.recordType,
      record_id: person.recordId,
      name,
      address,
      // {{email}} / {{phone}} are the address the message goes to.
      variables: JSON.stringify({
        ...recipientVariables(person),
        ...(address === null ? {} : channel === "email" ? { email: address } : { phone: address }),
      }),
      status: address === null || duplicate ? "skipped" : "queued",
      skip_reason: address === null ? "no_address" : duplicate ? "duplicate" : null,
      attempts: 0,
      next_attempt_at: address === null || duplicate ? null : at,
      claimed_by: null,
      claimed_until: null,
      last_error: null,
      provider_message_id: null,
      sent_at: null,
      position,
    };
  });
  const queued = rows.filter((row) => row.status === "queued").map((row) => row.address!);
  const unsubscribed = await unsubscribedAmong(trx, scope.workspaceId, channel, queued);
  for (const row of rows) {
    if (row.status === "queued" && unsubscribed.has(row.address!)) {
      row.status = "skipped";
      row.skip_reason = "unsubscribed";
      row.next_attempt_at = null;
    }
  }
  return rows;
}

async function createCampaign(
  core: Core,
  scope: Scope,
  channel: CampaignChannel,
  name: string,
  audience: CampaignAudience,
  connectionOf: (trx: Trx) => Promise<Pick<MessageColumns, "email_connection_id" | "whatsapp_connection_id">>,
  message: Omit<MessageColumns, "email_connection_id" | "whatsapp_connection_id">,
  addressOf: (person: AudiencePerson) => string | null,
): Promise<Campaign> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const connection = await connectionOf(trx);
    const people = await resolveAudience(trx, scope, audience);
    if (people.length === 0) throw validationError("audience", "reaches no lead or contact");
    const row: CampaignRow = {
      id: newId(),
      workspace_id: scope.workspaceId,
      seq: await allocateNumber(trx, scope.workspaceId, COUNTER),
      channel,
      name,
      status: "queued",
      ...connection,
      ...message,
      audience: JSON.stringify(audience),
      created_at: at,
      updated_at: at,
      sent_at: null,
    };
    await trx.insertInto("campaigns").values(row).execute();
    const recipients = await recipientRows(trx, scope, row.id, channel, people, addressOf, at);
    for (let start = 0; start < recipients.length; start += INSERT_CHUNK) {
      await trx
        .insertInto("campaign_recipients")
        .values(recipients.slice(start, start + INSERT_CHUNK))
        .execute();
    }
    const counts = await countsOf(trx, row.id);
    await appendEvent(trx, scope, at, {
      type: "campaign.created",
      entityType: "campaign",
      entityId: row.id,
      data: campaignEventData(toCampaign(row, counts)),
    });
    // Everyone skipped: nothing for the worker to do, the campaign is finished now.
    if (counts.queued === 0) await finishCampaignIfDone(trx, row.id, at, scope.actor);
    const stored = await trx
      .selectFrom("campaigns")
      .selectAll()
      .where("id", "=", row.id)
      .executeTakeFirstOrThrow();
    return toCampaign(stored, counts);
  });
}

/** An email campaign through one of the workspace's active email connections. */
export async function createEmailCampaign(
  core: Core,
  scope: Scope,
  input: EmailCampaignInput,
): Promise<Campaign> {
  const name = requireText("name", input.name, CAMPAIGN_LIMITS.name);
  const connectionId = requireConnectionId(input.connectionId);
  const subject = requireText("subject", input.subject, EMAIL_LIMITS.subject);
  if (/[\r\n]/.test(subject)) throw validationError("subject", "must be a single line");
  if (typeof input.html !== "string" || input.html.trim() === "")
    throw validationError("html", "must not be empty");
  if (Buffer.byteLength(input.html) > EMAIL_LIMITS.html) {
    throw validationError("html", `must be at most ${EMAIL_LIMITS.html} bytes`);
  }
  const html = input.html;
  const audience = checkAudience(input.audience);
  return createCampaign(
    core,
    scope,
    "email",
    name,
    audience,
    async (trx) => {
      const connection = await findConnectionRow(trx, scope, connectionId);
      if (!connection)
        throw validationError("connectionId", "no email connection with this id in this workspace");
      if (connection.status !== "active")
        throw validationError("connectionId", "the email connection is disabled");
      return { email_connection_id: connection.id, whatsapp_connection_id: null };
    },
    { subject, html, template_name: null, template_language: null, template_variables: null },
    (person) => normaliseEmailAddress(person.email),
  );
}

/** A WhatsApp template campaign through one of the workspace's active WhatsApp connections. */
export async function createWhatsAppCampaign(
  core: Core,
  scope: Scope,
  input: WhatsAppCampaignInput,
): Promise<Campaign> {
  const name = requireText("name", input.name, CAMPAIGN_LIMITS.name);
  const connectionId = requireConnectionId(input.connectionId);
  const templateName = checkTemplateName(input.templateName);
  const templateLanguage = checkTemplateLanguage(input.templateLanguage);
  const variables = checkTemplateVariables(input.variables);
  const countryCode = checkCountryCode(input.defaultCountryCode);
  const audience = checkAudience(input.audience);
  return createCampaign(
    core,
    scope,
    "whatsapp",
    name,
    audience,
    async (trx) => {
      const connection = await findWhatsAppConnectionRow(trx, scope, connectionId);
      if (!connection) {
        throw validationError("connectionId", "no WhatsApp connection with this id in this workspace");
      }
      if (connection.status !== "active")
        throw validationError("connectionId", "the WhatsApp connection is disabled");
      return { email_connection_id: null, whatsapp_connection_id: connection.id };
    },
    {
      subject: null,
      html: null,
      template_name: templateName,
      template_language: templateLanguage,
      template_variables: JSON.stringify(variables),
    },
    (person) => normalisePhoneE164(person.phone, countryCode),
  );
}

async function requireCampaignRow(core: Core, scope: Scope, ref: RecordId): Promise<CampaignRow> {
  let query = core.db.selectFrom("campaigns").selectAll().where("workspace_id", "=", scope.workspaceId);
  if (typeof ref === "number") query = query.where("seq", "=", ref);
  else if (isUuid(ref)) query = query.where("id", "=", ref);
  else if (/^\d+$/.test(ref)) query = query.where("seq", "=", Number(ref));
  else throw notFound("campaign");
  const row = await query.executeTakeFirst();
  if (!row) throw notFound("campaign");
  return row;
}

/** The campaign (by UUID or number) with its recipients' counts per status. */
export async function getCampaign(core: Core, scope: Scope, ref: RecordId): Promise<Campaign> {
  const row = await requireCampaignRow(core, scope, ref);
  return toCampaign(row, await countsOf(core.db, row.id));
}

/** A page of the campaign's recipients in audience order (perPage at most CAMPAIGN_LIMITS.perPage). */
export async function listCampaignRecipients(
  core: Core,
  scope: Scope,
  ref: RecordId,
  page: { page: number; perPage: number },
): Promise<Page<CampaignRecipient>> {
  const row = await requireCampaignRow(core, scope, ref);
  const perPage = Math.min(Math.max(1, Math.trunc(page.perPage)), CAMPAIGN_LIMITS.perPage);
  const offset = (Math.max(1, Math.trunc(page.page)) - 1) * perPage;
  const { total } = await countsOf(core.db, row.id);
  if (total <= offset) return { items: [], total };
  const rows = await core.db
    .selectFrom("campaign_recipients")
    .selectAll()
    .where("campaign_id", "=", row.id)
    .orderBy("position")
    .limit(perPage)
    .offset(offset)
    .execute();
  return { items: rows.map(toRecipient), total };
}
