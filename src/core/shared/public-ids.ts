/**
 * Public ids of the CRMLead Pro shape: `<type>_<ULID>`, the record's UUIDv7 bits written in
 * Crockford base32 (26 characters, as a ULID), e.g. `lead_01J2XK3M4N5P6Q7R…`. Reversible, so
 * nothing is stored. Users are `user_<username>`. In the core because webhook payloads carry them
 * (the dialect's ids.ts re-exports these and adds the decoding).
 */

export const PUBLIC_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export const ID_PREFIXES = {
  lead: "lead",
  deal: "deal",
  contact: "contact",
  company: "company",
  pipeline: "pipe",
  stage: "stage",
  campaign: "camp",
  webhook: "wh",
  activity: "act",
  note: "note",
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

/** The UUID's 128 bits as 26 Crockford base32 characters (the first carries 3 bits). */
export function encodeUuid(uuid: string): string {
  let value = BigInt(`0x${uuid.replaceAll("-", "")}`);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = PUBLIC_ID_ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

export const publicId = (kind: IdKind, uuid: string): string => `${ID_PREFIXES[kind]}_${encodeUuid(uuid)}`;

/** Users by username: `user_<username>`. */
export const userId = (username: string): string => `user_${username}`;
