import dns from "node:dns";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CoreError } from "../../src/core/errors.js";
import { checkWebhookUrl, isForbiddenAddress, safeLookup } from "../../src/core/webhooks/webhook-url.js";

async function refusal(url: string, allowPrivate = false): Promise<CoreError> {
  try {
    await checkWebhookUrl(url, allowPrivate);
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    return error as CoreError;
  }
  throw new Error(`${url} was accepted`);
}

/** Makes `host` resolve to `addresses` (both dns.lookup and dns.promises.lookup). */
function resolveTo(host: string, addresses: string[]) {
  const answers = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  const realPromise = dns.promises.lookup.bind(dns.promises);
  vi.spyOn(dns.promises, "lookup").mockImplementation((async (name: string, options: any) =>
    name === host ? answers : realPromise(name, options)) as any);
  const real = dns.lookup.bind(dns);
  vi.spyOn(dns, "lookup").mockImplementation(((name: string, options: any, callback: any) =>
    name === host ? callback(null, answers) : real(name, options, callback)) as any);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("checkWebhookUrl", () => {
  const refused = [
    "http://127.0.0.1/hook",
    "http://127.1.2.3:8080/hook",
    "http://[::1]/hook",
    "http://10.0.0.5/hook",
    "http://172.16.0.1/hook",
    "http://172.31.255.255/hook",
    "http://192.168.1.10/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:10.0.0.1]/hook",
    "http://[fd00::1]/hook",
    "http://[fe80::1]/hook",
    "http://0.0.0.0/hook",
    "http://100.64.0.1/hook",
    "http://224.0.0.1/hook",
    "http://2130706433/hook", // 127.0.0.1 as one number
    "http://localhost:3000/hook",
    "http://api.localhost/hook",
  ];
  for (const url of refused) {
    it(`refuses ${url}, and allows it with allowPrivate`, async () => {
      const error = await refusal(url);
      expect(error.code).toBe("VALIDATION");
      expect(error.field).toBe("url");
      await expect(checkWebhookUrl(url, true)).resolves.toBeInstanceOf(URL);
    });
  }

  it("refuses a hostname that resolves to loopback, or to any private address among its answers", async () => {
    resolveTo("loopback.example.test", ["127.0.0.1"]);
    expect((await refusal("https://loopback.example.test/hook")).field).toBe("url");
    vi.restoreAllMocks();
    resolveTo("mixed.example.test", ["93.184.216.34", "10.1.1.1"]);
    expect((await refusal("https://mixed.example.test/hook")).message).toMatch(/^url: /);
    await expect(checkWebhookUrl("https://mixed.example.test/hook", true)).resolves.toBeInstanceOf(URL);
  });

  it("accepts a hostname resolving to public addresses", async () => {
    resolveTo("hooks.example.test", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]);
    expect((await checkWebhookUrl("https://hooks.example.test/in?x=1", false)).href).toBe(
      "https://hooks.example.test/in?x=1",
    );
  });

  it("accepts public IP literals", async () => {
    await expect(checkWebhookUrl("http://93.184.216.34/hook", false)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl("http://[2606:4700::1111]/hook", false)).resolves.toBeInstanceOf(URL);
  });

  for (const url of [
    "ftp://example.com/hook",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "not a url",
    "",
    "https://user:pw@example.com/",
  ]) {
    it(`refuses ${JSON.stringify(url)} even with allowPrivate`, async () => {
      expect((await refusal(url, true)).field).toBe("url");
    });
  }
});

describe("isForbiddenAddress", () => {
  it("classifies IPv4, IPv6 and mapped forms", () => {
    expect(isForbiddenAddress("127.0.0.1")).toBe("loopback");
    expect(isForbiddenAddress("::1")).toBe("loopback");
    expect(isForbiddenAddress("::ffff:7f00:1")).toBe("loopback");
    expect(isForbiddenAddress("::ffff:169.254.169.254")).toBeDefined();
    expect(isForbiddenAddress("64:ff9b::a9fe:a9fe")).toBeDefined(); // NAT64 of 169.254.169.254
    expect(isForbiddenAddress("fd00:ec2::254")).toBe("private");
    expect(isForbiddenAddress("172.32.0.1")).toBeUndefined();
    expect(isForbiddenAddress("8.8.8.8")).toBeUndefined();
    expect(isForbiddenAddress("::ffff:8.8.8.8")).toBeUndefined();
    expect(isForbiddenAddress("nonsense")).toBe("invalid");
  });
});

describe("safeLookup", () => {
  const lookup = (allowPrivate: boolean, host: string, options: object) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) => {
      safeLookup(allowPrivate)(host, options as any, (error, address, family) =>
        resolve({ error, address, family }),
      );
    });

  it("refuses at connect time when the name now resolves to a private address (rebinding)", async () => {
    resolveTo("rebind.example.test", ["10.0.0.7"]);
    const refused = await lookup(false, "rebind.example.test", {});
    expect(refused.error?.code).toBe("EWEBHOOKFORBIDDEN");
    const allowed = await lookup(true, "rebind.example.test", {});
    expect(allowed).toEqual({ error: null, address: "10.0.0.7", family: 4 });
  });

  it("answers in both callback shapes for public addresses", async () => {
    resolveTo("public.example.test", ["93.184.216.34"]);
    expect(await lookup(false, "public.example.test", {})).toEqual({
      error: null,
      address: "93.184.216.34",
      family: 4,
    });
    expect((await lookup(false, "public.example.test", { all: true })).address).toEqual([
      { address: "93.184.216.34", family: 4 },
    ]);
  });

  it("refuses localhost without asking DNS", async () => {
    expect((await lookup(false, "localhost", {})).error?.code).toBe("EWEBHOOKFORBIDDEN");
  });
});
