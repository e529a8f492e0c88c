/** Wall-clock conversions with Intl only: offsets, DST gaps and overlaps, calendar periods. */
import { describe, expect, it } from "vitest";
import {
  calendarPeriod,
  formatWallTime,
  isTimeZone,
  parseWallTime,
  utcToZoned,
  zonedToUtc,
} from "../../../src/core/shared/time-zone.js";

const wall = (text: string) => parseWallTime(text)!;
const utc = (text: string, zone: string) => zonedToUtc(wall(text), zone).toISOString();
const local = (iso: string, zone: string) => formatWallTime(utcToZoned(iso, zone));

describe("time zones", () => {
  it("knows IANA names and refuses others", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isTimeZone("")).toBe(false);
    expect(isTimeZone(42)).toBe(false);
  });

  it("parses yyyy-mm-dd HH:MM naming real dates only", () => {
    expect(parseWallTime("2026-12-01 09:30")).toEqual({ year: 2026, month: 12, day: 1, hour: 9, minute: 30 });
    expect(parseWallTime("2026-12-01T09:30")).not.toBeNull();
    for (const bad of [
      "2026-02-30 10:00",
      "2026-13-01 10:00",
      "2026-12-01 24:00",
      "2026-12-01 10:60",
      "12/01/2026 10:00",
      "2026-12-01",
      "2026-12-01 9:30",
      "2026-12-01 09:30:00",
    ]) {
      expect(parseWallTime(bad), bad).toBeNull();
    }
  });

  it("converts with the zone's offset, winter and summer", () => {
    expect(utc("2026-12-01 10:00", "UTC")).toBe("2026-12-01T10:00:00.000Z");
    expect(utc("2026-12-01 10:00", "Europe/Berlin")).toBe("2026-12-01T09:00:00.000Z");
    expect(utc("2026-07-01 10:00", "Europe/Berlin")).toBe("2026-07-01T08:00:00.000Z");
    expect(utc("2026-07-01 10:00", "America/New_York")).toBe("2026-07-01T14:00:00.000Z");
    expect(utc("2026-07-01 10:00", "Asia/Kolkata")).toBe("2026-07-01T04:30:00.000Z");
    expect(utc("2026-07-01 10:00", "Pacific/Chatham")).toBe("2026-06-30T21:15:00.000Z");
    expect(local("2026-07-01T08:00:00.000Z", "Europe/Berlin")).toBe("2026-07-01 10:00");
    expect(local("2026-06-30T21:15:00.000Z", "Pacific/Chatham")).toBe("2026-07-01 10:00");
  });

  it("Berlin spring forward (2026-03-29 02:00 → 03:00): times in the gap move forward by an hour", () => {
    expect(utc("2026-03-29 01:59", "Europe/Berlin")).toBe("2026-03-29T00:59:00.000Z");
    expect(utc("2026-03-29 02:00", "Europe/Berlin")).toBe("2026-03-29T01:00:00.000Z");
    expect(utc("2026-03-29 02:30", "Europe/Berlin")).toBe("2026-03-29T01:30:00.000Z");
    expect(local("2026-03-29T01:30:00.000Z", "Europe/Berlin")).toBe("2026-03-29 03:30");
    expect(utc("2026-03-29 03:00", "Europe/Berlin")).toBe("2026-03-29T01:00:00.000Z");
    expect(utc("2026-03-29 03:30", "Europe/Berlin")).toBe("2026-03-29T01:30:00.000Z");
  });

  it("Berlin fall back (2026-10-25 03:00 → 02:00): a repeated time is the earlier instant", () => {
    expect(utc("2026-10-25 01:59", "Europe/Berlin")).toBe("2026-10-24T23:59:00.000Z");
    expect(utc("2026-10-25 02:30", "Europe/Berlin")).toBe("2026-10-25T00:30:00.000Z");
    expect(local("2026-10-25T00:30:00.000Z", "Europe/Berlin")).toBe("2026-10-25 02:30");
    expect(local("2026-10-25T01:30:00.000Z", "Europe/Berlin")).toBe("2026-10-25 02:30");
    expect(utc("2026-10-25 03:00", "Europe/Berlin")).toBe("2026-10-25T02:00:00.000Z");
  });

  it("calendar periods are local: the day, the ISO week from Monday, the month — across a DST change", () => {
    // Wednesday 2026-10-28 12:00 UTC (13:00 CET).
    const now = new Date("2026-10-28T12:00:00.000Z");
    const iso = (period: { from: Date; to: Date }) => [period.from.toISOString(), period.to.toISOString()];
    expect(iso(calendarPeriod(now, "Europe/Berlin", "day"))).toEqual([
      "2026-10-27T23:00:00.000Z",
      "2026-10-28T23:00:00.000Z",
    ]);
    expect(iso(calendarPeriod(now, "Europe/Berlin", "week"))).toEqual([
      "2026-10-25T23:00:00.000Z",
      "2026-11-01T23:00:00.000Z",
    ]);
    // October starts in summer time (+2) and ends in winter time (+1).
    expect(iso(calendarPeriod(now, "Europe/Berlin", "month"))).toEqual([
      "2026-09-30T22:00:00.000Z",
      "2026-10-31T23:00:00.000Z",
    ]);
    expect(iso(calendarPeriod(new Date("2026-12-31T23:30:00.000Z"), "Europe/Berlin", "month"))).toEqual([
      "2026-12-31T23:00:00.000Z",
      "2027-01-31T23:00:00.000Z",
    ]);
    // A Sunday belongs to the week that began the Monday before.
    expect(iso(calendarPeriod(new Date("2026-11-01T12:00:00.000Z"), "UTC", "week"))).toEqual([
      "2026-10-26T00:00:00.000Z",
      "2026-11-02T00:00:00.000Z",
    ]);
  });
});
