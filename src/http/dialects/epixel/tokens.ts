/**
 * Epixel's JWTs (HS256, node:crypto only). The signing key is derived from the server secret
 * (KITH_SECRET or the generated one, src/core/settings.ts) as HMAC-SHA256(secret, "epixel-jwt"),
 * so no other token Kith signs can pass as one. Claims: `sub` (user id), `wid` (workspace id),
 * `type` (`access` | `refresh`), `iat`, `exp`, `jti`. Access tokens live 15 minutes, refresh
 * tokens 7 days.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_SECONDS = 7 * 24 * 60 * 60;

export type TokenType = "access" | "refresh";

export interface TokenClaims {
  sub: string;
  wid: string;
  type: TokenType;
  iat: number;
  exp: number;
  jti: string;
}

export const jwtKeyOf = (serverSecret: string): Buffer =>
  createHmac("sha256", serverSecret).update("epixel-jwt").digest();

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const HEADER = encode({ alg: "HS256", typ: "JWT" });

export function signToken(
  key: Buffer,
  claims: { sub: string; wid: string; type: TokenType },
  nowMs: number,
): string {
  const iat = Math.floor(nowMs / 1000);
  const ttl = claims.type === "access" ? ACCESS_TTL_SECONDS : REFRESH_TTL_SECONDS;
  const body: TokenClaims = { ...claims, iat, exp: iat + ttl, jti: randomUUID() };
  const unsigned = `${HEADER}.${encode(body)}`;
  return `${unsigned}.${createHmac("sha256", key).update(unsigned).digest("base64url")}`;
}

/** Why a presented token was refused, for the 401 message. */
export type TokenProblem = "invalid" | "expired" | "wrong_type";

/** The token's claims when it is well-formed, signed with `key`, of `type` and not expired. */
export function verifyToken(
  key: Buffer,
  token: string,
  type: TokenType,
  nowMs: number,
): { claims: TokenClaims } | { problem: TokenProblem } {
  const parts = token.split(".");
  if (parts.length !== 3 || token.length > 4096) return { problem: "invalid" };
  const [header, payload, signature] = parts as [string, string, string];
  if (header !== HEADER) return { problem: "invalid" };
  const expected = createHmac("sha256", key).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { problem: "invalid" };
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { problem: "invalid" };
  }
  if (
    typeof claims?.sub !== "string" ||
    typeof claims.wid !== "string" ||
    typeof claims.exp !== "number" ||
    (claims.type !== "access" && claims.type !== "refresh")
  ) {
    return { problem: "invalid" };
  }
  if (claims.type !== type) return { problem: "wrong_type" };
  if (claims.exp <= Math.floor(nowMs / 1000)) return { problem: "expired" };
  return { claims };
}
