/**
 * Wall-clock times in an IANA time zone, converted with Intl only (no time-zone database of our
 * own). Conversions follow Temporal's `compatible` disambiguation: a wall time that occurs twice
 * (clocks turned back) is the earlier instant; one that does not occur (clocks turned forward) is
 * moved forward by the length of the gap (02:30 on a spring-forward night in Berlin is 03:30 CEST).
 */

/** A wall-clock time: calendar date and time of day, no zone. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const HOUR = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, format);
  }
  return format;
}

/** True for a time-zone name Intl knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(name: unknown): name is string {
  if (typeof name !== "string" || name.trim() === "" || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time (to the second, as UTC milliseconds) at the instant `ms` in `zone`. */
function wallMs(ms: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(ms))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The zone's offset from UTC (milliseconds) at the instant `ms`. */
function offsetAt(ms: number, zone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallMs(whole, zone) - whole;
}

export const wallTimeMs = (wall: WallTime): number =>
  Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);

/** The instant a wall-clock time in `zone` names (see the module comment for gaps and overlaps). */
export function zonedToUtc(wall: WallTime, zone: string): Date {
  const local = wallTimeMs(wall);
  // Offsets change at most once within a day on either side, so these two cover every case.
  const before = offsetAt(local - 24 * HOUR, zone);
  const after = offsetAt(local + 24 * HOUR, zone);
  const candidates = [...new Set([before, after])]
    .map((offset) => local - offset)
    .filter((instant) => wallMs(instant, zone) === local)
    .sort((a, b) => a - b);
  // No candidate: the wall time falls in a gap; the offset in force before it moves it forward.
  return new Date(candidates[0] ?? local - before);
}

/** The wall-clock time at `instant` in `zone`. */
export function utcToZoned(instant: Date | string, zone: string): WallTime {
  const date = new Date(wallMs(new Date(instant).getTime(), zone));
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
  };
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** `yyyy-mm-dd HH:MM`. */
export const formatWallTime = (wall: WallTime): string =>
  `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}`;

/** A real calendar date and time (no 2026-02-30, no 24:00), or null. */
export function wallTime(year: number, month: number, day: number, hour = 0, minute = 0): WallTime | null {
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59) return null;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return { year, month, day, hour, minute };
}

/** The wall-clock date `days` after the given one (calendar arithmetic, no zone involved). */
export function addDays(wall: WallTime, days: number): WallTime {
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: 0,
    minute: 0,
  };
}

/** Start (inclusive) and end (exclusive) instants of the local calendar day, ISO week or month holding `now`. */
export function calendarPeriod(
  now: Date,
  zone: string,
  period: "day" | "week" | "month",
): { from: Date; to: Date } {
  const today = { ...utcToZoned(now, zone), hour: 0, minute: 0 };
  let first = today;
  let next = addDays(today, 1);
  if (period === "week") {
    // ISO 8601 weeks start on Monday.
    const weekday = (new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay() + 6) % 7;
    first = addDays(today, -weekday);
    next = addDays(first, 7);
  } else if (period === "month") {
    first = { ...today, day: 1 };
    next =
      today.month === 12
        ? { ...first, year: today.year + 1, month: 1 }
        : { ...first, month: today.month + 1 };
  }
  return { from: zonedToUtc(first, zone), to: zonedToUtc(next, zone) };
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/;

/** `yyyy-mm-dd HH:MM` (or with `T` between date and time) naming a real date and time, or null. */
export function parseWallTime(text: string): WallTime | null {
  const match = WALL_TIME.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return wallTime(year, month, day, hour, minute);
}
