/**
 * The inbox page's script and stylesheet, bundled by esbuild from src/inbox/client.
 *
 * `npm run build` writes them beside the compiled server (dist/inbox/app.js and app.css, see
 * scripts/build-inbox.mjs) and the compiled server serves those files. Run from source (tests,
 * `npm run dev`) there are no such files beside this module, so the bundle is built in memory on
 * first use (esbuild is a development dependency).
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export interface InboxAssets {
  js: string;
  css: string;
}

/** Beside this module: dist/inbox/app.{js,css} when compiled; absent under src/. */
export const PREBUILT_PATHS = {
  js: fileURLToPath(new URL("./app.js", import.meta.url)),
  css: fileURLToPath(new URL("./app.css", import.meta.url)),
};
/** The browser sources, from the repository root (the same for src/ and dist/). */
const CLIENT = (file: string) => fileURLToPath(new URL(`../../src/inbox/client/${file}`, import.meta.url));

/** One minified IIFE (ES2020) and one stylesheet, ASCII only whatever charset a proxy assumes. */
export async function buildInboxAssets(): Promise<InboxAssets> {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [CLIENT("main.ts"), CLIENT("inbox.css")],
    bundle: true,
    write: false,
    outdir: "inbox",
    format: "iife",
    target: "es2020",
    platform: "browser",
    minify: true,
    legalComments: "none",
    charset: "ascii",
    logLevel: "silent",
  });
  const output = (extension: string) => {
    const file = result.outputFiles.find((candidate) => candidate.path.endsWith(extension));
    if (!file) throw new Error(`esbuild produced no ${extension} file for the inbox`);
    return file.text;
  };
  return { js: output(".js"), css: output(".css") };
}

async function readPrebuilt(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** The prebuilt files when both are there, else a fresh build. */
export async function loadInboxAssets(
  prebuilt: { js: string; css: string } = PREBUILT_PATHS,
): Promise<InboxAssets> {
  const [js, css] = await Promise.all([readPrebuilt(prebuilt.js), readPrebuilt(prebuilt.css)]);
  return js !== null && css !== null ? { js, css } : buildInboxAssets();
}
