/**
 * The bytes of `/widget/chat.js` for a given Valethon mount. `npm run build` writes the minified
 * bundle beside the compiled server (dist/widget/chat.js) and the compiled server serves that file;
 * run from source (tests, `npm run dev`) there is no such file beside this module, so the bundle is
 * built in memory from src/widget/client with esbuild (a devDependency). Either way the bundle
 * carries one placeholder string that becomes the configured mount here.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export const MOUNT_PLACEHOLDER = "__KITH_VALETHON_MOUNT__";

/** Beside this module: dist/widget/chat.js when compiled; absent under src/. */
export const PREBUILT_PATH = fileURLToPath(new URL("./chat.js", import.meta.url));
/** The browser entry point, from the repository root (the same for src/ and dist/). */
export const ENTRY_PATH = fileURLToPath(new URL("../../src/widget/client/index.ts", import.meta.url));

/** Bundles the browser code into one minified IIFE (ES2018), placeholder intact. */
export async function buildWidgetSource(entry = ENTRY_PATH): Promise<string> {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "iife",
    target: "es2018",
    platform: "browser",
    minify: true,
    legalComments: "none",
    // ASCII only (\u escapes), so the script reads the same whatever charset a page or proxy assumes.
    charset: "ascii",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

async function readPrebuilt(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** Puts the mount (JSON-escaped) where the placeholder string is; the root mount becomes "". */
export function injectMount(source: string, mount: string): string {
  const quoted = JSON.stringify(MOUNT_PLACEHOLDER);
  const parts = source.split(quoted);
  if (parts.length !== 2) {
    throw new Error(`the widget bundle must contain ${quoted} exactly once, found ${parts.length - 1}`);
  }
  return parts.join(JSON.stringify(mount === "/" ? "" : mount));
}

/** The served script for a mount: the prebuilt bundle when there is one, else built now. */
export async function widgetBundle(
  mount: string,
  options: { prebuiltPath?: string; entry?: string } = {},
): Promise<string> {
  const source =
    (await readPrebuilt(options.prebuiltPath ?? PREBUILT_PATH)) ?? (await buildWidgetSource(options.entry));
  return injectMount(source, mount);
}
