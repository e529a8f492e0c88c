/**
 * The widget's DOM, in an open shadow root on a host element appended to <body>. Every text that
 * comes from a visitor, an agent, the bot or the server is set with `textContent` (never parsed as
 * HTML), and no `innerHTML` is used at all, so pages enforcing Trusted Types accept the widget too.
 */
import type { Position } from "./options.js";
import { WIDGET_CSS } from "./styles.js";

export interface ViewOptions {
  position: Position;
  showOnMobile: boolean;
  colour: string;
  title: string;
  logoUrl: string | null;
  greeting: string;
}

export interface ViewEvents {
  send(text: string): void;
  end(): void;
  /** The panel was opened or closed. */
  toggled(open: boolean): void;
}

export type LineKind = "waiting" | "info";

export interface View {
  readonly isOpen: boolean;
  open(moveFocus: boolean): void;
  close(returnFocus: boolean): void;
  addMessage(
    sender: "visitor" | "bot" | "agent",
    text: string,
    options?: { author?: string | null; actions?: string[]; pending?: boolean },
  ): HTMLElement;
  addLine(text: string, kind: LineKind): HTMLElement;
  removeLines(kind: LineKind): void;
  /** Empties the transcript (the greeting stays). */
  clear(): void;
  /** A polite, non-blocking notice under the transcript; null hides it. */
  notice(text: string | null): void;
  setBusy(busy: boolean): void;
  setInput(text: string): void;
  setEndable(endable: boolean): void;
  setUnread(unread: boolean): void;
}

const SVG = "http://www.w3.org/2000/svg";

function icon(path: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const shape = document.createElementNS(SVG, "path");
  shape.setAttribute("d", path);
  svg.appendChild(shape);
  return svg;
}

const CHAT_ICON = "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z";
const CLOSE_ICON =
  "M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 0 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z";

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.className = className;
  for (const name of Object.keys(attributes)) element.setAttribute(name, attributes[name]!);
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Black or white, whichever reads better on the given computed colour (WCAG contrast). */
function readableOn(computed: string): string {
  const channels = computed.match(/[\d.]+/g);
  if (!channels || channels.length < 3) return "#fff";
  const [r, g, b] = channels.slice(0, 3).map((channel) => {
    const value = Number(channel) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? "#000" : "#fff";
}

function adoptStyles(root: ShadowRoot): void {
  // A constructed stylesheet is not an inline <style>, so a host page's strict style-src CSP allows it.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(WIDGET_CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.appendChild(el("style", "", {}, WIDGET_CSS));
  }
}

export function createView(options: ViewOptions, events: ViewEvents): View {
  const host = el("div", "", { "data-valethon-widget": "" });
  const root = host.attachShadow({ mode: "open" });
  adoptStyles(root);

  const frame = el("div", `kw kw-${options.position === "bottom-left" ? "left" : "right"}`);
  if (!options.showOnMobile) frame.classList.add("kw-hide-mobile");
  frame.style.setProperty("--kw-primary", options.colour);

  const panel = el("div", "kw-panel", { id: "kw-panel", role: "dialog", "aria-label": options.title });
  panel.hidden = true;
  const header = el("div", "kw-header");
  if (options.logoUrl) header.appendChild(el("img", "kw-logo", { src: options.logoUrl, alt: "" }));
  header.appendChild(el("h2", "kw-title", {}, options.title));
  const endButton = el("button", "kw-end", { type: "button" }, "End chat");
  endButton.hidden = true;
  const closeButton = el("button", "kw-close", { type: "button", "aria-label": "Close chat" });
  closeButton.appendChild(icon(CLOSE_ICON));
  header.append(endButton, closeButton);

  const log = el("div", "kw-log", {
    role: "log",
    "aria-live": "polite",
    "aria-label": "Conversation",
    tabindex: "0",
  });
  const greeting = el("div", "kw-msg kw-msg-bot kw-greeting");
  greeting.append(el("span", "kw-text", {}, options.greeting));
  log.appendChild(greeting);

  const noticeBox = el("p", "kw-notice", { role: "status" });
  noticeBox.hidden = true;
  const form = el("form", "kw-form", { novalidate: "" });
  const label = el("label", "kw-sr", { for: "kw-input" }, "Your message");
  const input = el("textarea", "kw-input", {
    id: "kw-input",
    rows: "1",
    maxlength: "2000",
    placeholder: "Type your message…",
    autocomplete: "off",
  });
  const sendButton = el("button", "kw-send", { type: "submit" }, "Send");
  sendButton.setAttribute("aria-label", "Send message");
  form.append(label, input, sendButton);
  panel.append(header, log, noticeBox, form);

  const launcher = el("button", "kw-launcher", {
    type: "button",
    "aria-controls": "kw-panel",
    "aria-expanded": "false",
    "aria-label": "Open chat",
  });
  launcher.appendChild(icon(CHAT_ICON));
  const badge = el("span", "kw-badge");
  badge.hidden = true;
  launcher.appendChild(badge);

  frame.append(panel, launcher);
  root.appendChild(frame);
  document.body.appendChild(host);
  frame.style.setProperty("--kw-on-primary", readableOn(getComputedStyle(launcher).backgroundColor));

  let busy = false;
  const scrollDown = () => {
    log.scrollTop = log.scrollHeight;
  };
  const submit = () => {
    const text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    events.send(text);
  };

  const view: View = {
    get isOpen() {
      return !panel.hidden;
    },
    open(moveFocus) {
      if (!panel.hidden) return;
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      launcher.setAttribute("aria-label", "Close chat");
      view.setUnread(false);
      scrollDown();
      if (moveFocus) input.focus();
      events.toggled(true);
    },
    close(returnFocus) {
      if (panel.hidden) return;
      panel.hidden = true;
      launcher.setAttribute("aria-expanded", "false");
      launcher.setAttribute("aria-label", "Open chat");
      if (returnFocus) launcher.focus();
      events.toggled(false);
    },
    addMessage(sender, text, extra = {}) {
      const bubble = el("div", `kw-msg kw-msg-${sender}${extra.pending ? " kw-msg-pending" : ""}`);
      if (sender === "agent") bubble.append(el("span", "kw-author", {}, extra.author || "Agent"));
      else bubble.append(el("span", "kw-sr", {}, sender === "visitor" ? "You:" : "Assistant:"));
      bubble.append(el("span", "kw-text", {}, text));
      log.appendChild(bubble);
      for (const old of Array.from(log.querySelectorAll(".kw-actions"))) old.remove();
      if (extra.actions && extra.actions.length > 0) {
        const group = el("div", "kw-actions", { role: "group", "aria-label": "Suggested replies" });
        for (const action of extra.actions) {
          const button = el("button", "kw-action", { type: "button" }, action);
          button.addEventListener("click", () => {
            if (busy) return;
            // The buttons go away with the next message; keep the focus in the panel.
            input.focus();
            events.send(action);
          });
          group.appendChild(button);
        }
        log.appendChild(group);
      }
      scrollDown();
      return bubble;
    },
    addLine(text, kind) {
      const line = el("div", `kw-line kw-line-${kind}`, {}, text);
      log.appendChild(line);
      scrollDown();
      return line;
    },
    removeLines(kind) {
      for (const line of Array.from(log.querySelectorAll(`.kw-line-${kind}`))) line.remove();
    },
    clear() {
      while (log.lastChild && log.lastChild !== greeting) log.removeChild(log.lastChild);
    },
    notice(text) {
      noticeBox.textContent = text ?? "";
      noticeBox.hidden = text === null;
    },
    setBusy(value) {
      busy = value;
      sendButton.disabled = value;
      log.setAttribute("aria-busy", String(value));
    },
    setInput(text) {
      if (!input.value.trim()) input.value = text;
    },
    setEndable(endable) {
      endButton.hidden = !endable;
    },
    setUnread(unread) {
      badge.hidden = !unread || !panel.hidden;
      launcher.setAttribute(
        "aria-label",
        panel.hidden ? (unread ? "Open chat (new message)" : "Open chat") : "Close chat",
      );
    },
  };

  launcher.addEventListener("click", () => (panel.hidden ? view.open(true) : view.close(true)));
  closeButton.addEventListener("click", () => view.close(true));
  endButton.addEventListener("click", () => events.end());
  frame.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      event.stopPropagation();
      view.close(true);
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  return view;
}
