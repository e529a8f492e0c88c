/**
 * `GET /widget/chat.js` and `GET /widget/demo` on a real app: the bundle with the mount injected,
 * its caching (strong ETag, 304, cache-control), gzip and size budget, no CORS, and a demo page that
 * embeds the snippet with the key escaped for both HTML and script.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptsGzip, matchesEtag } from "../../../src/http/widget-asset.js";
import { injectMount, MOUNT_PLACEHOLDER, widgetBundle } from "../../../src/widget/bundle.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

const GZIP_BUDGET_BYTES = 25 * 1024;
const HOSTILE_KEY = `pk_test_</script><script>alert(1)</script>"'&<b>`;

const sha256Tag = (body: Buffer) => `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;

/** The inline scripts of a page, with their attributes. */
const inlineScripts = (html: string) =>
  [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)]
    .filter((match) => !/\bsrc=/.test(match[1]!))
    .map((match) => ({ attributes: match[1]!, code: match[2]! }));

for (const engine of ENGINES) {
  describe(`widget assets (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    const get = (url: string, headers: Record<string, string> = {}) =>
      kit.app.inject({ method: "GET", url, headers });

    it("serves chat.js as JavaScript with the Valethon mount injected, without a key or CORS", async () => {
      const response = await get("/widget/chat.js", { origin: "https://customer.example" });
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
      expect(response.headers).not.toHaveProperty("access-control-allow-origin");
      expect(response.headers).not.toHaveProperty("content-encoding");
      expect(response.body).toContain('"/admin/api/v1/crm"');
      expect(response.body).not.toContain(MOUNT_PLACEHOLDER);
      // It is a script the browser can parse (an IIFE that runs nothing without a DOM here).
      expect(() => new Function(response.body)).not.toThrow();
      expect(response.body.length).toBeLessThan(200_000);
    });

    it("answers with a strong, stable ETag of the bytes sent and a short public cache lifetime", async () => {
      const first = await get("/widget/chat.js");
      const second = await get("/widget/chat.js");
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      expect(etag).toBe(sha256Tag(first.rawPayload));
      expect(second.headers.etag).toBe(etag);
      expect(first.headers["cache-control"]).toBe("public, max-age=300");
      expect(first.headers.vary).toBe("accept-encoding");
    });

    it("answers 304 without a body to a matching If-None-Match, and 200 to a stale one", async () => {
      const etag = (await get("/widget/chat.js")).headers.etag as string;
      for (const header of [etag, `W/${etag}`, `"stale", ${etag}`, "*"]) {
        const response = await get("/widget/chat.js", { "if-none-match": header });
        expect(response.statusCode, header).toBe(304);
        expect(response.rawPayload).toHaveLength(0);
        expect(response.headers.etag).toBe(etag);
        expect(response.headers["cache-control"]).toBe("public, max-age=300");
      }
      const stale = await get("/widget/chat.js", { "if-none-match": '"stale"' });
      expect(stale.statusCode).toBe(200);
      expect(stale.rawPayload.length).toBeGreaterThan(0);
    });

    it("sends gzip when accepted, within the 25 KB budget, with its own ETag", async () => {
      const plain = await get("/widget/chat.js");
      const gzipped = await get("/widget/chat.js", { "accept-encoding": "br, gzip;q=0.8" });
      expect(gzipped.headers["content-encoding"]).toBe("gzip");
      expect(gunzipSync(gzipped.rawPayload).equals(plain.rawPayload)).toBe(true);
      expect(gzipped.rawPayload.length).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
      expect(gzipped.headers.etag).toBe(sha256Tag(gzipped.rawPayload));
      expect(gzipped.headers.etag).not.toBe(plain.headers.etag);
      const revalidated = await get("/widget/chat.js", {
        "accept-encoding": "gzip",
        "if-none-match": gzipped.headers.etag as string,
      });
      expect(revalidated.statusCode).toBe(304);
      const refused = await get("/widget/chat.js", { "accept-encoding": "gzip;q=0" });
      expect(refused.headers).not.toHaveProperty("content-encoding");
    });

    it("answers HEAD with the headers only", async () => {
      const response = await kit.app.inject({ method: "HEAD", url: "/widget/chat.js" });
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect(response.headers.etag).toMatch(/^"/);
      expect(response.rawPayload).toHaveLength(0);
    });

    it("embeds the snippet on the demo page with a hostile key escaped for HTML and for script", async () => {
      const response = await get(`/widget/demo?key=${encodeURIComponent(HOSTILE_KEY)}`);
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(response.headers["cache-control"]).toBe("no-store");
      expect(response.headers["referrer-policy"]).toBe("no-referrer");
      const html = response.body;
      expect(html).not.toContain("<script>alert(1)");
      expect(html).not.toContain("<b>");
      expect(html).toContain('<script src="/widget/chat.js" async></script>');
      // The one inline script is the customer snippet; run it and read the key back exactly.
      const scripts = inlineScripts(html);
      expect(scripts).toHaveLength(1);
      const window: { ValethonWidget?: Record<string, unknown> } = {};
      runInNewContext(scripts[0]!.code, { window });
      expect(window.ValethonWidget).toEqual({
        publicKey: HOSTILE_KEY,
        position: "bottom-right",
        primaryColor: "#1FB6FF",
        greeting: "Hi! How can we help?",
      });
      // The copyable snippet shows the same key HTML-escaped.
      expect(html).toContain("pk_test_\\u003c/script\\u003e");
      expect(html).toContain("&quot;&#39;\\u0026\\u003cb\\u003e&quot;");
      expect(html).toContain("&lt;script src=&quot;http://localhost:80/widget/chat.js&quot; async&gt;");
    });

    it("protects the demo page with a CSP whose nonce is the inline snippet's, fresh per request", async () => {
      const nonces = new Set<string>();
      for (let round = 0; round < 2; round++) {
        const response = await get("/widget/demo?key=pk_test_abc");
        const csp = response.headers["content-security-policy"] as string;
        const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)' 'self'/.exec(csp)?.[1];
        expect(nonce, csp).toBeDefined();
        expect(csp).toContain("default-src 'none'");
        expect(csp).toContain("connect-src 'self'");
        expect(csp).toContain(`style-src 'nonce-${nonce}'`);
        expect(csp).not.toContain("unsafe-inline");
        expect(inlineScripts(response.body).map((script) => script.attributes)).toEqual([
          ` nonce="${nonce}"`,
        ]);
        expect(response.body).toContain(`<style nonce="${nonce}">`);
        nonces.add(nonce!);
      }
      expect(nonces.size).toBe(2);
    });

    it("shows instructions and no widget without a key, and refuses a key that is not public", async () => {
      const bare = await get("/widget/demo");
      expect(bare.statusCode).toBe(200);
      expect(bare.body).toContain("/widget/demo?key=pk_test_…");
      expect(bare.body).toContain("kith key create --workspace &lt;slug&gt; --type public_test");
      expect(bare.body).not.toContain("<script");

      const secret = await get(`/widget/demo?key=${encodeURIComponent(kit.secretKey)}`);
      expect(secret.statusCode).toBe(400);
      expect(secret.body).toContain("is not a public widget key");
      expect(secret.body).not.toContain(kit.secretKey);
      expect(secret.body).not.toContain("<script");
    });
  });
}

describe("widget assets on other mounts", () => {
  const kits: TestKit[] = [];
  afterAll(async () => {
    for (const kit of kits) await kit.close();
  });
  const start = async (mount: string) => {
    const kit = await startTestKit(ENGINES[0]!, { env: { KITH_MOUNT_VALETHON: mount } });
    kits.push(kit);
    return kit;
  };

  it("injects a custom mount, the root mount as an empty base, and serves nothing when Valethon is off", async () => {
    const custom = await (await start("/crm/v1")).app.inject({ url: "/widget/chat.js" });
    expect(custom.body).toContain('"/crm/v1"');
    expect(custom.body).not.toContain('"/admin/api/v1/crm"');
    expect(custom.body).not.toContain(MOUNT_PLACEHOLDER);

    // The root mount is an empty base, so that requests go to /widget/init, not //widget/init.
    const root = await (await start("/")).app.inject({ url: "/widget/chat.js" });
    expect(root.statusCode).toBe(200);
    expect(root.body).toBe(custom.body.replace('"/crm/v1"', '""'));

    const off = await start("off");
    expect((await off.app.inject({ url: "/widget/chat.js" })).statusCode).toBe(404);
    expect((await off.app.inject({ url: "/widget/demo?key=pk_test_x" })).statusCode).toBe(404);
  });
});

describe("widget bundle", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kith-widget-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prefers a prebuilt bundle and builds from source when there is none", async () => {
    const prebuilt = join(dir, "chat.js");
    writeFileSync(prebuilt, `console.log(${JSON.stringify(MOUNT_PLACEHOLDER)});`);
    expect(await widgetBundle("/crm", { prebuiltPath: prebuilt })).toBe('console.log("/crm");');

    const built = await widgetBundle("/crm", { prebuiltPath: join(dir, "missing.js") });
    expect(built).toContain('"/crm"');
    expect(built).toContain("Valethon widget:");
  });

  it("refuses a bundle without exactly one placeholder", () => {
    expect(() => injectMount("no placeholder", "/x")).toThrow(/exactly once, found 0/);
    const twice = `${JSON.stringify(MOUNT_PLACEHOLDER)}+${JSON.stringify(MOUNT_PLACEHOLDER)}`;
    expect(() => injectMount(twice, "/x")).toThrow(/exactly once, found 2/);
  });

  it("reads Accept-Encoding and If-None-Match like HTTP does", () => {
    expect(acceptsGzip("gzip")).toBe(true);
    expect(acceptsGzip("deflate, GZIP;q=0.5")).toBe(true);
    expect(acceptsGzip("*")).toBe(true);
    expect(acceptsGzip("gzip;q=0, br")).toBe(false);
    expect(acceptsGzip("br")).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
    expect(matchesEtag('W/"a", "b"', '"a"')).toBe(true);
    expect(matchesEtag('"ab"', '"a"')).toBe(false);
    expect(matchesEtag(undefined, '"a"')).toBe(false);
  });
});
