import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_MOUNTS, DIALECT_NAMES, loadConfig } from "../../src/config.js";

/** Runs loadConfig and returns the ConfigError it threw (failing the test if it did not throw one). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe("loadConfig", () => {
  it("reads KITH_EVENT_RETENTION_DAYS as a whole number from 1 to 3650", () => {
    expect(loadConfig({ KITH_EVENT_RETENTION_DAYS: "7" }).eventRetentionDays).toBe(7);
    expect(loadConfig({ KITH_EVENT_RETENTION_DAYS: "3650" }).eventRetentionDays).toBe(3650);
    expect(loadConfig({ KITH_EVENT_RETENTION_DAYS: "" }).eventRetentionDays).toBe(30);
    for (const bad of ["0", "3651", "-1", "1.5", "ten", " 7"]) {
      const error = configError({ KITH_EVENT_RETENTION_DAYS: bad });
      expect(error.message).toBe(
        `KITH_EVENT_RETENTION_DAYS must be a whole number from 1 to 3650, got "${bad}"`,
      );
    }
  });

  it("reads KITH_WEBHOOK_CLAIM_SECONDS as a whole number from 2 to 3600", () => {
    expect(loadConfig({ KITH_WEBHOOK_CLAIM_SECONDS: "3" }).webhookClaimSeconds).toBe(3);
    expect(loadConfig({}).webhookClaimSeconds).toBe(60);
    for (const bad of ["1", "3601", "1.5", "soon"]) {
      expect(configError({ KITH_WEBHOOK_CLAIM_SECONDS: bad }).message).toBe(
        `KITH_WEBHOOK_CLAIM_SECONDS must be a whole number from 2 to 3600, got "${bad}"`,
      );
    }
  });

  it("reads KITH_PUBLIC_URL as an http(s) base without a trailing slash, else host and port", () => {
    expect(loadConfig({}).publicUrl).toBe("http://127.0.0.1:3000");
    expect(loadConfig({ HOST: "::1", PORT: "8080" }).publicUrl).toBe("http://[::1]:8080");
    expect(loadConfig({ KITH_PUBLIC_URL: "https://crm.example.com/" }).publicUrl).toBe(
      "https://crm.example.com",
    );
    expect(loadConfig({ KITH_PUBLIC_URL: "https://example.com/kith/" }).publicUrl).toBe(
      "https://example.com/kith",
    );
    for (const bad of ["crm.example.com", "ftp://example.com"]) {
      expect(configError({ KITH_PUBLIC_URL: bad }).message).toBe(
        `KITH_PUBLIC_URL must be an http(s) URL, got "${bad}"`,
      );
    }
  });

  it("reads KITH_WIDGET_KEY_CEILING as a whole number from 1 to 1000000", () => {
    expect(loadConfig({ KITH_WIDGET_KEY_CEILING: "1200" }).widgetKeyCeiling).toBe(1200);
    expect(loadConfig({}).widgetKeyCeiling).toBe(600);
    for (const bad of ["0", "1000001", "1.5", "lots"]) {
      expect(configError({ KITH_WIDGET_KEY_CEILING: bad }).message).toBe(
        `KITH_WIDGET_KEY_CEILING must be a whole number from 1 to 1000000, got "${bad}"`,
      );
    }
  });

  it("applies the documented defaults to an empty environment", () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 3000,
      host: "127.0.0.1",
      databaseUrl: "sqlite:./data/kith.sqlite",
      redisUrl: undefined,
      secret: undefined,
      logLevel: "info",
      webhookAllowPrivate: false,
      bootstrap: true,
      eventRetentionDays: 30,
      webhookClaimSeconds: 60,
      widgetKeyCeiling: 600,
      publicUrl: "http://127.0.0.1:3000",
      mounts: {
        valethon: "/admin/api/v1/crm",
        devapi: "/devapi/api/v1",
        crmleadpro: "/api/v1",
        axiomatic: "/api/crm",
        epixel: "/epixel/api/v1",
      },
    });
    expect(config.mounts).toEqual(DEFAULT_MOUNTS);
  });

  it("treats empty strings as unset for PORT, HOST, DATABASE_URL, REDIS_URL and the mounts", () => {
    const config = loadConfig({
      PORT: "",
      HOST: "",
      DATABASE_URL: "",
      REDIS_URL: "",
      KITH_SECRET: "",
      KITH_MOUNT_VALETHON: "",
    });
    expect(config.port).toBe(3000);
    expect(config.host).toBe("127.0.0.1");
    expect(config.databaseUrl).toBe("sqlite:./data/kith.sqlite");
    expect(config.redisUrl).toBeUndefined();
    expect(config.secret).toBeUndefined();
    expect(config.mounts.valethon).toBe("/admin/api/v1/crm");
  });

  it("reads every variable when set to a good value", () => {
    const secret = "s".repeat(32);
    const config = loadConfig({
      PORT: "0",
      HOST: "0.0.0.0",
      DATABASE_URL: "postgres://kith:pw@db.internal:5432/kith",
      REDIS_URL: "rediss://cache:6380",
      KITH_SECRET: secret,
      KITH_LOG_LEVEL: "debug",
      KITH_WEBHOOK_ALLOW_PRIVATE: "yes",
      KITH_BOOTSTRAP: "off",
      KITH_MOUNT_DEVAPI: "/custom/dev/",
    });
    expect(config.port).toBe(0);
    expect(config.host).toBe("0.0.0.0");
    expect(config.databaseUrl).toBe("postgres://kith:pw@db.internal:5432/kith");
    expect(config.redisUrl).toBe("rediss://cache:6380");
    expect(config.secret).toBe(secret);
    expect(config.logLevel).toBe("debug");
    expect(config.webhookAllowPrivate).toBe(true);
    expect(config.bootstrap).toBe(false);
    // A trailing slash is dropped.
    expect(config.mounts.devapi).toBe("/custom/dev");
    expect(loadConfig({ PORT: "65535" }).port).toBe(65535);
    expect(loadConfig({ DATABASE_URL: "sqlite::memory:" }).databaseUrl).toBe("sqlite::memory:");
    expect(loadConfig({ DATABASE_URL: "postgresql://h/db" }).databaseUrl).toBe("postgresql://h/db");
  });

  it.each([
    ["true", true],
    ["1", true],
    ["ON", true],
    ["false", false],
    ["0", false],
    ["No", false],
  ])("parses KITH_WEBHOOK_ALLOW_PRIVATE=%s as %s", (raw, expected) => {
    expect(loadConfig({ KITH_WEBHOOK_ALLOW_PRIVATE: raw }).webhookAllowPrivate).toBe(expected);
  });

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "-1"],
    ["PORT", "80.5"],
    ["DATABASE_URL", "mysql://x"],
    ["DATABASE_URL", "sqlite:"],
    ["KITH_LOG_LEVEL", "loud"],
    ["REDIS_URL", "http://x"],
    ["KITH_SECRET", "too-short"],
    ["KITH_SECRET", "x".repeat(31)],
    ["KITH_WEBHOOK_ALLOW_PRIVATE", "maybe"],
    ["KITH_BOOTSTRAP", "perhaps"],
    ["KITH_MOUNT_VALETHON", "no-slash"],
    ["KITH_MOUNT_EPIXEL", "/double//slash"],
    ["KITH_MOUNT_AXIOMATIC", "/with space"],
  ])("rejects %s=%j with a one-line ConfigError naming the variable", (name, value) => {
    const error = configError({ [name]: value });
    expect(error.name).toBe("ConfigError");
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message.length).toBeGreaterThan(name.length);
    expect(error.message).toContain(name);
  });

  it.each([
    ["DATABASE_URL", "postgres://kith:hunter2secret@db.internal:notaport/kith"],
    ["DATABASE_URL", "postgresql://kith:hunter2secret@db.internal:99999999/kith"],
    ["DATABASE_URL", "mysql://kith:hunter2secret@db.internal:3306/kith"],
    ["DATABASE_URL", "mongodb://admin:hunter2secret@db.internal/kith"],
    ["REDIS_URL", "http://default:hunter2secret@cache.internal:6379"],
  ])("never prints the password of %s=%s", (name, value) => {
    const error = configError({ [name]: value });
    expect(error.message).toContain(name);
    expect(error.message).not.toContain("hunter2secret");
    expect(error.message).toContain("***");
    // The rest of the URL is kept, so the operator can still see what is wrong.
    expect(error.message).toContain(value.split("@")[1]!);
  });

  it("switches a dialect off with KITH_MOUNT_X=off and leaves the others mounted", () => {
    for (const dialect of DIALECT_NAMES) {
      const config = loadConfig({ [`KITH_MOUNT_${dialect.toUpperCase()}`]: "off" });
      expect(config.mounts[dialect]).toBeNull();
      for (const other of DIALECT_NAMES.filter((name) => name !== dialect)) {
        expect(config.mounts[other]).toBe(DEFAULT_MOUNTS[other]);
      }
    }
  });

  it("returns a frozen object, mounts included", () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.mounts)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.mounts as Record<string, string | null>).valethon = "/elsewhere";
    }).toThrow(TypeError);
    expect(config.port).toBe(3000);
    expect(config.mounts.valethon).toBe("/admin/api/v1/crm");
  });
});
