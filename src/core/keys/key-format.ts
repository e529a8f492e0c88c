/**
 * How keys look. The format only chooses the printed prefix, so that a key looks like the one its
 * client expects; any secret key authenticates on every dialect. Keys carry 32 random
 * alphanumerics (about 190 bits), so a fast digest is enough: SHA-256, compared in constant time.
 */
import { createHash } from "node:crypto";
import { randomAlphanumeric } from "../ids.js";
import type { KeyType } from "./permissions.js";

export const KEY_FORMATS = ["valethon", "devapi", "crmleadpro", "axiomatic", "epixel"] as const;
export type KeyFormat = (typeof KEY_FORMATS)[number];

const SECRET_PREFIX: Record<KeyFormat, string> = {
  valethon: "crm_",
  devapi: "dk_",
  crmleadpro: "crmlp_live_",
  axiomatic: "ak_",
  epixel: "epx_",
};

const RANDOM_LENGTH = 32;
/** How many random characters after the type prefix stay visible (in listings and logs). */
const VISIBLE_RANDOM = 6;

export function keyPrefixFor(type: KeyType, format: KeyFormat): string {
  if (type === "public_live") return "pk_live_";
  if (type === "public_test") return "pk_test_";
  return SECRET_PREFIX[format];
}

export interface GeneratedKey {
  key: string;
  /** The visible start: type prefix plus a few random characters. */
  prefix: string;
  digest: string;
}

export const digestKey = (key: string): string => createHash("sha256").update(key).digest("hex");

export function generateKey(type: KeyType, format: KeyFormat): GeneratedKey {
  const typePrefix = keyPrefixFor(type, format);
  const key = typePrefix + randomAlphanumeric(RANDOM_LENGTH);
  return { key, prefix: key.slice(0, typePrefix.length + VISIBLE_RANDOM), digest: digestKey(key) };
}

/** The part of a presented key that may be logged: at most the visible prefix, never more. */
export function loggableKeyPrefix(key: string): string {
  const match = /^(pk_live_|pk_test_|crmlp_live_|crm_|dk_|ak_|epx_)/.exec(key);
  return match ? key.slice(0, match[1]!.length + VISIBLE_RANDOM) : "(unrecognised key)";
}
