/** How pipeline analytics split a range of whole days into kept month and day periods. */
import { describe, expect, it } from "vitest";
import { periodRanges } from "../../src/core/analytics/pipeline-analytics.js";

describe("periodRanges", () => {
  it("reads every month for an unbounded range", () => {
    expect(periodRanges(null, null)).toEqual([{ from: "M", to: "N" }]);
  });

  it("reads whole months as months and the days around them as days", () => {
    expect(periodRanges("2026-01-15", "2026-04-10")).toEqual([
      { from: "D2026-01-15", to: "D2026-02-01" },
      { from: "M2026-02", to: "M2026-04" },
      { from: "D2026-04-01", to: "D2026-04-10" },
    ]);
    // Month starts need no day periods; December rolls into the next year.
    expect(periodRanges("2025-12-01", "2026-03-01")).toEqual([{ from: "M2025-12", to: "M2026-03" }]);
    expect(periodRanges("2025-12-02", null)).toEqual([
      { from: "D2025-12-02", to: "D2026-01-01" },
      { from: "M2026-01", to: "N" },
    ]);
    expect(periodRanges(null, "2026-03-05")).toEqual([
      { from: "M", to: "M2026-03" },
      { from: "D2026-03-01", to: "D2026-03-05" },
    ]);
  });

  it("reads days only when no whole month lies in between", () => {
    expect(periodRanges("2026-03-02", "2026-03-09")).toEqual([{ from: "D2026-03-02", to: "D2026-03-09" }]);
    expect(periodRanges("2026-03-20", "2026-04-03")).toEqual([{ from: "D2026-03-20", to: "D2026-04-03" }]);
    expect(periodRanges("2026-03-01", "2026-03-31")).toEqual([{ from: "D2026-03-01", to: "D2026-03-31" }]);
    expect(periodRanges("2026-03-04", "2026-03-04")).toEqual([]);
  });
});
