import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isUuid, newId, randomAlphanumeric, ulidToUuid, uuidToUlid } from "../../src/core/ids.js";

const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

const toUuid = (bytes: Uint8Array): string => {
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** Any 128-bit value written as a lowercase UUID (not only valid v1–v8 ones). */
const anyUuid = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(toUuid);

describe("uuidToUlid / ulidToUuid", () => {
  it("round-trips every 128-bit value", () => {
    fc.assert(
      fc.property(anyUuid, (uuid) => {
        const ulid = uuidToUlid(uuid);
        expect(ulid).toMatch(ULID_PATTERN);
        expect(ulidToUuid(ulid)).toBe(uuid);
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips standard UUIDs of every version", () => {
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        expect(ulidToUuid(uuidToUlid(uuid))).toBe(uuid);
      }),
    );
  });

  it("round-trips every valid ULID the other way", () => {
    const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    const ulid = fc
      .tuple(
        fc.constantFrom(..."01234567"),
        fc.array(fc.constantFrom(...crockford), { minLength: 25, maxLength: 25 }),
      )
      .map(([first, rest]) => first + rest.join(""));
    fc.assert(
      fc.property(ulid, (text) => {
        const uuid = ulidToUuid(text);
        expect(uuid).not.toBeNull();
        expect(isUuid(uuid!)).toBe(true);
        expect(uuidToUlid(uuid!)).toBe(text);
      }),
    );
  });

  it("maps the extremes and a known value", () => {
    expect(uuidToUlid("00000000-0000-0000-0000-000000000000")).toBe("0".repeat(26));
    expect(uuidToUlid("ffffffff-ffff-ffff-ffff-ffffffffffff")).toBe(`7${"Z".repeat(25)}`);
    expect(ulidToUuid(`7${"Z".repeat(25)}`)).toBe("ffffffff-ffff-ffff-ffff-ffffffffffff");
    expect(uuidToUlid("00000000-0000-0000-0000-000000000001")).toBe(`${"0".repeat(25)}1`);
    expect(uuidToUlid("00000000-0000-0000-0000-000000000020")).toBe(`${"0".repeat(24)}10`);
    // The canonical ULID example from the ULID spec and its UUID.
    expect(ulidToUuid("01ARZ3NDEKTSV4RRFFQ69G5FAV")).toBe("01563e3a-b5d3-d676-4c61-efb99302bd5b");
    expect(uuidToUlid("01563e3a-b5d3-d676-4c61-efb99302bd5b")).toBe("01ARZ3NDEKTSV4RRFFQ69G5FAV");
  });

  it("gives 26 Crockford base32 characters", () => {
    for (let index = 0; index < 200; index++) {
      const ulid = uuidToUlid(newId());
      expect(ulid).toHaveLength(26);
      expect(ulid).toMatch(ULID_PATTERN);
    }
  });

  it("accepts lowercase and mixed-case input", () => {
    fc.assert(
      fc.property(anyUuid, (uuid) => {
        const ulid = uuidToUlid(uuid);
        expect(ulidToUuid(ulid.toLowerCase())).toBe(uuid);
        const mixed = [...ulid].map((char, index) => (index % 2 ? char.toLowerCase() : char)).join("");
        expect(ulidToUuid(mixed)).toBe(uuid);
      }),
    );
  });

  it.each([
    ["empty", ""],
    ["too short", "0".repeat(25)],
    ["too long", "0".repeat(27)],
    ["a UUID", "01563e3a-b5d3-d676-4c61-efb99302bd5b"],
    ["letter I", `0${"I".repeat(25)}`],
    ["letter L", `${"0".repeat(25)}L`],
    ["letter O", `${"0".repeat(25)}O`],
    ["letter U", `${"0".repeat(25)}U`],
    ["lowercase u", `${"0".repeat(25)}u`],
    ["a dash", `${"0".repeat(12)}-${"0".repeat(13)}`],
    ["whitespace", ` ${"0".repeat(25)}`],
    ["overflow of 128 bits (8…)", `8${"Z".repeat(25)}`],
    ["overflow of 128 bits (Z…)", "Z".repeat(26)],
    ["overflow of 128 bits (8000…)", `8${"0".repeat(25)}`],
  ])("returns null for %s", (_label, text) => {
    expect(ulidToUuid(text)).toBeNull();
  });

  it("returns null for any text that is not 26 characters", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }).filter((text) => text.length !== 26),
        (text) => {
          // Restricted to ASCII, where uppercasing keeps the length (see the report on non-ASCII).
          fc.pre(/^[\x20-\x7e]*$/.test(text));
          expect(ulidToUuid(text)).toBeNull();
        },
      ),
    );
  });

  it("keeps the order of increasing UUIDv7 ids", () => {
    const ids = Array.from({ length: 2000 }, () => newId());
    const sortedIds = [...ids].sort();
    expect(sortedIds).toEqual(ids);
    const ulids = ids.map(uuidToUlid);
    expect([...ulids].sort()).toEqual(ulids);
    expect(new Set(ulids).size).toBe(ids.length);
  });

  it("keeps the order of arbitrary pairs of 128-bit values", () => {
    fc.assert(
      fc.property(anyUuid, anyUuid, (a, b) => {
        const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
        // Lowercase hex with dashes at fixed places compares as the 128-bit numbers do.
        expect(compare(uuidToUlid(a), uuidToUlid(b))).toBe(compare(a, b));
      }),
    );
  });
});

describe("randomAlphanumeric", () => {
  it("gives exactly the requested number of ASCII letters and digits", () => {
    for (const length of [0, 1, 6, 32, 100, 1000]) {
      const text = randomAlphanumeric(length);
      expect(text).toHaveLength(length);
      expect(text).toMatch(/^[A-Za-z0-9]*$/);
    }
    expect(randomAlphanumeric(32)).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it("does not repeat itself", () => {
    const seen = new Set(Array.from({ length: 1000 }, () => randomAlphanumeric(32)));
    expect(seen.size).toBe(1000);
  });

  it("uses all 62 characters about equally (no modulo bias)", () => {
    const samples = 124_000;
    const counts = new Map<string, number>();
    for (const char of randomAlphanumeric(samples)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = samples / 62;
    // ±12% is > 5 standard deviations per character; a `% 62` bias over 256 byte values gives +22%.
    for (const [char, count] of counts) {
      expect(Math.abs(count - expected) / expected, `character ${char}`).toBeLessThan(0.12);
    }
  });
});
