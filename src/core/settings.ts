/** Server-wide settings kept in the database (not per workspace). */
import { randomBytes } from "node:crypto";
import type { Core } from "./core.js";

/**
 * The secret that signs tokens: KITH_SECRET when configured, otherwise generated on first start
 * and kept, so every process and every restart signs with the same one.
 */
export async function ensureServerSecret(core: Core, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const generated = randomBytes(32).toString("base64url");
  await core.db
    .insertInto("settings")
    .values({ key: "server_secret", value: generated })
    .onConflict((conflict) => conflict.column("key").doNothing())
    .execute();
  const row = await core.db
    .selectFrom("settings")
    .select("value")
    .where("key", "=", "server_secret")
    .executeTakeFirstOrThrow();
  return row.value;
}

const serverSecrets = new WeakMap<Core, string>();

/** The server secret (as ensureServerSecret), read from the database once per core. */
export async function serverSecretOf(core: Core, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  let secret = serverSecrets.get(core);
  if (!secret) {
    secret = await ensureServerSecret(core, undefined);
    serverSecrets.set(core, secret);
  }
  return secret;
}
