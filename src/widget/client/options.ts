/**
 * The embed snippet's `window.ValethonWidget` options, checked and given their defaults. Pure (no
 * DOM), so the rules are unit-tested in Node; the browser passes `CSS.supports` as `supports`.
 */

export const POSITIONS = ["bottom-right", "bottom-left"] as const;
export type Position = (typeof POSITIONS)[number];

export interface WidgetOptions {
  publicKey: string;
  position: Position;
  /** The snippet's colour when it gave a valid one; otherwise null (branding, then the default). */
  primaryColor: string | null;
  /** The snippet's greeting when given; otherwise null (the server's greeting, then the default). */
  greeting: string | null;
  showOnMobile: boolean;
  autoOpen: boolean;
  autoOpenDelay: number;
}

export const DEFAULTS = {
  position: "bottom-right" as Position,
  primaryColor: "#1FB6FF",
  greeting: "Hi! How can we help?",
  showOnMobile: true,
  autoOpen: false,
  autoOpenDelay: 5000,
} as const;

const MAX_GREETING = 500;
const MAX_AUTO_OPEN_DELAY = 10 * 60 * 1000;

const HEX = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const FUNCTIONAL = /^(?:rgba?|hsla?)\(\s*[-+0-9.%,\s/deg]+\)$/i;
const NAMED = /^[a-z]{3,30}$/i;
/** Words CSS accepts as a colour that are no colour of their own. */
const NOT_A_COLOUR = new Set(["inherit", "initial", "unset", "revert", "currentcolor", "transparent"]);

/**
 * Whether `value` is a hex, rgb()/rgba(), hsl()/hsla() or named CSS colour. The shapes are checked
 * first (so `var()`, `url()` and CSS-wide keywords never pass), then the browser's own parser.
 */
export function isCssColour(value: unknown, supports?: (colour: string) => boolean): value is string {
  if (typeof value !== "string") return false;
  const colour = value.trim();
  if (colour.length > 64) return false;
  const shaped =
    HEX.test(colour) ||
    FUNCTIONAL.test(colour) ||
    (NAMED.test(colour) && !NOT_A_COLOUR.has(colour.toLowerCase()));
  return shaped && (supports === undefined || supports(colour));
}

export type ReadOptions = { options: WidgetOptions; warnings: string[] } | { error: string };

/** Reads the snippet's options; a missing public key is the only fatal problem. */
export function readOptions(raw: unknown, supports?: (colour: string) => boolean): ReadOptions {
  const given = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const publicKey = typeof given.publicKey === "string" ? given.publicKey.trim() : "";
  if (!publicKey) {
    return { error: 'window.ValethonWidget.publicKey is required (a public key such as "pk_live_…")' };
  }
  const warnings: string[] = [];
  const pick = <T>(name: string, ok: boolean, value: T, fallback: T, expected: string): T => {
    if (given[name] === undefined) return fallback;
    if (ok) return value;
    warnings.push(`${name} must be ${expected}; the default is used`);
    return fallback;
  };
  const greeting = typeof given.greeting === "string" ? given.greeting.trim().slice(0, MAX_GREETING) : "";
  const delay = given.autoOpenDelay;
  return {
    options: {
      publicKey,
      position: pick(
        "position",
        (POSITIONS as readonly unknown[]).includes(given.position),
        given.position as Position,
        DEFAULTS.position,
        POSITIONS.join(" or "),
      ),
      primaryColor: pick(
        "primaryColor",
        isCssColour(given.primaryColor, supports),
        typeof given.primaryColor === "string" ? given.primaryColor.trim() : null,
        null,
        "a CSS colour (hex, rgb(), hsl() or a colour name)",
      ),
      greeting: pick("greeting", greeting !== "", greeting, null, "a non-empty text"),
      showOnMobile: pick(
        "showOnMobile",
        typeof given.showOnMobile === "boolean",
        given.showOnMobile as boolean,
        DEFAULTS.showOnMobile,
        "true or false",
      ),
      autoOpen: pick(
        "autoOpen",
        typeof given.autoOpen === "boolean",
        given.autoOpen as boolean,
        DEFAULTS.autoOpen,
        "true or false",
      ),
      autoOpenDelay: pick(
        "autoOpenDelay",
        typeof delay === "number" && Number.isFinite(delay) && delay >= 0 && delay <= MAX_AUTO_OPEN_DELAY,
        delay as number,
        DEFAULTS.autoOpenDelay,
        `a number of milliseconds from 0 to ${MAX_AUTO_OPEN_DELAY}`,
      ),
    },
    warnings,
  };
}
