/**
 * `/widget/chat.js`: reads `window.ValethonWidget`, finds the API from its own <script src> and
 * starts the chat. The server replaces the mount placeholder below with its Valethon base path
 * (a JSON string) when it serves the bundle.
 */
import { readOptions } from "./options.js";
import { startWidget } from "./widget.js";

const VALETHON_MOUNT: string = "__KITH_VALETHON_MOUNT__";
const STARTED = "__valethonWidgetStarted";

/** Our own <script> element: currentScript while this runs, else the one loading /widget/chat.js. */
function ownScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.src) return current;
  const scripts = Array.from(document.querySelectorAll<HTMLScriptElement>("script[src]"));
  return scripts.reverse().find((script) => /\/widget\/chat\.js$/.test(script.src.split(/[?#]/)[0]!)) ?? null;
}

function boot(): void {
  const global = window as unknown as Record<string, unknown>;
  if (global[STARTED]) return;
  global[STARTED] = true;
  const supports = (colour: string) => typeof CSS === "undefined" || CSS.supports("color", colour);
  const read = readOptions(global.ValethonWidget, supports);
  if ("error" in read) {
    console.error(`Valethon widget: ${read.error}; the chat is not shown`);
    return;
  }
  for (const warning of read.warnings) console.warn(`Valethon widget: ${warning}`);
  const script = ownScript();
  if (!script) {
    console.error(
      "Valethon widget: cannot find its own <script src=…/widget/chat.js>; the chat is not shown",
    );
    return;
  }
  const base = new URL(script.src).origin + VALETHON_MOUNT;
  startWidget(read.options, base, supports).catch((error) =>
    console.error("Valethon widget: could not start", error),
  );
}

boot();
