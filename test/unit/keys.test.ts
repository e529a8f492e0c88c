import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  digestKey,
  generateKey,
  KEY_FORMATS,
  type KeyFormat,
  keyPrefixFor,
  loggableKeyPrefix,
} from "../../src/core/keys/key-format.js";
import {
  expandScopes,
  KEY_TYPES,
  type KeyType,
  PUBLIC_PERMISSIONS,
  permissionsOfType,
  SECRET_PERMISSIONS,
} from "../../src/core/keys/permissions.js";

const SECRET_PREFIXES: Record<KeyFormat, string> = {
  valethon: "crm_",
  devapi: "dk_",
  crmleadpro: "crmlp_live_",
  axiomatic: "ak_",
  epixel: "epx_",
};

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** Every (type, format) pair with the prefix the contract gives it. */
const CASES: { type: KeyType; format: KeyFormat; prefix: string }[] = KEY_TYPES.flatMap((type) =>
  KEY_FORMATS.map((format) => ({
    type,
    format,
    prefix:
      type === "public_live" ? "pk_live_" : type === "public_test" ? "pk_test_" : SECRET_PREFIXES[format],
  })),
);

describe("generateKey", () => {
  it.each(CASES)("a $type key in the $format format starts with $prefix and 32 alphanumerics", (c) => {
    expect(keyPrefixFor(c.type, c.format)).toBe(c.prefix);
    for (let index = 0; index < 20; index++) {
      const generated = generateKey(c.type, c.format);
      expect(generated.key.startsWith(c.prefix)).toBe(true);
      expect(generated.key.slice(c.prefix.length)).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(generated.key).toHaveLength(c.prefix.length + 32);
    }
  });

  it("gives CRMLeadPro secret keys exactly crmlp_live_ and 32 alphanumerics", () => {
    for (let index = 0; index < 50; index++) {
      expect(generateKey("secret", "crmleadpro").key).toMatch(/^crmlp_live_[A-Za-z0-9]{32}$/);
    }
  });

  it.each(CASES)("digests the whole $type/$format key with SHA-256 in hex", (c) => {
    const generated = generateKey(c.type, c.format);
    expect(generated.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(generated.digest).toBe(sha256(generated.key));
    expect(digestKey(generated.key)).toBe(generated.digest);
    // Not a digest of the random part or of the visible prefix only.
    expect(generated.digest).not.toBe(sha256(generated.key.slice(c.prefix.length)));
    expect(generated.digest).not.toBe(sha256(generated.prefix));
  });

  it.each(CASES)("shows the $type/$format prefix plus 6 characters, and logs no more", (c) => {
    const generated = generateKey(c.type, c.format);
    expect(generated.prefix).toBe(generated.key.slice(0, c.prefix.length + 6));
    expect(generated.prefix).toHaveLength(c.prefix.length + 6);
    expect(loggableKeyPrefix(generated.key)).toBe(generated.prefix);
  });

  it("never creates the same key twice", () => {
    const keys = new Set(Array.from({ length: 500 }, () => generateKey("secret", "valethon").key));
    expect(keys.size).toBe(500);
  });
});

describe("digestKey", () => {
  it("is SHA-256 hex of the UTF-8 text", () => {
    expect(digestKey("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(digestKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(digestKey(text)).toBe(sha256(text));
      }),
    );
  });
});

describe("loggableKeyPrefix", () => {
  const prefixes = ["pk_live_", "pk_test_", ...Object.values(SECRET_PREFIXES)];

  it("never returns more than a type prefix and 6 characters of any text", () => {
    fc.assert(
      fc.property(fc.constantFrom("", ...prefixes), fc.string({ maxLength: 60 }), (prefix, rest) => {
        const presented = prefix + rest;
        const logged = loggableKeyPrefix(presented);
        if (logged === "(unrecognised key)") return;
        const matched = prefixes.filter((candidate) => presented.startsWith(candidate));
        expect(matched.length).toBeGreaterThan(0);
        const longest = Math.max(...matched.map((candidate) => candidate.length));
        expect(presented.startsWith(logged)).toBe(true);
        expect(logged.length).toBeLessThanOrEqual(longest + 6);
      }),
      { numRuns: 2000 },
    );
  });

  it("never returns a whole generated key", () => {
    for (const c of CASES) {
      const { key } = generateKey(c.type, c.format);
      const logged = loggableKeyPrefix(key);
      expect(logged.length).toBeLessThan(key.length);
      expect(key.slice(logged.length)).toHaveLength(32 - 6);
    }
  });

  it("prints a placeholder, not the text, for an unrecognised key", () => {
    expect(loggableKeyPrefix("sk_live_abcdefghijklmnop")).toBe("(unrecognised key)");
    expect(loggableKeyPrefix("Bearer crm_abcdefghijkl")).toBe("(unrecognised key)");
    expect(loggableKeyPrefix("")).toBe("(unrecognised key)");
  });
});

describe("expandScopes", () => {
  const READ = SECRET_PERMISSIONS.filter((permission) => permission.endsWith(":read"));

  it("expands read:crm to every :read permission of a secret key", () => {
    const result = expandScopes("secret", ["read:crm"]);
    expect(result).toHaveProperty("permissions");
    const permissions = (result as { permissions: string[] }).permissions;
    expect([...permissions].sort()).toEqual([...READ].sort());
    expect(permissions).toContain("leads:read");
    expect(permissions).not.toContain("leads:write");
    expect(READ.length).toBeGreaterThan(3);
  });

  it("expands write:crm to every secret permission", () => {
    const result = expandScopes("secret", ["write:crm"]);
    expect([...(result as { permissions: string[] }).permissions].sort()).toEqual(
      [...SECRET_PERMISSIONS].sort(),
    );
  });

  it("keeps listed permissions once each, and combines with the aliases", () => {
    expect(expandScopes("secret", ["leads:read", "leads:write", "leads:read"])).toEqual({
      permissions: ["leads:read", "leads:write"],
    });
    const combined = expandScopes("secret", ["read:crm", "leads:write"]) as { permissions: string[] };
    expect([...combined.permissions].sort()).toEqual([...READ, "leads:write"].sort());
  });

  it.each(SECRET_PERMISSIONS)("accepts %s on a secret key", (permission) => {
    expect(expandScopes("secret", [permission])).toEqual({ permissions: [permission] });
  });

  it("returns the first unknown scope as invalid", () => {
    expect(expandScopes("secret", ["nope"])).toEqual({ invalid: "nope" });
    expect(expandScopes("secret", ["leads:read", "leads:fly", "nope"])).toEqual({ invalid: "leads:fly" });
    expect(expandScopes("secret", ["LEADS:READ"])).toEqual({ invalid: "LEADS:READ" });
    expect(expandScopes("secret", ["widget:access"])).toEqual({ invalid: "widget:access" });
  });

  it.each(["public_live", "public_test"] as const)("accepts only widget:access on a %s key", (type) => {
    expect(permissionsOfType(type)).toEqual(PUBLIC_PERMISSIONS);
    expect(expandScopes(type, ["widget:access"])).toEqual({ permissions: ["widget:access"] });
    for (const scope of ["read:crm", "write:crm", ...SECRET_PERMISSIONS]) {
      expect(expandScopes(type, [scope])).toEqual({ invalid: scope });
    }
    expect(expandScopes(type, ["widget:access", "leads:read"])).toEqual({ invalid: "leads:read" });
  });

  it("gives a secret key every secret permission by default", () => {
    expect(permissionsOfType("secret")).toEqual(SECRET_PERMISSIONS);
  });
});
