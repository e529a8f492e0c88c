/**
 * Webhook secrets and signatures.
 *
 * Secrets
 * - A webhook secret is `whsec_` + base64 of 24 random bytes (the Standard Webhooks format). A
 *   secret given at registration is used as given (any non-empty string of printable characters).
 * - Secrets are stored only sealed: AES-256-GCM with key = SHA-256(server secret), stored as
 *   `v1.<base64url iv>.<base64url ciphertext>.<base64url tag>`. They are never logged and never
 *   returned after creation/rotation.
 *
 * What is signed (every delivery carries all of these):
 *
 * 1. The Valethon body. A delivery's stored payload is the JSON string of
 *    `{"event","timestamp","data"}` (keys in exactly that order, no whitespace: JSON.stringify).
 *    The signature inside the body is NOT stored: the dispatcher computes it at send time with the
 *    webhook's current secret (secrets can be rotated between attempts), using `valethonBody()`:
 *      signed bytes  = UTF-8 of JSON.stringify({ event, timestamp, data })
 *      signature     = "sha256=" + hex(HMAC-SHA256(key = UTF-8 of the full secret string, e.g.
 *                      "whsec_…" including the prefix, message = signed bytes))
 *      body sent     = JSON.stringify({ event, timestamp, data, signature })
 *    A receiver re-serialises `{event,timestamp,data}` from the parsed body (or, more robustly,
 *    takes the raw body and removes the trailing `,"signature":"…"}`) and compares.
 *
 * 2. `x-valethon-signature: sha256=<hex>`: hex(HMAC-SHA256(key = UTF-8 of the full secret string,
 *    message = the exact bytes of the HTTP request body, signature field included)). Uses the
 *    current (first) secret only.
 *
 * 3. Standard Webhooks (https://www.standardwebhooks.com/) headers, verifiable with the
 *    `standardwebhooks` libraries:
 *      webhook-id:        the delivery id (UUIDv7; the same on every retry and redelivery)
 *      webhook-timestamp: unix seconds of this attempt
 *      webhook-signature: "v1,<base64(HMAC-SHA256(key = base64-decode(secret without "whsec_"),
 *                          message = `${id}.${timestamp}.${body}`))>"; during a rotation's overlap
 *                          one such entry per secret, space-separated (new secret first).
 *    A secret that does not start with `whsec_` or whose remainder is not base64 is used as raw
 *    UTF-8 key bytes for this signature.
 *
 * CRMLead Pro webhooks (dialect `crmleadpro`) send their stored payload as it is (no signature
 * in the body) with the Standard Webhooks headers above (one entry per secret during a rotation's
 * overlap) and, instead of `x-valethon-signature`,
 *    `x-crmleadpro-signature: sha256=<hex>`: hex(HMAC-SHA256(key = UTF-8 of the full secret
 *    string, message = the exact bytes of the HTTP request body)), current secret only.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";

const SEAL_VERSION = "v1";

function sealKey(serverSecret: string): Buffer {
  return createHash("sha256").update(serverSecret, "utf8").digest();
}

/** Encrypts a webhook secret for storage (AES-256-GCM, key = SHA-256 of the server secret). */
export function sealSecret(serverSecret: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealKey(serverSecret), iv);
  const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    SEAL_VERSION,
    iv.toString("base64url"),
    ciphertext.toString("base64url"),
    tag.toString("base64url"),
  ].join(".");
}

/** Decrypts a sealed secret; throws if it was sealed with another server secret or was altered. */
export function openSecret(serverSecret: string, sealed: string): string {
  const parts = sealed.split(".");
  if (parts.length !== 4 || parts[0] !== SEAL_VERSION) throw new Error("sealed secret: unknown format");
  const [, iv, ciphertext, tag] = parts as [string, string, string, string];
  const decipher = createDecipheriv("aes-256-gcm", sealKey(serverSecret), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString(
    "utf8",
  );
}

/** A new Standard Webhooks secret: "whsec_" + base64 of 24 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The HMAC key of the Standard Webhooks signature for a secret. */
export function standardKey(secret: string): Buffer {
  if (secret.startsWith("whsec_")) {
    const rest = secret.slice("whsec_".length);
    if (rest.length > 0 && BASE64.test(rest)) return Buffer.from(rest, "base64");
  }
  return Buffer.from(secret, "utf8");
}

/** "sha256=<hex>" of HMAC-SHA256 keyed by the full secret string. */
export function valethonSignature(secret: string, message: string): string {
  return `sha256=${createHmac("sha256", Buffer.from(secret, "utf8")).update(message, "utf8").digest("hex")}`;
}

/** The stored payload of a delivery: JSON of {event, timestamp, data}, without signature. */
export function unsignedPayload(event: string, timestampIso: string, data: unknown): string {
  return JSON.stringify({ event, timestamp: timestampIso, data });
}

/** The Valethon body sent to a receiver, with its in-body signature (see the top comment). */
export function valethonBody(event: string, timestampIso: string, data: unknown, secret: string): string {
  const signed = unsignedPayload(event, timestampIso, data);
  return JSON.stringify({
    event,
    timestamp: timestampIso,
    data,
    signature: valethonSignature(secret, signed),
  });
}

/** Signs a stored payload (as produced by unsignedPayload) into the Valethon body. */
export function signStoredPayload(payload: string, secret: string): string {
  const parsed = JSON.parse(payload) as { event: string; timestamp: string; data: unknown };
  return valethonBody(parsed.event, parsed.timestamp, parsed.data, secret);
}

/** One "v1,<base64>" Standard Webhooks signature. */
export function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac("sha256", standardKey(secret))
    .update(`${id}.${timestamp}.${body}`, "utf8")
    .digest("base64");
  return `v1,${mac}`;
}

/**
 * The headers of one attempt. `secrets` is the current secret first, then (during a rotation's
 * overlap) the previous one; `body` is the exact string sent.
 */
export function signDelivery(input: {
  id: string;
  /** Unix seconds. */
  timestamp: number;
  body: string;
  secrets: string[];
}): Record<string, string> {
  const { id, timestamp, body, secrets } = input;
  if (secrets.length === 0) throw new Error("signDelivery: no secret");
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": secrets.map((secret) => standardSignature(secret, id, timestamp, body)).join(" "),
    "x-valethon-signature": valethonSignature(secrets[0]!, body),
  };
}

/** "sha256=<hex>" of HMAC-SHA256(full secret string, raw body): CRMLead Pro's header. */
export const crmleadproSignature = (secret: string, body: string): string => valethonSignature(secret, body);

/**
 * What one attempt sends for a webhook of `dialect`: the body (from the stored payload) and its
 * headers. Valethon: signStoredPayload + signDelivery; CRMLead Pro: the payload as it is, the
 * Standard Webhooks headers and `x-crmleadpro-signature`.
 */
export function deliveryRequest(
  dialect: string,
  input: { id: string; timestamp: number; payload: string; secrets: string[] },
): { body: string; headers: Record<string, string> } {
  const { id, timestamp, payload, secrets } = input;
  if (secrets.length === 0) throw new Error("deliveryRequest: no secret");
  if (dialect === "crmleadpro") {
    const { "x-valethon-signature": _valethon, ...standard } = signDelivery({
      id,
      timestamp,
      body: payload,
      secrets,
    });
    return {
      body: payload,
      headers: { ...standard, "x-crmleadpro-signature": crmleadproSignature(secrets[0]!, payload) },
    };
  }
  const body = signStoredPayload(payload, secrets[0]!);
  return { body, headers: signDelivery({ id, timestamp, body, secrets }) };
}
