/**
 * The two-pane inbox: conversations by status (with unread badges) on the left, the open
 * conversation with its visitor's context and a reply box on the right. A server-sent event
 * stream keeps both current; after a reconnect the page reloads what it shows.
 */
import {
  ApiError,
  api,
  type ConversationDetail,
  type ConversationStatus,
  type ConversationSummary,
  type Me,
  type Message,
} from "./api.js";
import { el, formatTime, keepingFocus, replaceChildren, safeLink } from "./dom.js";

const STATUSES: { status: ConversationStatus; label: string }[] = [
  { status: "open", label: "Open" },
  { status: "waiting", label: "Waiting" },
  { status: "closed", label: "Closed" },
];
const PAGE_SIZE = 50;
const RECONNECT_MS = 3_000;

const visitorLabel = (conversation: ConversationSummary) =>
  conversation.visitor_name || conversation.visitor_email || `Visitor #${conversation.number}`;

/** Newest activity first, as the server lists them. */
const byActivity = (a: ConversationSummary, b: ConversationSummary) =>
  (b.last_message_at ?? b.created_at).localeCompare(a.last_message_at ?? a.created_at) || b.number - a.number;

export function startInbox(root: HTMLElement, me: Me, hooks: { loggedOut(notice?: string): void }): void {
  let status: ConversationStatus = "open";
  let mine = false;
  let items: ConversationSummary[] = [];
  let total = 0;
  let page = 1;
  let unread: Record<ConversationStatus, number> = { open: 0, waiting: 0, closed: 0 };
  let selected: ConversationDetail | null = null;
  let messages: Message[] = [];
  let source: EventSource | null = null;
  let stopped = false;

  // ---- layout ----
  const liveStatus = el("span", { class: "live", role: "status" }, ["Connecting…"]);
  const logout = el("button", { type: "button" }, ["Log out"]);
  const tabs = el("div", { class: "tabs", role: "tablist", "aria-label": "Conversation status" });
  const mineBox = el("input", { type: "checkbox", id: "filter-mine" });
  const list = el("ul", { class: "conversation-list", "aria-label": "Conversations" });
  const listNote = el("p", { class: "list-note" });
  const more = el("button", { type: "button", class: "more", hidden: true }, ["Load more"]);
  const pane = el("section", { class: "conversation-pane", "aria-label": "Conversation" });
  const alert = el("p", { class: "form-error", role: "alert" });

  root.replaceChildren(
    el("div", { class: "inbox" }, [
      el("header", { class: "topbar" }, [
        el("h1", {}, ["Inbox"]),
        el("span", { class: "workspace" }, [me.workspace.name]),
        liveStatus,
        el("span", { class: "who" }, [me.user.name]),
        logout,
      ]),
      el("div", { class: "panes" }, [
        el("nav", { class: "list-pane", "aria-label": "Conversation list" }, [
          tabs,
          el("div", { class: "filters" }, [mineBox, el("label", { for: "filter-mine" }, ["Assigned to me"])]),
          list,
          listNote,
          more,
        ]),
        pane,
      ]),
      alert,
    ]),
  );
  renderEmptyPane();

  const fail = (error: unknown) => {
    if (error instanceof ApiError && error.status === 401)
      return endSession("Your session has ended. Please log in again.");
    alert.textContent = error instanceof Error ? error.message : "Something went wrong.";
  };

  // ---- list ----
  function renderTabs(): void {
    const buttons = STATUSES.map(({ status: value, label }) => {
      const count = unread[value];
      const tab = el(
        "button",
        {
          type: "button",
          role: "tab",
          id: `tab-${value}`,
          "data-key": value,
          "aria-selected": String(value === status),
          tabindex: value === status ? "0" : "-1",
        },
        [
          label,
          count > 0
            ? el("span", { class: "badge" }, [String(count), el("span", { class: "sr-only" }, [" unread"])])
            : null,
        ],
      );
      tab.addEventListener("click", () => selectTab(value));
      return tab;
    });
    keepingFocus(tabs, () => replaceChildren(tabs, buttons));
  }

  tabs.addEventListener("keydown", (event) => {
    const index = STATUSES.findIndex((entry) => entry.status === status);
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = STATUSES[(index + step + STATUSES.length) % STATUSES.length]!.status;
    selectTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  });

  function selectTab(value: ConversationStatus): void {
    if (value === status) return;
    status = value;
    renderTabs();
    void loadList();
  }

  mineBox.addEventListener("change", () => {
    mine = mineBox.checked;
    void loadList();
  });

  function renderList(): void {
    keepingFocus(list, () => fillList());
    listNote.textContent = items.length === 0 ? "No conversations here." : "";
    more.hidden = items.length >= total;
  }

  function fillList(): void {
    replaceChildren(
      list,
      items.map((conversation) => {
        const button = el(
          "button",
          {
            type: "button",
            class: conversation.is_read ? "conversation" : "conversation unread",
            "data-key": conversation.id,
            "aria-current": selected?.id === conversation.id ? "true" : undefined,
          },
          [
            el("span", { class: "row" }, [
              el("strong", { class: "visitor" }, [visitorLabel(conversation)]),
              el("time", { datetime: conversation.last_message_at ?? conversation.created_at }, [
                formatTime(conversation.last_message_at ?? conversation.created_at),
              ]),
            ]),
            el("span", { class: "preview" }, [conversation.last_message_preview ?? "No messages yet"]),
            el("span", { class: "row meta" }, [
              conversation.is_read ? null : el("span", { class: "dot" }, ["Unread"]),
              conversation.assignee
                ? el("span", { class: "assignee" }, [`Assigned to ${conversation.assignee.name}`])
                : null,
            ]),
          ],
        );
        button.addEventListener("click", () => void open(conversation.id));
        return el("li", {}, [button]);
      }),
    );
  }

  list.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const buttons = [...list.querySelectorAll<HTMLButtonElement>("button.conversation")];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[index + (event.key === "ArrowDown" ? 1 : -1)];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  });

  async function loadList(): Promise<void> {
    const filter = { status, mine };
    try {
      const answer = await api.list({ ...filter, perPage: PAGE_SIZE });
      if (filter.status !== status || filter.mine !== mine) return;
      items = answer.items;
      total = answer.total;
      unread = answer.unread;
      page = 1;
      renderTabs();
      renderList();
    } catch (error) {
      fail(error);
    }
  }

  more.addEventListener("click", async () => {
    try {
      const answer = await api.list({ status, mine, page: page + 1, perPage: PAGE_SIZE });
      page += 1;
      const known = new Set(items.map((item) => item.id));
      items = [...items, ...answer.items.filter((item) => !known.has(item.id))];
      total = answer.total;
      unread = answer.unread;
      renderTabs();
      renderList();
    } catch (error) {
      fail(error);
    }
  });

  // Badges and totals are recounted by the server, at most once a second while updates arrive.
  let recount: number | undefined;
  function scheduleRecount(): void {
    if (recount !== undefined) return;
    recount = window.setTimeout(async () => {
      recount = undefined;
      try {
        const answer = await api.list({ status, mine, perPage: 1 });
        unread = answer.unread;
        total = answer.total;
        renderTabs();
        more.hidden = items.length >= total;
      } catch (error) {
        fail(error);
      }
    }, 1_000);
  }

  /** A conversation changed (stream or own action): move it into, within or out of the list. */
  function upsert(conversation: ConversationSummary): void {
    const fits = conversation.status === status && (!mine || conversation.assignee?.id === me.user.id);
    items = items.filter((item) => item.id !== conversation.id);
    if (fits) items = [...items, conversation].sort(byActivity);
    renderList();
    if (selected?.id === conversation.id) {
      selected = { ...selected, ...conversation };
      renderHeader();
    }
    scheduleRecount();
  }

  // ---- conversation ----
  const header = el("div", { class: "conversation-header" });
  const messageList = el("ol", { class: "messages", "aria-label": "Messages", "aria-live": "polite" });
  const context = el("aside", { class: "context", "aria-label": "Visitor" });
  const replyBox = el("textarea", { id: "reply-text", rows: "3", maxlength: "2000" });
  const send = el("button", { type: "submit", class: "primary" }, ["Send"]);
  const replyHint = el("p", { class: "hint", id: "reply-hint" }, [
    "Enter sends, Shift+Enter starts a new line.",
  ]);
  replyBox.setAttribute("aria-describedby", "reply-hint");
  const replyForm = el("form", { class: "reply" }, [
    el("label", { for: "reply-text" }, ["Reply"]),
    replyBox,
    el("div", { class: "reply-actions" }, [replyHint, send]),
  ]);

  function renderEmptyPane(): void {
    replaceChildren(pane, [el("p", { class: "empty-pane" }, ["Select a conversation to read it."])]);
  }

  function renderHeader(): void {
    if (!selected) return;
    const conversation = selected;
    const assignedToMe = conversation.assignee?.id === me.user.id;
    const assign = el("button", { type: "button", "data-key": "assign" }, [
      assignedToMe ? "Unassign" : "Assign to me",
    ]);
    assign.addEventListener("click", () =>
      act(() => api.assign(conversation.id, assignedToMe ? null : me.user.id)),
    );
    const close = el(
      "button",
      { type: "button", "data-key": "close", disabled: conversation.status === "closed" },
      ["Close"],
    );
    close.addEventListener("click", () => act(() => api.close(conversation.id)));
    const markUnread = el(
      "button",
      { type: "button", "data-key": "unread", disabled: !conversation.is_read },
      ["Mark unread"],
    );
    markUnread.addEventListener("click", () => act(() => api.markRead(conversation.id, false)));
    keepingFocus(header, () =>
      replaceChildren(header, [
        el("div", {}, [
          el("h2", {}, [visitorLabel(conversation)]),
          el("p", { class: "subtitle" }, [
            el("span", { class: `status status-${conversation.status}` }, [conversation.status]),
            ` · #${conversation.number} · `,
            conversation.assignee ? `Assigned to ${conversation.assignee.name}` : "Unassigned",
          ]),
        ]),
        el("div", { class: "actions" }, [assign, close, markUnread]),
      ]),
    );
    const closed = conversation.status === "closed";
    replyBox.disabled = closed;
    send.disabled = closed;
    replyBox.placeholder = closed ? "This conversation is closed." : "";
  }

  function renderContext(conversation: ConversationDetail): void {
    const row = (term: string, value: Node | string | null) =>
      value ? [el("dt", {}, [term]), el("dd", {}, [value])] : [];
    const person = (kind: string, record: ConversationDetail["lead"]) =>
      record
        ? `${kind} #${record.number}${record.name ? ` · ${record.name}` : ""}${record.email ? ` · ${record.email}` : ""}`
        : null;
    replaceChildren(context, [
      el("h3", {}, ["Visitor"]),
      el("dl", {}, [
        ...row("Name", conversation.visitor_name),
        ...row("Email", conversation.visitor_email),
        ...row("Page", conversation.page_url ? safeLink(conversation.page_url) : null),
        ...row("Referrer", conversation.referrer ? safeLink(conversation.referrer) : null),
        ...row("Browser", conversation.user_agent),
        ...row("Lead", person("Lead", conversation.lead)),
        ...row("Contact", person("Contact", conversation.contact)),
        ...row("Started", formatTime(conversation.created_at)),
      ]),
    ]);
  }

  function messageItem(message: Message): HTMLLIElement {
    const author =
      message.sender === "visitor"
        ? selected
          ? visitorLabel(selected)
          : "Visitor"
        : message.sender === "bot"
          ? "Bot"
          : (message.author_name ?? "Agent");
    return el("li", { class: `message from-${message.sender}`, "data-id": message.id }, [
      el("div", { class: "meta" }, [
        el("span", { class: "author" }, [author]),
        el("time", { datetime: message.created_at }, [formatTime(message.created_at)]),
      ]),
      el("p", { class: "text" }, [message.text]),
      message.suggested_actions.length > 0
        ? el(
            "ul",
            { class: "actions-offered", "aria-label": "Suggested to the visitor" },
            message.suggested_actions.map((action) => el("li", {}, [action])),
          )
        : null,
    ]);
  }

  function addMessage(message: Message): void {
    if (messages.some((known) => known.id === message.id)) return;
    messages.push(message);
    messageList.appendChild(messageItem(message));
    messageList.scrollTop = messageList.scrollHeight;
  }

  async function open(id: string): Promise<void> {
    alert.textContent = "";
    try {
      const answer = await api.get(id);
      const opening = selected?.id !== id;
      selected = answer.conversation;
      messages = [];
      replaceChildren(messageList, []);
      for (const message of answer.messages) addMessage(message);
      renderHeader();
      renderContext(answer.conversation);
      if (opening) {
        replyBox.value = "";
        replaceChildren(pane, [
          header,
          el("div", { class: "conversation-body" }, [messageList, context]),
          replyForm,
        ]);
      }
      messageList.scrollTop = messageList.scrollHeight;
      renderList();
      if (!answer.conversation.is_read) await act(() => api.markRead(id, true));
    } catch (error) {
      fail(error);
    }
  }

  /** Runs an action on the open conversation and shows its result at once. */
  async function act(action: () => Promise<{ conversation: ConversationSummary }>): Promise<void> {
    alert.textContent = "";
    try {
      upsert((await action()).conversation);
    } catch (error) {
      fail(error);
    }
  }

  replyForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = replyBox.value.trim();
    if (!selected || !text || send.disabled) return;
    send.disabled = true;
    alert.textContent = "";
    try {
      const { message } = await api.reply(selected.id, text);
      replyBox.value = "";
      addMessage(message);
    } catch (error) {
      fail(error);
    } finally {
      send.disabled = selected?.status === "closed";
      replyBox.focus();
    }
  });

  replyBox.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      replyForm.requestSubmit();
    }
  });

  // ---- live updates ----
  let connectedBefore = false;
  function connect(): void {
    source = new EventSource("/inbox/api/stream");
    source.addEventListener("ready", () => {
      liveStatus.textContent = "Live";
      liveStatus.className = "live on";
      // Whatever happened while the stream was down is read again.
      if (connectedBefore) {
        void loadList();
        if (selected) void open(selected.id);
      }
      connectedBefore = true;
    });
    source.addEventListener("conversation", (event) => {
      upsert(JSON.parse((event as MessageEvent<string>).data).conversation as ConversationSummary);
    });
    source.addEventListener("message", (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as {
        conversation_id: string;
        message: Message;
      };
      if (selected?.id !== data.conversation_id) return;
      addMessage(data.message);
      if (data.message.sender !== "agent" && document.visibilityState === "visible" && document.hasFocus()) {
        void act(() => api.markRead(data.conversation_id, true));
      }
    });
    source.onerror = () => {
      if (stopped) return;
      liveStatus.textContent = "Reconnecting…";
      liveStatus.className = "live off";
      if (source?.readyState !== EventSource.CLOSED) return; // EventSource retries by itself.
      // Refused outright (the session may have ended): ask, then log out or try again.
      source.close();
      api.me().then(
        () => window.setTimeout(() => !stopped && connect(), RECONNECT_MS),
        (error) => {
          if (error instanceof ApiError && error.status === 401)
            endSession("Your session has ended. Please log in again.");
          else window.setTimeout(() => !stopped && connect(), RECONNECT_MS);
        },
      );
    };
  }

  function endSession(notice?: string): void {
    if (stopped) return;
    stopped = true;
    source?.close();
    window.clearTimeout(recount);
    hooks.loggedOut(notice);
  }

  logout.addEventListener("click", async () => {
    try {
      await api.logout();
    } catch {
      // The cookie is cleared by the server; a failure here still ends the page's session.
    }
    endSession("You have logged out.");
  });

  renderTabs();
  void loadList();
  connect();
}
