/** The process logger (pino). Credentials are redacted wherever they could appear. */
import pino, { type Logger } from "pino";
import type { Config } from "./config.js";

/** Paths whose values must never reach a log line. */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  "req.headers.apikey",
  "req.headers.cookie",
  "*.password",
  "*.secret",
  "*.key",
  "*.token",
];

/** Query parameters that may carry a credential (the widget stream's `key`: EventSource sends no headers). */
const CREDENTIAL_PARAMETER = /([?&]key=)[^&#]*/gi;

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * Serializers the HTTP server's request logs use (they take precedence over Fastify's own): the
 * request as Fastify shows it, with credentials in the URL's query replaced.
 */
export const LOG_SERIALIZERS = {
  req: (request: LoggedRequest) => ({
    method: request.method,
    url: request.url.replace(CREDENTIAL_PARAMETER, "$1[redacted]"),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }),
};

export function createLogger(config: Pick<Config, "logLevel">): Logger {
  return pino({
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    serializers: LOG_SERIALIZERS,
    // Pretty lines for a person at a terminal; JSON lines for everything else.
    ...(process.stdout.isTTY
      ? { transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss" } } }
      : {}),
  });
}
