/** Money as the core stores it: whole minor units (cents) of an ISO 4217 currency, so sums are exact. */
import { validationError } from "../errors.js";

/** The largest amount (major units) any record accepts. */
export const MONEY_MAX = 1_000_000_000_000;

/** Major units to minor units (cents), refusing more than two decimals. */
export function toMinor(field: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw validationError(field, "must be a number");
  if (value < 0) throw validationError(field, "must not be negative");
  if (value > MONEY_MAX) throw validationError(field, `must be at most ${MONEY_MAX}`);
  const minor = Math.round(value * 100);
  if (Math.abs(minor - value * 100) > 1e-6 * Math.max(1, value)) {
    throw validationError(field, "must have at most 2 decimal places");
  }
  return minor;
}

export const fromMinor = (minor: number | null): number | null => (minor === null ? null : minor / 100);

/** An upper-cased 3-letter ISO 4217 code. */
export function checkCurrency(field: string, value: unknown): string {
  const currency = typeof value === "string" ? value.trim().toUpperCase() : "";
  if (!/^[A-Z]{3}$/.test(currency))
    throw validationError(field, "must be a 3-letter ISO 4217 code such as USD");
  return currency;
}

/** The currency of a record created without one. */
export const DEFAULT_CURRENCY = "USD";
