/**
 * CRMLead Pro ids: `<type>_<ULID>`, the record's UUIDv7 bits written in Crockford base32 (26
 * characters, as a ULID), e.g. `lead_01J2XK3M4N5P6Q7R…`. Reversible, so nothing is stored: the
 * id is decoded back to the UUID on the way in. Users are `user_<username>`.
 */
import { validationError } from "../../../core/errors.js";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const VALUES = new Map([...ALPHABET].map((char, index) => [char, index]));

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
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

export const publicId = (kind: IdKind, uuid: string): string => `${ID_PREFIXES[kind]}_${encodeUuid(uuid)}`;

/** The UUID a public id of `kind` stands for; a malformed one is a validation error on `field`. */
export function uuidOf(kind: IdKind, id: string, field: string): string {
  const prefix = `${ID_PREFIXES[kind]}_`;
  const body = id.startsWith(prefix) ? id.slice(prefix.length).toUpperCase() : "";
  if (body.length !== 26 || body[0]! > "7") {
    throw validationError(field, `must be a ${kind} id (${prefix} followed by 26 base32 characters)`);
  }
  let value = 0n;
  for (const char of body) {
    const digit = VALUES.get(char);
    if (digit === undefined) throw validationError(field, `must be a ${kind} id (${prefix}…)`);
    value = (value << 5n) | BigInt(digit);
  }
  const hex = value.toString(16).padStart(32, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Users by username: `user_<username>`. */
export const userId = (username: string): string => `user_${username}`;
export function usernameOf(id: string, field: string): string {
  if (!id.startsWith("user_") || id.length <= 5)
    throw validationError(field, "must be a user id (user_<username>)");
  return id.slice(5);
}
