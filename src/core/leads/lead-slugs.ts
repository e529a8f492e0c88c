/**
 * Epixel names leads by slug (seeds/004). Every lead gets one when it is created, whatever the API:
 * its name (or title, or the email's local part) slugified, then "-" and the lead's number. The
 * number is the last segment and unique per workspace, so the slug is unique by construction and
 * costs no lookup. Leads from before slugs are `lead-<number>` (migration 13).
 *
 * Ownership (docs/epixel.md): a lead's owner is the user who created it through Epixel. Leads made
 * through other APIs have no owner; for them, the workspace's admins act as owner.
 */
import type { Executor, Scope } from "../core.js";
import type { Lead, LeadInput } from "./lead.types.js";
import { findArchivedLead, findLead } from "./leads.repository.js";

/** Longest slug part before "-<number>", so a slug stays within Epixel's 258 characters. */
const SLUG_BASE_MAX = 200;

export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SLUG_BASE_MAX)
    .replace(/-+$/g, "");
}

/** The slug of a new lead numbered `seq`. Pure: no query. */
export function leadSlug(
  input: Pick<LeadInput, "firstName" | "lastName" | "title" | "email">,
  seq: number,
): string {
  const name = [input.firstName, input.lastName].filter(Boolean).join(" ");
  const base =
    slugify(name) || slugify(input.title ?? "") || slugify((input.email ?? "").split("@")[0] ?? "");
  return `${base || "lead"}-${seq}`;
}

/** Epixel's own fields of a lead, besides the core record. */
export interface EpixelLeadExtras {
  deleted: boolean;
  /** The word set through Epixel, or null: the default word of the lead's core status. */
  statusWord: string | null;
  location: string | null;
  message: string | null;
}

/** A lead of the workspace by slug (live, or also deleted when asked), or null. */
export async function findLeadBySlug(
  db: Executor,
  scope: Scope,
  slug: string,
  options: { includeDeleted?: boolean } = {},
): Promise<(Lead & EpixelLeadExtras) | null> {
  const row = await db
    .selectFrom("leads")
    .select(["id", "deleted_at", "status_word", "location", "message"])
    .where("workspace_id", "=", scope.workspaceId)
    .where("slug", "=", slug)
    .executeTakeFirst();
  if (!row) return null;
  const deleted = row.deleted_at !== null;
  if (deleted && !options.includeDeleted) return null;
  const lead = deleted
    ? await findArchivedLead(db, scope, row.id)
    : await findLead(db, scope, { id: row.id });
  if (!lead) return null;
  return {
    ...lead,
    deleted,
    statusWord: row.status_word,
    location: row.location,
    message: row.message,
  };
}

export interface LeadActor {
  id: string;
  role: "admin" | "agent";
}

/** Update and delete: the owner; for a lead without owner, any admin of the workspace. */
export function canManageLead(lead: Pick<Lead, "ownerUserId">, user: LeadActor): boolean {
  return lead.ownerUserId === null ? user.role === "admin" : lead.ownerUserId === user.id;
}

/** Read, notes and appointments: whoever manages the lead, or its assignee. */
export function canWorkOnLead(lead: Pick<Lead, "ownerUserId" | "assignee">, user: LeadActor): boolean {
  return canManageLead(lead, user) || lead.assignee?.id === user.id;
}
