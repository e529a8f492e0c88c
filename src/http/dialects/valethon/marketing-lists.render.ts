/** Marketing lists and their members in Valethon's shape: integer ids plus `uuid`. */
import type { ListMember, MarketingList } from "../../../core/marketing-lists/marketing-list.types.js";
import { renderTime } from "./envelope.js";

export const renderMarketingList = (list: MarketingList) => ({
  list_id: list.number,
  uuid: list.id,
  name: list.name,
  description: list.description,
  member_count: list.memberCount,
  created_at: renderTime(list.createdAt),
  updated_at: renderTime(list.updatedAt),
});

export const renderMember = (member: ListMember) => ({
  member_type: member.memberType,
  member_id: member.number,
  uuid: member.id,
  name: member.name,
  added_at: renderTime(member.addedAt),
});
