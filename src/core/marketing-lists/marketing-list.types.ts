/** Marketing lists: named sets of companies and contacts that campaigns send to. */
import type { Page } from "../leads/lead.types.js";

export const MARKETING_LIST_LIMITS = {
  name: 200,
  description: 2_000,
  /** Ids per add call: keeps one call's validation and insert bounded. */
  membersPerCall: 1_000,
} as const;

export const MEMBER_TYPES = ["company", "contact"] as const;
export type MemberType = (typeof MEMBER_TYPES)[number];

export interface MarketingList {
  id: string;
  number: number;
  name: string;
  description: string | null;
  /** Live companies and contacts on the list. */
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

export type MarketingListRef = { number: number } | { id: string };

export interface MarketingListInput {
  name?: unknown;
  description?: unknown;
}

/** A record id as the caller knows it: its UUID, or its per-workspace number. */
export type MemberId = string | number;

export interface AddMembersInput {
  companyIds?: readonly MemberId[];
  contactIds?: readonly MemberId[];
}

/** How the caller's dialect names the two id fields in its errors (`companyIds[2]`). */
export interface MemberFieldNames {
  companies: string;
  contacts: string;
}

export interface AddMembersResult {
  /** Records that were not on the list before this call. */
  added: number;
  /** Records given that were already on the list (each counted once). */
  alreadyMembers: number;
}

export interface ListMember {
  memberType: MemberType;
  id: string;
  number: number;
  /** The company's name, or the contact's full name (null when it has none). */
  name: string | null;
  addedAt: string;
}

export type { Page };
