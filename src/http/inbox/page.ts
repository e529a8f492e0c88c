/**
 * The inbox page: a small HTML shell and its script and stylesheet (see inbox/bundle.ts). The
 * shell names the assets with a content hash, so they may be cached for good; the shell itself
 * is never cached. Security headers for every inbox response are set by the plugin (index.ts).
 */
import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { type InboxAssets, loadInboxAssets } from "../../inbox/bundle.js";
import type { InboxApp } from "./context.js";

interface Asset {
  body: string;
  contentType: string;
  /** The first 16 hex digits of the content's SHA-256: the cache-busting version and the ETag. */
  version: string;
}

interface Served {
  js: Asset;
  css: Asset;
  html: string;
}

const version = (body: string) => createHash("sha256").update(body).digest("hex").slice(0, 16);

function served(assets: InboxAssets): Served {
  const js = { body: assets.js, contentType: "text/javascript; charset=utf-8", version: version(assets.js) };
  const css = { body: assets.css, contentType: "text/css; charset=utf-8", version: version(assets.css) };
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>Inbox · Kith</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/inbox/app.css?v=${css.version}">
<script src="/inbox/app.js?v=${js.version}" defer></script>
</head>
<body>
<noscript>The Kith inbox needs JavaScript.</noscript>
<div id="app"></div>
</body>
</html>
`;
  return { js, css, html };
}

export async function pageRoutes(app: InboxApp): Promise<void> {
  // Loaded on first use (a build takes a moment) and kept; a failed load is retried next time.
  let loading: Promise<Served> | null = null;
  const load = () => {
    loading ??= loadInboxAssets()
      .then(served)
      .catch((error) => {
        loading = null;
        throw error;
      });
    return loading;
  };
  const unavailable = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    request.log.error({ err: error }, "inbox page assets unavailable");
    return reply
      .code(503)
      .type("text/plain; charset=utf-8")
      .send("The inbox page is not built; run npm run build.");
  };

  app.get("/", { schema: { hide: true } }, async (request, reply) => {
    let page: Served;
    try {
      page = await load();
    } catch (error) {
      return unavailable(request, reply, error);
    }
    return reply.type("text/html; charset=utf-8").send(page.html);
  });

  const asset = (pick: (page: Served) => Asset) => async (request: FastifyRequest, reply: FastifyReply) => {
    let file: Asset;
    try {
      file = pick(await load());
    } catch (error) {
      return unavailable(request, reply, error);
    }
    const etag = `"${file.version}"`;
    const query = request.query as { v?: unknown };
    reply
      .header("etag", etag)
      .header("cache-control", query.v === file.version ? "public, max-age=31536000, immutable" : "no-cache");
    if (request.headers["if-none-match"] === etag) return reply.code(304).send();
    return reply.type(file.contentType).send(file.body);
  };
  app.get(
    "/app.js",
    { schema: { hide: true } },
    asset((page) => page.js),
  );
  app.get(
    "/app.css",
    { schema: { hide: true } },
    asset((page) => page.css),
  );
}
