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

export function createLogger(config: Pick<Config, "logLevel">): Logger {
  return pino({
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    // Pretty lines for a person at a terminal; JSON lines for everything else.
    ...(process.stdout.isTTY
      ? { transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss" } } }
      : {}),
  });
}
