/**
 * E2 list, E4 details, E8 create, E9 update and E10 delete of leads (seeds/004), addressed by slug.
 * Ownership (docs/epixel.md): the owner updates and deletes; owner or assignee reads and adds
 * notes; for leads without owner (made through other APIs) the workspace's admins act as owner.
 */
import type { FastifyInstance } from "fastify";
import type { Core, Scope } from "../../../core/core.js";
import { isCoreError } from "../../../core/errors.js";
import type { LeadInput, LeadStatus } from "../../../core/leads/lead.types.js";
import {
  createEpixelLead,
  EPIXEL_SOURCES,
  type EpixelExtras,
  listEpixelLeads,
  updateEpixelLead,
} from "../../../core/leads/lead-epixel.js";
import { canManageLead, canWorkOnLead, findLeadBySlug } from "../../../core/leads/lead-slugs.js";
import { type StatusWords, statusWordsOf } from "../../../core/leads/lead-status-words.js";
import { deleteLead } from "../../../core/leads/leads.service.js";
import { findUserSummaries } from "../../../core/users/user-refs.js";
import { workspaceTimeZone } from "../../../core/workspaces/workspace-time-zone.js";
import { actorOf, bodyOf, queryOf, queryText } from "./context.js";
import { EpixelError, FieldErrors, fieldError, ok, requestFailed } from "./envelope.js";
import { isEmail, MESSAGES, optionalText, PHONE_PATTERN, requiredText } from "./fields.js";
import { pageOf, pageWindow } from "./pages.js";
import { localMinute, renderLead } from "./render.js";
import { epixelRoute } from "./route.js";

export const LEAD_MESSAGES = {
  slugRequiredOrBlank: "This field is required and this may not be blank.",
  slugInvalid: "Requested slug is invalid.",
  leadNotFound: "Requested lead not found.",
  leadDeleted: "Requested lead already has a deleted status.",
  leadMissing: "Requested lead does not esixt.",
  notOwner: "You are not owner of this lead.",
  cannotDelete: "You can't delete this lead.",
  assigneeNotFound: "Assignee not found.",
  campaign:
    "Filtering by campaign is not supported: Kith's campaigns are sent to contacts, not made of leads.",
} as const;

export const LIST_LIMITS = { defaultLimit: 20, maxLimit: 100 } as const;

const NAME_MAX = 255;
const SLUG_MAX = 258;

interface LeadFields {
  input: LeadInput;
  extras: EpixelExtras;
  assigneeUsername?: string;
}

/** E8's fields (E9's too): every failing field at once, in the document's order. */
function checkLeadFields(errors: FieldErrors, body: Record<string, string>, words: StatusWords): LeadFields {
  const firstName = requiredText(errors, body, "first_name", NAME_MAX);
  const lastName = requiredText(errors, body, "last_name", NAME_MAX);
  const email = requiredText(errors, body, "email", NAME_MAX);
  if (email !== undefined && !isEmail(email)) errors.add("email", MESSAGES.email);
  const phone = requiredText(errors, body, "phone", NAME_MAX);
  if (phone !== undefined && !PHONE_PATTERN.test(phone)) errors.add("phone", MESSAGES.phone);
  const location = optionalText(errors, body, "location", 255);
  const message = optionalText(errors, body, "message", 255);
  const statusText = body.status?.trim();
  const definition = statusText ? words.of(statusText) : undefined;
  if (statusText && !definition) errors.add("status", MESSAGES.choice(statusText));
  const sourceText = body.source?.trim();
  if (sourceText && !(EPIXEL_SOURCES as readonly string[]).includes(sourceText)) {
    errors.add("source", MESSAGES.choice(sourceText));
  }
  let assigneeUsername: string | undefined;
  if (body.assignee !== undefined) {
    if (body.assignee.trim() === "") errors.add("assignee", MESSAGES.blank);
    else assigneeUsername = body.assignee.trim();
  }
  const input: LeadInput = {
    ...(firstName !== undefined ? { firstName } : {}),
    ...(lastName !== undefined ? { lastName } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(phone !== undefined ? { phone } : {}),
    ...(definition ? { status: definition.coreStatus as LeadStatus } : {}),
    ...(sourceText ? { source: sourceText } : {}),
  };
  const extras: EpixelExtras = {
    ...(location !== undefined ? { location } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(definition ? { statusWord: definition.word } : {}),
  };
  return { input, extras, ...(assigneeUsername !== undefined ? { assigneeUsername } : {}) };
}

/** The active user of the workspace named `username`, or null. */
async function activeUserId(core: Core, scope: Scope, username: string): Promise<string | null> {
  const row = await core.db
    .selectFrom("users")
    .select(["id", "active"])
    .where("workspace_id", "=", scope.workspaceId)
    .where("username", "=", username)
    .executeTakeFirst();
  return row && Number(row.active) === 1 ? row.id : null;
}

/** Core field errors in Epixel's names (the core's bounds are tighter than the document's). */
const CORE_FIELDS: Record<string, string> = {
  firstName: "first_name",
  lastName: "last_name",
  email: "email",
  phone: "phone",
  source: "source",
  assignee: "assignee",
};

async function coreWrite<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isCoreError(error) && (error.code === "VALIDATION" || error.code === "DUPLICATE") && error.field) {
      const field = CORE_FIELDS[error.field] ?? error.field;
      const detail =
        error.code === "DUPLICATE"
          ? "A lead with this email already exists."
          : /at most (\d+) characters/.test(error.detail)
            ? MESSAGES.maxLength(Number(/at most (\d+) characters/.exec(error.detail)![1]))
            : `${error.detail.charAt(0).toUpperCase()}${error.detail.slice(1)}.`;
      throw fieldError(field, detail);
    }
    throw error;
  }
}

/**
 * E8/E9's body checked, every failing field at once: E9's `slug` first (when `withSlug`), then the
 * lead's fields.
 */
async function checkedLeadBody(core: Core, scope: Scope, body: Record<string, string>, withSlug: boolean) {
  const words = await statusWordsOf(core.db, scope.workspaceId);
  const errors = new FieldErrors();
  const slug = withSlug ? requiredText(errors, body, "slug", SLUG_MAX) : undefined;
  const fields = checkLeadFields(errors, body, words);
  errors.throwIfAny();
  return { slug, fields };
}

/** The lead input with the `assignee` username resolved to an active user of the workspace. */
async function leadInputOf(core: Core, scope: Scope, fields: LeadFields): Promise<LeadInput> {
  const input: LeadInput = { ...fields.input };
  if (fields.assigneeUsername !== undefined) {
    const assigneeId = await activeUserId(core, scope, fields.assigneeUsername);
    if (!assigneeId) throw fieldError("assignee", LEAD_MESSAGES.assigneeNotFound);
    input.assignee = { id: assigneeId };
  }
  return input;
}

export async function leadsRoutes(app: FastifyInstance, deps: { core: Core }): Promise<void> {
  const { core } = deps;

  epixelRoute(
    app,
    "GET",
    "leads/list/",
    {
      summary: "List of owned leads (or, with list_type=assigned, of leads assigned to you)",
      description:
        "Query: `list_type` (`assigned`; default: owned), `first_name`, `last_name`, `email`, `phone` (exact, " +
        "case-insensitive for names and email), `status` (a status word), `owner` (username), `offset`, `limit` " +
        `(default ${LIST_LIMITS.defaultLimit}, at most ${LIST_LIMITS.maxLimit}). \`campaign_slug\` answers 400. ` +
        "Answers `data: {count, next, previous, results}`, newest first.",
      permission: "leads:read",
    },
    async (request) => {
      const { scope, user } = actorOf(request);
      const query = queryOf(request);
      const words = await statusWordsOf(core.db, scope.workspaceId);
      const errors = new FieldErrors();
      if (query.campaign_slug !== undefined) errors.add("campaign_slug", LEAD_MESSAGES.campaign);
      const listType = query.list_type?.trim() || "owned";
      if (listType !== "owned" && listType !== "assigned") errors.add("list_type", MESSAGES.choice(listType));
      const statusWord = query.status?.trim();
      const definition = statusWord ? words.of(statusWord) : undefined;
      if (statusWord && !definition) errors.add("status", MESSAGES.choice(statusWord));
      errors.throwIfAny();
      const windowErrors = new FieldErrors();
      const window = pageWindow(windowErrors, query, LIST_LIMITS);
      windowErrors.throwIfAny();
      const text = (field: string) => queryText(query, field);
      const ownerName = text("owner");
      const ownerUserId =
        ownerName === undefined
          ? undefined
          : ((
              await core.db
                .selectFrom("users")
                .select("id")
                .where("workspace_id", "=", scope.workspaceId)
                .where("username", "=", ownerName)
                .executeTakeFirst()
            )?.id ?? null);
      const firstName = text("first_name");
      const lastName = text("last_name");
      const email = text("email");
      const phone = text("phone");
      const page = await listEpixelLeads(core, scope, {
        viewer: user,
        listType: listType as "owned" | "assigned",
        ...(firstName !== undefined ? { firstName } : {}),
        ...(lastName !== undefined ? { lastName } : {}),
        ...(email !== undefined ? { email } : {}),
        ...(phone !== undefined ? { phone } : {}),
        ...(definition
          ? {
              status: {
                word: definition.word,
                coreStatus: definition.coreStatus,
                isDefault: words.defaultWordOf(definition.coreStatus) === definition.word,
              },
            }
          : {}),
        ...(ownerUserId !== undefined ? { ownerUserId } : {}),
        ...window,
      });
      return ok(pageOf(request, window, page, (lead) => renderLead(lead, words)));
    },
  );

  epixelRoute(
    app,
    "GET",
    "leads/view/lead/",
    {
      summary: "Details of a lead, with its notes and appointments",
      description: "Query `slug`* of a lead you own or are assigned to.",
      permission: "leads:read",
    },
    async (request) => {
      const { scope, user } = actorOf(request);
      const slug = queryOf(request).slug?.trim();
      if (!slug) throw fieldError("slug", LEAD_MESSAGES.slugRequiredOrBlank);
      const lead = slug.length > SLUG_MAX ? null : await findLeadBySlug(core.db, scope, slug);
      if (!lead || !canWorkOnLead(lead, user)) throw fieldError("slug", LEAD_MESSAGES.slugInvalid);
      const words = await statusWordsOf(core.db, scope.workspaceId);
      const owner = lead.ownerUserId
        ? ((await findUserSummaries(core.db, scope, [lead.ownerUserId])).get(lead.ownerUserId) ?? null)
        : null;
      const notes = await core.db
        .selectFrom("notes")
        .select(["seq", "content", "created_at"])
        .where("workspace_id", "=", scope.workspaceId)
        .where("entity_type", "=", "lead")
        .where("entity_id", "=", lead.id)
        .where("deleted_at", "is", null)
        .orderBy("created_at", "desc")
        .orderBy("seq", "desc")
        .execute();
      const meetings = await core.db
        .selectFrom("activities")
        .select(["seq", "starts_at", "ends_at", "description", "status"])
        .where("workspace_id", "=", scope.workspaceId)
        .where("entity_type", "=", "lead")
        .where("entity_id", "=", lead.id)
        .where("type", "=", "meeting")
        .where("deleted_at", "is", null)
        .orderBy("starts_at")
        .orderBy("seq")
        .execute();
      const zone = await workspaceTimeZone(core.db, scope.workspaceId);
      const at = (iso: string | null) => (iso ? localMinute(iso, zone) : null);
      return ok({
        ...renderLead({ ...lead, owner }, words),
        notes: notes.map((note) => ({ id: Number(note.seq), note: note.content, created: note.created_at })),
        appointments: meetings.map((meeting) => ({
          id: Number(meeting.seq),
          appointment_date: at(meeting.starts_at),
          appointment_to: at(meeting.ends_at),
          appointment_note: meeting.description,
          appointment_status: meeting.status ?? "pending",
        })),
      });
    },
  );

  epixelRoute(
    app,
    "POST",
    "leads/create/lead/",
    {
      summary: "Create a lead (you become its owner)",
      description:
        "Fields `first_name`*, `last_name`*, `email`*, `phone`* (`+` and up to 15 digits), `location`, `message` " +
        "(≤255), `status` (a status word), `source` (" +
        EPIXEL_SOURCES.join(", ") +
        "), `assignee` (username). Answers `data: {id, slug, uuid}`.",
      permission: "leads:write",
    },
    async (request) => {
      const { scope, user } = actorOf(request);
      const { fields } = await checkedLeadBody(core, scope, bodyOf(request), false);
      const input = await leadInputOf(core, scope, fields);
      const lead = await coreWrite(() => createEpixelLead(core, scope, user.id, input, fields.extras));
      return ok({ id: lead.number, slug: lead.slug, uuid: lead.id });
    },
  );

  epixelRoute(
    app,
    "POST",
    "leads/update/lead/",
    {
      summary: "Update a lead you own",
      description:
        "Fields `slug`* and, as on create, `first_name`*, `last_name`*, `email`*, `phone`*; `location`, `message`, " +
        "`status`, `source`, `assignee` are optional (absent: unchanged; blank location/message: cleared).",
      permission: "leads:write",
    },
    async (request) => {
      const { scope, user } = actorOf(request);
      const { slug, fields } = await checkedLeadBody(core, scope, bodyOf(request), true);
      const lead = await findLeadBySlug(core.db, scope, slug!);
      if (!lead) throw requestFailed(LEAD_MESSAGES.leadMissing);
      if (!canManageLead(lead, user)) throw requestFailed(LEAD_MESSAGES.notOwner);
      const input = await leadInputOf(core, scope, fields);
      const updated = await coreWrite(() => updateEpixelLead(core, scope, lead, input, fields.extras));
      return ok({ id: updated.number, slug: updated.slug, uuid: updated.id });
    },
  );

  epixelRoute(
    app,
    "POST",
    "leads/delete/lead/",
    {
      summary: "Delete a lead you own (soft: it leaves every list, in every API)",
      description: "Field `slug`*.",
      permission: "leads:delete",
    },
    async (request) => {
      const { scope, user } = actorOf(request);
      const lead = await leadOfSlugField(core, scope, bodyOf(request));
      if (!canManageLead(lead, user)) throw requestFailed(LEAD_MESSAGES.cannotDelete);
      await deleteLead(core, scope, { id: lead.id });
      return ok({});
    },
  );
}

/**
 * E10/E11's `slug` field: required, not blank, a lead of the workspace that is not deleted.
 * `extra` adds the other fields' errors, so every failing field is answered at once.
 */
export async function leadOfSlugField(
  core: Core,
  scope: Scope,
  body: Record<string, string>,
  extra?: (errors: FieldErrors) => void,
) {
  const errors = new FieldErrors();
  const slug = requiredText(errors, body, "slug", SLUG_MAX);
  const lead =
    slug === undefined ? null : await findLeadBySlug(core.db, scope, slug, { includeDeleted: true });
  if (slug !== undefined) {
    if (!lead) errors.add("slug", LEAD_MESSAGES.leadNotFound);
    else if (lead.deleted) errors.add("slug", LEAD_MESSAGES.leadDeleted);
  }
  extra?.(errors);
  errors.throwIfAny();
  if (!lead) throw new EpixelError(400, { slug: [LEAD_MESSAGES.leadNotFound] });
  return lead;
}
