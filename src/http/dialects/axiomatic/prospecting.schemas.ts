/** Request and response schemas of Axiomatic prospecting (seed-apis.md 003 row 1). */
import { Type } from "typebox";
import { Uuid } from "./common.schemas.js";

/**
 * The ids are plain strings here: the core checks each one, so a bad id is named by its position
 * (`companyIds[2]: must be a record id`) like an unknown one.
 */
const Ids = (what: string) =>
  Type.Optional(Type.Array(Type.String({ description: `A ${what} UUID` }), { description: `${what} UUIDs` }));

export const AddToMarketingListBodySchema = Type.Object(
  {
    listId: Uuid("The marketing list"),
    companyIds: Ids("company"),
    contactIds: Ids("contact"),
  },
  { additionalProperties: false },
);

export const AddToMarketingListResultSchema = Type.Object({
  listId: Uuid(),
  added: Type.Integer({ description: "Records newly put on the list" }),
  alreadyMembers: Type.Integer({ description: "Records that were on the list already (left as they were)" }),
});
