/**
 * What the widget remembers, namespaced by public key so two widgets on one site never mix:
 * `localStorage["valethon-widget:<key>"]` = `{"visitor_id":"v_…","session_id":"ws_…"|null}` (the
 * conversation survives reloads and new tabs) and `sessionStorage["valethon-widget:<key>:open"]` =
 * `"1"`/`"0"` (whether the visitor left the panel open, for this tab only). Storage that is blocked
 * or full (private modes, cookie settings) degrades to memory: the chat still works for the page.
 */

export interface Remembered {
  visitor_id: string;
  session_id: string | null;
}

export interface WidgetStorage {
  load(): Remembered;
  save(value: Remembered): void;
  /** null when this tab never opened or closed the panel. */
  wasOpen(): boolean | null;
  setOpen(open: boolean): void;
}

function safe(area: () => Storage) {
  const memory = new Map<string, string>();
  return {
    get(name: string): string | null {
      try {
        return area().getItem(name);
      } catch {
        return memory.get(name) ?? null;
      }
    },
    set(name: string, value: string): void {
      try {
        area().setItem(name, value);
      } catch {
        memory.set(name, value);
      }
    },
  };
}

/** `v_` and 128 random bits in hex. */
export function newVisitorId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `v_${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

const VISITOR_ID = /^v_[A-Za-z0-9_-]{8,64}$/;

export function createStorage(publicKey: string): WidgetStorage {
  const local = safe(() => window.localStorage);
  const session = safe(() => window.sessionStorage);
  const key = `valethon-widget:${publicKey}`;
  return {
    load() {
      let stored: Partial<Remembered> = {};
      try {
        stored = JSON.parse(local.get(key) ?? "{}") ?? {};
      } catch {
        // A damaged entry is replaced below.
      }
      const remembered: Remembered = {
        visitor_id:
          typeof stored.visitor_id === "string" && VISITOR_ID.test(stored.visitor_id)
            ? stored.visitor_id
            : newVisitorId(),
        session_id: typeof stored.session_id === "string" && stored.session_id ? stored.session_id : null,
      };
      local.set(key, JSON.stringify(remembered));
      return remembered;
    },
    save: (value) => local.set(key, JSON.stringify(value)),
    wasOpen() {
      const value = session.get(`${key}:open`);
      return value === null ? null : value === "1";
    },
    setOpen: (open) => session.set(`${key}:open`, open ? "1" : "0"),
  };
}
