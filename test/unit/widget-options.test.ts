/** The chat widget's snippet options: defaults, validation, and which colours count as colours. */
import { describe, expect, it } from "vitest";
import { DEFAULTS, isCssColour, readOptions } from "../../src/widget/client/options.js";

describe("isCssColour", () => {
  it("accepts hex, rgb(), hsl() and colour names", () => {
    for (const colour of [
      "#1FB6FF",
      "#abc",
      "#abcd",
      "#11223344",
      "rgb(12, 34, 56)",
      "rgba(12,34,56,.5)",
      "rgb(12 34 56 / 50%)",
      "hsl(200deg 100% 50%)",
      "hsla(200, 100%, 50%, 0.4)",
      "rebeccapurple",
      "  Teal ",
    ]) {
      expect(isCssColour(colour), colour).toBe(true);
    }
  });

  it("refuses everything else, including CSS that is not a colour of its own", () => {
    for (const colour of [
      "",
      "#12",
      "#12345",
      "#ggg",
      "1FB6FF",
      "red; background: url(https://evil.example/x)",
      "url(https://evil.example/x)",
      "var(--brand)",
      "rgb(1,2,3) url(x)",
      "calc(1px)",
      "inherit",
      "currentColor",
      "transparent",
      "expression(alert(1))",
      `#${"a".repeat(70)}`,
      42,
      null,
      undefined,
      { toString: () => "red" },
    ]) {
      expect(isCssColour(colour), String(colour)).toBe(false);
    }
  });

  it("asks the browser's parser last, so an unknown name is refused there", () => {
    const known = new Set(["red", "#1FB6FF"]);
    const supports = (colour: string) => known.has(colour);
    expect(isCssColour("red", supports)).toBe(true);
    expect(isCssColour("banana", supports)).toBe(false);
    expect(isCssColour("var(--x)", () => true)).toBe(false);
  });
});

describe("readOptions", () => {
  it("needs a public key, and nothing else", () => {
    expect(readOptions(undefined)).toEqual({ error: expect.stringContaining("publicKey is required") });
    expect(readOptions({ publicKey: "   " })).toEqual({ error: expect.stringContaining("publicKey") });
    expect(readOptions({ publicKey: 42 })).toEqual({ error: expect.stringContaining("publicKey") });
    expect(readOptions({ publicKey: " pk_test_abc " })).toEqual({
      options: {
        publicKey: "pk_test_abc",
        position: "bottom-right",
        primaryColor: null,
        greeting: null,
        showOnMobile: true,
        autoOpen: false,
        autoOpenDelay: 5000,
      },
      warnings: [],
    });
    expect(DEFAULTS).toMatchObject({ primaryColor: "#1FB6FF", greeting: "Hi! How can we help?" });
  });

  it("keeps every valid option", () => {
    const read = readOptions({
      publicKey: "pk_live_x",
      position: "bottom-left",
      primaryColor: "rgb(12, 34, 56)",
      greeting: "  Hello there  ",
      showOnMobile: false,
      autoOpen: true,
      autoOpenDelay: 0,
    });
    expect(read).toEqual({
      options: {
        publicKey: "pk_live_x",
        position: "bottom-left",
        primaryColor: "rgb(12, 34, 56)",
        greeting: "Hello there",
        showOnMobile: false,
        autoOpen: true,
        autoOpenDelay: 0,
      },
      warnings: [],
    });
  });

  it("falls back to the default for an invalid option, with a warning naming it", () => {
    const read = readOptions({
      publicKey: "pk_live_x",
      position: "top-left",
      primaryColor: "red; display: none",
      greeting: "",
      showOnMobile: "no",
      autoOpen: 1,
      autoOpenDelay: -5,
    });
    if ("error" in read) throw new Error(read.error);
    expect(read.options).toEqual({
      publicKey: "pk_live_x",
      position: "bottom-right",
      primaryColor: null,
      greeting: null,
      showOnMobile: true,
      autoOpen: false,
      autoOpenDelay: 5000,
    });
    expect(read.warnings.map((warning) => warning.split(" ")[0])).toEqual([
      "position",
      "primaryColor",
      "greeting",
      "showOnMobile",
      "autoOpen",
      "autoOpenDelay",
    ]);
  });

  it("cuts the greeting at 500 characters and refuses a delay over ten minutes", () => {
    const read = readOptions({ publicKey: "pk_x", greeting: "a".repeat(900), autoOpenDelay: 1e12 });
    if ("error" in read) throw new Error(read.error);
    expect(read.options.greeting).toHaveLength(500);
    expect(read.options.autoOpenDelay).toBe(5000);
  });
});
