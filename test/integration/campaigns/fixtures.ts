/** Records and helpers the campaign tests share (created through the core services, no mocks). */

import { createCompany } from "../../../src/core/companies/companies.service.js";
import type { ContactInput } from "../../../src/core/contacts/contact.types.js";
import { createContact } from "../../../src/core/contacts/contacts.service.js";
import type { Scope } from "../../../src/core/core.js";
import type { CoreError } from "../../../src/core/errors.js";
import type { LeadInput } from "../../../src/core/leads/lead.types.js";
import { createLead } from "../../../src/core/leads/leads.service.js";
import {
  addListMembers,
  createMarketingList,
} from "../../../src/core/marketing-lists/marketing-lists.service.js";
import { setTags } from "../../../src/core/tags/tags.js";
import type { TestKit } from "../../support/app.js";

export const newContact = (kit: TestKit, input: ContactInput, scope: Scope = kit.scope) =>
  createContact(kit.core, scope, input);

export const newCompany = (kit: TestKit, name: string, scope: Scope = kit.scope) =>
  createCompany(kit.core, scope, { name });

/** A lead, tagged with `tags` (leads take tags through entity_tags, as contacts do). */
export async function newLead(kit: TestKit, input: LeadInput, tags: string[] = [], scope: Scope = kit.scope) {
  const lead = await createLead(kit.core, scope, input);
  if (tags.length > 0) {
    await kit.core.db.transaction().execute((trx) => setTags(trx, scope.workspaceId, "lead", lead.id, tags));
  }
  return lead;
}

export async function newList(
  kit: TestKit,
  members: { contactIds?: string[]; companyIds?: string[] },
  scope: Scope = kit.scope,
) {
  const list = await createMarketingList(kit.core, scope, { name: `List ${Math.random()}` });
  await addListMembers(kit.core, scope, { id: list.id }, members);
  return list;
}

/** The events of one entity, oldest first. */
export async function eventsOf(kit: TestKit, entityId: string) {
  const rows = await kit.core.db
    .selectFrom("events")
    .select(["type", "data"])
    .where("entity_id", "=", entityId)
    .orderBy("position")
    .execute();
  return rows.map((row) => ({ type: row.type, data: JSON.parse(row.data) }));
}

/** The rejection of `promise` as a CoreError (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<CoreError> {
  try {
    await promise;
  } catch (error) {
    return error as CoreError;
  }
  throw new Error("expected a rejection");
}

/** Runs the sender until a round claims nothing (bounded). */
export async function drain(sender: { runOnce(): Promise<number> }, rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i += 1) {
    if ((await sender.runOnce()) === 0) return;
  }
  throw new Error("the sender did not drain");
}
