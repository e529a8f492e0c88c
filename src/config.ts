/**
 * Kith's configuration, parsed once at start-up from the environment into a frozen object.
 * A bad value throws a ConfigError whose message is one line naming the variable.
 */

export const DIALECT_NAMES = ["valethon", "devapi", "crmleadpro", "axiomatic", "epixel"] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

export const DEFAULT_MOUNTS: Readonly<Record<DialectName, string>> = {
  valethon: "/admin/api/v1/crm",
  devapi: "/devapi/api/v1",
  crmleadpro: "/api/v1",
  axiomatic: "/api/crm",
  epixel: "/epixel/api/v1",
};

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly redisUrl: string | undefined;
  /** Set explicitly; otherwise generated on first start and kept in the database. */
  readonly secret: string | undefined;
  readonly logLevel: LogLevel;
  readonly webhookAllowPrivate: boolean;
  readonly bootstrap: boolean;
  /** Events and finished webhook deliveries older than this many days are pruned by the worker. */
  readonly eventRetentionDays: number;
  /** How long a worker holds a claimed webhook delivery before another worker may take it over. */
  readonly webhookClaimSeconds: number;
  /** Requests per minute a public (widget) key may make over all its visitors, unless the key sets its own. */
  readonly widgetKeyCeiling: number;
  /** The address people reach this server at (links in campaign emails); default: host and port. */
  readonly publicUrl: string;
  /** Base path per dialect; `null` when the dialect is switched off. */
  readonly mounts: Readonly<Record<DialectName, string | null>>;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

function parsePort(name: string, raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name} must be a port number between 0 and 65535, got "${raw}"`);
  }
  return port;
}

function parseInteger(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === "") return fallback;
  const value = raw.toLowerCase();
  if (["1", "true", "yes", "on"].includes(value)) return true;
  if (["0", "false", "no", "off"].includes(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

export function parseDatabaseUrl(name: string, raw: string): string {
  if (raw.startsWith("sqlite:") && raw.length > "sqlite:".length) return raw;
  if (/^postgres(ql)?:\/\/.+/.test(raw)) {
    try {
      new URL(raw);
      return raw;
    } catch {
      // fall through to the error below
    }
  }
  throw new ConfigError(
    `${name} must be sqlite:PATH, sqlite::memory: or postgres://…, got "${redactUrl(raw)}"`,
  );
}

/** Hides the password of a URL so that an error line never prints it. */
export function redactUrl(raw: string): string {
  return raw.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}

function parseMount(name: string, raw: string | undefined, fallback: string): string | null {
  if (raw === undefined || raw === "") return fallback;
  if (raw === "off") return null;
  if (!/^\/[A-Za-z0-9_\-/.]*$/.test(raw) || raw.includes("//")) {
    throw new ConfigError(`${name} must be a path starting with / or "off", got "${raw}"`);
  }
  return raw.length > 1 ? raw.replace(/\/$/, "") : raw;
}

export function loadConfig(env: Env = process.env): Config {
  const logLevel = (env.KITH_LOG_LEVEL ?? "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(
      `KITH_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${env.KITH_LOG_LEVEL}"`,
    );
  }
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\/.+/.test(redisUrl)) {
    throw new ConfigError(`REDIS_URL must be redis://… or rediss://…, got "${redactUrl(redisUrl)}"`);
  }
  const secret = env.KITH_SECRET || undefined;
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError("KITH_SECRET must be at least 32 characters long");
  }
  const mounts = {} as Record<DialectName, string | null>;
  for (const dialect of DIALECT_NAMES) {
    const variable = `KITH_MOUNT_${dialect.toUpperCase()}`;
    mounts[dialect] = parseMount(variable, env[variable], DEFAULT_MOUNTS[dialect]);
  }
  const host = env.HOST || "127.0.0.1";
  const port = parsePort("PORT", env.PORT || "3000");
  return Object.freeze({
    port,
    host,
    databaseUrl: parseDatabaseUrl("DATABASE_URL", env.DATABASE_URL || "sqlite:./data/kith.sqlite"),
    redisUrl,
    secret,
    logLevel,
    webhookAllowPrivate: parseBoolean("KITH_WEBHOOK_ALLOW_PRIVATE", env.KITH_WEBHOOK_ALLOW_PRIVATE, false),
    bootstrap: parseBoolean("KITH_BOOTSTRAP", env.KITH_BOOTSTRAP, true),
    eventRetentionDays: parseInteger("KITH_EVENT_RETENTION_DAYS", env.KITH_EVENT_RETENTION_DAYS, 30, 1, 3650),
    // Below the 10 s attempt timeout a slow attempt may be taken over and sent twice (at-least-once
    // allows it); short values are for tests that kill workers.
    webhookClaimSeconds: parseInteger(
      "KITH_WEBHOOK_CLAIM_SECONDS",
      env.KITH_WEBHOOK_CLAIM_SECONDS,
      60,
      2,
      3600,
    ),
    widgetKeyCeiling: parseInteger("KITH_WIDGET_KEY_CEILING", env.KITH_WIDGET_KEY_CEILING, 600, 1, 1_000_000),
    publicUrl: parsePublicUrl(
      env.KITH_PUBLIC_URL,
      `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    ),
    mounts: Object.freeze(mounts),
  });
}

/** An http(s) origin with an optional path, without a trailing slash. */
function parsePublicUrl(raw: string | undefined, fallback: string): string {
  if (!raw) return fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`KITH_PUBLIC_URL must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`KITH_PUBLIC_URL must be an http(s) URL, got "${raw}"`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}
