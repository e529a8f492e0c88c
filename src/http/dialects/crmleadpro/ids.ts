/**
 * CRMLead Pro ids: `<type>_<ULID>`, the record's UUIDv7 bits written in Crockford base32 (26
 * characters, as a ULID), e.g. `lead_01J2XK3M4N5P6Q7R…`. Reversible, so nothing is stored: the
 * id is decoded back to the UUID on the way in. Users are `user_<username>`.
 */
import { validationError } from "../../../core/errors.js";
import { ID_PREFIXES, type IdKind, PUBLIC_ID_ALPHABET } from "../../../core/shared/public-ids.js";

export { encodeUuid, ID_PREFIXES, type IdKind, publicId, userId } from "../../../core/shared/public-ids.js";

const VALUES = new Map([...PUBLIC_ID_ALPHABET].map((char, index) => [char, index]));

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

export function usernameOf(id: string, field: string): string {
  if (!id.startsWith("user_") || id.length <= 5)
    throw validationError(field, "must be a user id (user_<username>)");
  return id.slice(5);
}
