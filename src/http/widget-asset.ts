/**
 * Public, keyless routes of the website chat: `GET /widget/chat.js` (the embeddable widget, with the
 * Valethon mount injected) and `GET /widget/demo` (a local page that embeds it as a customer would).
 *
 * chat.js is a classic <script>, so it needs no CORS headers. Customers embed an unversioned URL,
 * so it is cached briefly (`public, max-age=300`) and revalidated by a strong ETag (the quoted
 * SHA-256 prefix of the bytes sent; the gzip and identity encodings each have their own).
 */
import { createHash, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { widgetBundle } from "../widget/bundle.js";

export const WIDGET_CACHE_CONTROL = "public, max-age=300";

interface Encoded {
  body: Buffer;
  etag: string;
}

interface WidgetAsset {
  identity: Encoded;
  gzip: Encoded;
}

const encoded = (body: Buffer): Encoded => ({
  body,
  etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
});

/** Whether the client accepts gzip (a `gzip` or `*` coding whose q is not 0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding !== "gzip" && coding !== "*") return false;
    const q = params.map((param) => param.trim()).find((param) => param.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** If-None-Match uses the weak comparison: `W/"x"` matches `"x"`, and `*` matches anything. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const candidate = tag.trim();
    return candidate === "*" || candidate.replace(/^W\//, "") === etag;
  });
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);

/** JSON that is safe inside an inline <script>: nothing in it can end the element or the string. */
export const scriptJson = (value: unknown) =>
  JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

const PUBLIC_KEY = /^pk_(live|test)_[\x21-\x7e]{1,200}$/;

function demoPage(origin: string, key: string | undefined, nonce: string): { status: number; html: string } {
  const snippet = (publicKey: string, src: string) =>
    [
      "<script>",
      `  window.ValethonWidget = { publicKey: ${scriptJson(publicKey)}, position: "bottom-right", primaryColor: "#1FB6FF", greeting: "Hi! How can we help?" };`,
      "</script>",
      `<script src="${src}" async></script>`,
    ].join("\n");
  const valid = key !== undefined && PUBLIC_KEY.test(key);
  const body: string[] = [];
  let status = 200;
  if (valid) {
    body.push(
      "<p>The chat button in the corner is the widget, embedded with the snippet below exactly as a customer's site would embed it (this page adds only a CSP nonce). Write to it: the bot answers, and agents answer from the inbox.</p>",
      `<pre><code>${escapeHtml(snippet(key, `${origin}/widget/chat.js`))}</code></pre>`,
    );
  } else {
    if (key !== undefined) {
      status = 400;
      body.push(
        '<p class="problem">The <code>key</code> parameter is not a public widget key. Use a key that starts with <code>pk_live_</code> or <code>pk_test_</code>; never put a secret key in a page.</p>',
      );
    }
    body.push(
      "<p>Open this page with a public widget key: <code>/widget/demo?key=pk_test_…</code>.</p>",
      "<p>The first start of <code>kith serve</code> prints this link with its bootstrap key. For another workspace, create a key with <code>kith key create --workspace &lt;slug&gt; --type public_test</code>.</p>",
    );
  }
  const embed = valid ? snippet(key, "/widget/chat.js").replace("<script>", `<script nonce="${nonce}">`) : "";
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kith chat widget demo</title>
<style nonce="${nonce}">
body{font:16px/1.5 system-ui,sans-serif;max-width:720px;margin:40px auto;padding:0 20px;color:#1d2330}
pre{background:#f3f4f6;padding:12px;border-radius:8px;overflow-x:auto;font-size:13px}
.problem{background:#fdecea;color:#8a1c12;padding:10px 12px;border-radius:8px}
</style>
</head>
<body>
<h1>Kith chat widget demo</h1>
${body.join("\n")}
${embed}
</body>
</html>
`;
  return { status, html };
}

export async function registerWidgetAssets(
  app: FastifyInstance,
  options: { valethonMount: string },
): Promise<void> {
  let asset: Promise<WidgetAsset> | null = null;
  const load = () => {
    asset ??= widgetBundle(options.valethonMount).then((source) => {
      const body = Buffer.from(source, "utf8");
      return { identity: encoded(body), gzip: encoded(gzipSync(body, { level: 9 })) };
    });
    // A failed build is retried by the next request rather than cached.
    asset.catch(() => {
      asset = null;
    });
    return asset;
  };

  app.get(
    "/widget/chat.js",
    { schema: { hide: true } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const { identity, gzip } = await load();
      const gzipped = acceptsGzip(request.headers["accept-encoding"]);
      const chosen = gzipped ? gzip : identity;
      reply
        .header("cache-control", WIDGET_CACHE_CONTROL)
        .header("etag", chosen.etag)
        .header("vary", "accept-encoding")
        .header("x-content-type-options", "nosniff");
      if (matchesEtag(request.headers["if-none-match"], chosen.etag)) return reply.code(304).send();
      reply.type("text/javascript; charset=utf-8");
      if (gzipped) reply.header("content-encoding", "gzip");
      return reply.send(chosen.body);
    },
  );

  app.get("/widget/demo", { schema: { hide: true } }, async (request, reply) => {
    const raw = (request.query as Record<string, unknown>).key;
    const key = typeof raw === "string" && raw !== "" ? raw : undefined;
    const nonce = randomBytes(16).toString("base64");
    const { status, html } = demoPage(`${request.protocol}://${request.host}`, key, nonce);
    return reply
      .code(status)
      .type("text/html; charset=utf-8")
      .header(
        "content-security-policy",
        [
          "default-src 'none'",
          `script-src 'nonce-${nonce}' 'self'`,
          `style-src 'nonce-${nonce}'`,
          "connect-src 'self'",
          "img-src 'self' https: data:",
          "base-uri 'none'",
          "form-action 'none'",
          "frame-ancestors 'none'",
        ].join("; "),
      )
      .header("cache-control", "no-store")
      .header("referrer-policy", "no-referrer")
      .header("x-content-type-options", "nosniff")
      .send(html);
  });
}
