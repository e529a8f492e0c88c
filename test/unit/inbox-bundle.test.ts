import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildInboxAssets, loadInboxAssets } from "../../src/inbox/bundle.js";

describe("inbox page bundle", () => {
  const dir = mkdtempSync(join(tmpdir(), "kith-inbox-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("builds one script and one stylesheet from src/inbox/client", async () => {
    const assets = await buildInboxAssets();
    expect(assets.js).toMatch(/^("use strict";)?\(\(\)=>\{/);
    expect(assets.js).toContain("/inbox/api");
    expect(assets.js).not.toContain("innerHTML");
    // ASCII only, whatever charset a proxy assumes.
    expect([...assets.js].every((char) => char.charCodeAt(0) < 128)).toBe(true);
    expect(assets.css).toContain(".conversation-list");
  });

  it("serves the prebuilt files when both exist, and builds otherwise", async () => {
    const paths = { js: join(dir, "app.js"), css: join(dir, "app.css") };
    writeFileSync(paths.js, "/* prebuilt js */");
    writeFileSync(paths.css, "/* prebuilt css */");
    expect(await loadInboxAssets(paths)).toEqual({ js: "/* prebuilt js */", css: "/* prebuilt css */" });
    rmSync(paths.css);
    const built = await loadInboxAssets(paths);
    expect(built.js).not.toBe("/* prebuilt js */");
    expect(built.css).toContain(".conversation-list");
  });
});
