/**
 * Record ids. Every row has a UUIDv7 primary key; dialects render it differently:
 * integers (a per-workspace sequence stored on the row), the UUID itself, a
 * `<prefix>_<ULID>` (the UUID's 128 bits in Crockford base32) or a slug.
 */
import { randomBytes } from "node:crypto";
import { uuidv7 } from "uuidv7";

export const newId = (): string => uuidv7();

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CROCKFORD_VALUES = new Map<string, number>([...CROCKFORD].map((char, index) => [char, index]));

/** 128 bits → 26 Crockford base32 characters (the first carries only 3 bits, as in ULID). */
export function uuidToUlid(uuid: string): string {
  let value = BigInt(`0x${uuid.replaceAll("-", "")}`);
  let out = "";
  for (let index = 0; index < 26; index++) {
    out = CROCKFORD[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

/** The inverse of uuidToUlid; `null` when the text is not a 26-character ULID. */
export function ulidToUuid(ulid: string): string | null {
  const text = ulid.toUpperCase();
  if (text.length !== 26) return null;
  let value = 0n;
  for (const char of text) {
    const digit = CROCKFORD_VALUES.get(char);
    if (digit === undefined) return null;
    value = (value << 5n) | BigInt(digit);
  }
  if (value >> 128n !== 0n) return null;
  const hex = value.toString(16).padStart(32, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Uniformly random alphanumeric text (rejection sampling, so no character is favoured). */
export function randomAlphanumeric(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}
