/**
 * The chat widget in a real Chromium (Debian's /usr/bin/chromium driven by playwright-core): a
 * customer page on one loopback origin embeds the snippet, the real Kith app answers on another.
 * Screenshots go to test-artifacts/.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createIntent } from "../../../src/core/chat-bot/intents.service.js";
import { updateWidgetSettings } from "../../../src/core/conversations/chat-settings.js";
import {
  getConversation,
  listConversations,
  replyAsAgent,
} from "../../../src/core/conversations/conversations.service.js";
import { createUser } from "../../../src/core/users/users.service.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ARTIFACTS, launchChromium } from "../../support/browser.js";
import { ENGINES } from "../../support/engines.js";

// The callbacks given to page.evaluate run in the browser. The test program has no DOM types (the
// server code must not see them), so the few browser globals used there are declared for this file.
declare const window: any;
declare const document: any;
declare const localStorage: { getItem(name: string): string | null };
declare function getComputedStyle(element: unknown): any;

const LIVE_WITHIN_MS = 2000;

/** Page CSS meant to wreck any widget living in the light DOM. */
const HOSTILE_CSS = `
body * { display: none !important; color: red !important; font: 40px/3 serif !important;
  background: yellow !important; }
div, button, textarea { position: absolute !important; transform: rotate(8deg) !important;
  opacity: 0.2 !important; visibility: hidden !important; }
`;

interface Visit {
  context: BrowserContext;
  page: Page;
  /** The widget's own console lines ("Valethon widget: …"), by type. */
  widgetConsole: { type: string; text: string }[];
  dialogs: string[];
  pageErrors: string[];
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

for (const engine of ENGINES) {
  describe(`chat widget in Chromium (${engine})`, () => {
    let kit: TestKit;
    let apiOrigin: string;
    let hostOrigin: string;
    let host: http.Server;
    let publicKey: string;
    /** A key of the second workspace, which keeps the default branding. */
    let plainKey: string;
    let agentId: string;
    const visits: Visit[] = [];

    beforeAll(async () => {
      kit = await startTestKit(engine);
      await kit.app.listen({ port: 0, host: "127.0.0.1" });
      apiOrigin = `http://127.0.0.1:${(kit.app.server.address() as AddressInfo).port}`;
      publicKey = await kit.newKey(kit.scope, { type: "public_test", rateLimit: 100_000 });
      plainKey = await kit.newKey(kit.other.scope, { type: "public_test", rateLimit: 100_000 });
      await updateWidgetSettings(kit.core, kit.scope, {
        companyName: "Acme <b>IT</b>",
        greeting: "Hello from the server",
        primaryColor: "#7A1FA2",
      });
      agentId = (
        await createUser(kit.core, kit.scope, {
          username: "ann",
          name: "Ann Agent",
          email: "ann@example.com",
          role: "agent",
        })
      ).id;
      await createIntent(kit.core, kit.scope, {
        name: "Markup probe",
        keywords: ["markupprobe"],
        reply: "<img src=x onerror=alert('bot')> <script>alert('bot')</script>",
        suggestedActions: ["<b>Bold</b> action"],
        priority: 1000,
      });
      // The customer's site: another origin (another port) than the Kith app.
      host = http.createServer((request, response) => {
        const url = new URL(request.url ?? "/", "http://host");
        const options = url.searchParams.get("options") ?? "{}";
        response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        response.end(`<!doctype html>
<html><head><meta charset="utf-8"><title>Customer site</title><style>${HOSTILE_CSS}</style></head>
<body><h1>Customer site</h1><button type="button">A host button</button>
<script>
  window.ValethonWidget = ${options.replace(/</g, "\\u003c")};
</script>
<script src="${apiOrigin}/widget/chat.js" async></script>
</body></html>`);
      });
      await new Promise<void>((listening) => host.listen(0, "127.0.0.1", listening));
      hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    });
    afterEach(async () => {
      for (const visit of visits.splice(0)) await visit.context.close();
    });
    afterAll(async () => {
      await new Promise((closed) => host?.close(closed));
      await kit?.close();
    });

    async function visit(
      options: Record<string, unknown> | null,
      extra: {
        viewport?: { width: number; height: number };
        init?: () => void;
        url?: string;
        prepare?: (page: Page) => Promise<void>;
      } = {},
    ): Promise<Visit> {
      const context = await browser.newContext({ viewport: extra.viewport ?? { width: 1024, height: 720 } });
      const page = await context.newPage();
      const result: Visit = { context, page, widgetConsole: [], dialogs: [], pageErrors: [] };
      visits.push(result);
      page.on("console", (message) => {
        if (message.text().startsWith("Valethon widget:"))
          result.widgetConsole.push({ type: message.type(), text: message.text() });
      });
      page.on("dialog", (dialog) => {
        result.dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      page.on("pageerror", (error) => result.pageErrors.push(error.message));
      if (extra.init) await page.addInitScript(extra.init);
      await extra.prepare?.(page);
      await page.goto(extra.url ?? `${hostOrigin}/?options=${encodeURIComponent(JSON.stringify(options))}`);
      return result;
    }

    const launcher = (page: Page) => page.locator(".kw-launcher");
    const panel = (page: Page) => page.locator(".kw-panel");
    const texts = (page: Page) => page.locator(".kw-msg .kw-text").allTextContents();
    /** Which element has the focus, looking into the widget's shadow root. */
    const focused = (page: Page) =>
      page.evaluate(() => {
        const active = document.activeElement;
        const inner = active?.shadowRoot?.activeElement;
        return inner ? inner.className : (active?.tagName ?? null);
      });
    const stored = (page: Page, key = publicKey) =>
      page.evaluate((name) => JSON.parse(localStorage.getItem(name) ?? "null"), `valethon-widget:${key}`);
    /** The markup the widget created: element tag names inside its shadow root. */
    const shadowTags = (page: Page) =>
      page.evaluate(() =>
        Array.from(
          document.querySelector("[data-valethon-widget]")!.shadowRoot!.querySelectorAll("*"),
          (element: { tagName: string }) => element.tagName.toLowerCase(),
        ),
      );
    const conversationOf = async (page: Page) => {
      const visitorId = (await stored(page)).visitor_id;
      const { items } = await listConversations(kit.core, kit.scope, { page: 1, perPage: 100 });
      const conversation = items.find((candidate) => candidate.visitorId === visitorId);
      if (!conversation) throw new Error(`no conversation for visitor ${visitorId}`);
      return conversation;
    };
    const send = async (page: Page, text: string) => {
      await page.locator(".kw-input").fill(text);
      await page.keyboard.press("Enter");
    };
    const open = async (page: Page) => {
      await launcher(page).click();
      await expect.poll(() => panel(page).isVisible()).toBe(true);
    };

    it("shows the launcher at the configured position and colour, whatever the host page's CSS", async () => {
      const { page, widgetConsole, pageErrors } = await visit({
        publicKey,
        position: "bottom-left",
        primaryColor: "rgb(12, 34, 56)",
        greeting: "Hello from the snippet",
      });
      await launcher(page).waitFor({ state: "visible" });
      const box = (await launcher(page).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(8);
      expect(box.x).toBeLessThanOrEqual(32);
      expect(720 - (box.y + box.height)).toBeGreaterThanOrEqual(8);
      expect(720 - (box.y + box.height)).toBeLessThanOrEqual(32);
      expect(box.width).toBe(56);
      expect(await launcher(page).evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(
        "rgb(12, 34, 56)",
      );
      await page.screenshot({ path: resolve(ARTIFACTS, `widget-launcher-${engine}.png`) });

      await open(page);
      expect(await page.locator(".kw-greeting").textContent()).toBe("Hello from the snippet");
      // Branding from the server, as text; the host page's red 40px serif never reaches inside.
      expect(await page.locator(".kw-title").textContent()).toBe("Acme <b>IT</b>");
      const style = await page.locator(".kw-greeting .kw-text").evaluate((element) => {
        const computed = getComputedStyle(element);
        return { color: computed.color, fontSize: computed.fontSize, display: computed.display };
      });
      expect(style).toEqual({ color: "rgb(29, 35, 48)", fontSize: "14px", display: "inline" });
      const panelBox = (await panel(page).boundingBox())!;
      expect(panelBox.x).toBeLessThan(40);
      expect(panelBox.width).toBeGreaterThan(300);
      expect(widgetConsole).toEqual([]);
      expect(pageErrors).toEqual([]);
    });

    it("uses the server's branding and greeting when the snippet gives none, and the defaults otherwise", async () => {
      const branded = await visit({ publicKey });
      await launcher(branded.page).waitFor({ state: "visible" });
      expect(
        await launcher(branded.page).evaluate((element) => getComputedStyle(element).backgroundColor),
      ).toBe("rgb(122, 31, 162)");
      await open(branded.page);
      expect(await branded.page.locator(".kw-greeting").textContent()).toBe("Hello from the server");

      const plain = await visit({ publicKey: plainKey, primaryColor: "url(https://evil.example/x)" });
      await launcher(plain.page).waitFor({ state: "visible" });
      const box = (await launcher(plain.page).boundingBox())!;
      expect(1024 - (box.x + box.width)).toBeLessThanOrEqual(32);
      expect(
        await launcher(plain.page).evaluate((element) => getComputedStyle(element).backgroundColor),
      ).toBe("rgb(31, 182, 255)");
      await open(plain.page);
      expect(await plain.page.locator(".kw-greeting").textContent()).toBe("Hi! How can we help?");
      expect(await plain.page.locator(".kw-title").textContent()).toBe("Other Tenant");
      expect(plain.widgetConsole).toEqual([
        {
          type: "warning",
          text: expect.stringMatching(/^Valethon widget: primaryColor must be a CSS colour/),
        },
      ]);
    });

    it("works from the keyboard: Tab to the launcher, Enter opens with focus inside, Escape closes", async () => {
      const { page } = await visit({ publicKey, greeting: "Hello from the snippet" });
      await launcher(page).waitFor({ state: "visible" });
      expect(await launcher(page).getAttribute("aria-expanded")).toBe("false");
      expect(await launcher(page).getAttribute("aria-label")).toBe("Open chat");
      await page.keyboard.press("Tab");
      expect(await focused(page)).toBe("kw-launcher");
      await page.keyboard.press("Enter");
      expect(await panel(page).isVisible()).toBe(true);
      expect(await focused(page)).toBe("kw-input");
      expect(await launcher(page).getAttribute("aria-expanded")).toBe("true");
      // Labelled controls and a polite log for screen readers.
      expect(await page.locator(".kw-log").getAttribute("role")).toBe("log");
      expect(await page.locator(".kw-log").getAttribute("aria-live")).toBe("polite");
      expect(await page.locator("label[for=kw-input]").textContent()).toBe("Your message");
      expect(await page.locator(".kw-send").getAttribute("aria-label")).toBe("Send message");
      expect(await page.locator(".kw-close").getAttribute("aria-label")).toBe("Close chat");

      await page.keyboard.type("my email is not working");
      await page.keyboard.press("Enter");
      await page.locator(".kw-msg-bot:not(.kw-greeting)").waitFor();
      expect(await texts(page)).toEqual([
        "Hello from the snippet",
        "my email is not working",
        "I can help with email issues. Could you describe the problem?",
      ]);
      expect(await page.locator(".kw-action").allTextContents()).toEqual([
        "Create ticket",
        "Check service status",
      ]);
      expect(await page.locator(".kw-input").inputValue()).toBe("");
      // The focus shows (focus-visible outline) when reached by keyboard.
      await page.locator(".kw-action").first().focus();
      await page.keyboard.press("Shift+Tab");
      await page.keyboard.press("Tab");
      expect(await focused(page)).toBe("kw-action");
      expect(
        await page
          .locator(".kw-action")
          .first()
          .evaluate((element) => getComputedStyle(element).outlineStyle),
      ).toBe("solid");

      await page.keyboard.press("Escape");
      expect(await panel(page).isHidden()).toBe(true);
      expect(await focused(page)).toBe("kw-launcher");
      expect(await launcher(page).getAttribute("aria-expanded")).toBe("false");
    });

    it("renders HTML and script from the visitor, the bot and an agent as text", async () => {
      const { page, dialogs } = await visit({ publicKey });
      await open(page);
      await send(page, "<img src=x onerror=alert('visitor')>");
      await page.locator(".kw-msg-bot:not(.kw-greeting)").waitFor();
      await send(page, "markupprobe <script>alert('visitor')</script>");
      await expect.poll(() => page.locator(".kw-msg-bot:not(.kw-greeting)").count()).toBe(2);
      expect(await page.locator(".kw-action").allTextContents()).toEqual(["<b>Bold</b> action"]);
      const agentText = "<script>alert('agent')</script><b>bold</b>";
      await replyAsAgent(kit.core, kit.scope, (await conversationOf(page)).id, {
        text: agentText,
        authorUserId: agentId,
      });
      await page.locator(".kw-msg-agent").waitFor();
      const all = await texts(page);
      expect(all).toContain("<img src=x onerror=alert('visitor')>");
      expect(all).toContain("markupprobe <script>alert('visitor')</script>");
      expect(all).toContain("<img src=x onerror=alert('bot')> <script>alert('bot')</script>");
      expect(all.at(-1)).toBe(agentText);
      expect(await page.locator(".kw-msg-agent .kw-author").textContent()).toBe("Ann Agent");
      // The bot's suggestions go once someone else has spoken.
      expect(await page.locator(".kw-action").count()).toBe(0);
      const tags = await shadowTags(page);
      for (const tag of ["img", "script", "b"]) expect(tags).not.toContain(tag);
      expect(await page.evaluate(() => document.querySelectorAll("img, b").length)).toBe(0);
      expect(dialogs).toEqual([]);
      await page.screenshot({ path: resolve(ARTIFACTS, `widget-markup-as-text-${engine}.png`) });
    });

    it("sends a suggested action as a message, hands over to a person, shows the agent's reply live and restores it all after a reload", async () => {
      const { page } = await visit({ publicKey });
      await open(page);
      await send(page, "my email is not working");
      await page.locator(".kw-action").first().waitFor();
      const firstSession = (await stored(page)).session_id;
      expect(firstSession).toMatch(/^ws_/);

      // Talk to a human is not among the email intent's actions; the password intent offers it.
      await send(page, "I am locked out of my password");
      await page.locator(".kw-action", { hasText: "Talk to a human" }).click();
      await page.locator(".kw-line-waiting").waitFor();
      expect(await page.locator(".kw-line-waiting").textContent()).toBe("Connecting you with a person…");
      expect(await page.locator(".kw-msg-visitor .kw-text").last().textContent()).toBe("Talk to a human");
      const conversation = await conversationOf(page);
      expect((await getConversation(kit.core, kit.scope, conversation.id)).status).toBe("waiting");

      const sentAt = Date.now();
      await replyAsAgent(kit.core, kit.scope, conversation.id, {
        text: "Hi, Ann here. Let me look at your account.",
        authorUserId: agentId,
      });
      await page.locator(".kw-msg-agent").waitFor({ timeout: LIVE_WITHIN_MS });
      expect(Date.now() - sentAt).toBeLessThanOrEqual(LIVE_WITHIN_MS);
      await expect.poll(() => page.locator(".kw-line-waiting").count()).toBe(0);
      const before = await texts(page);
      await page.screenshot({ path: resolve(ARTIFACTS, `widget-conversation-${engine}.png`) });

      await page.reload();
      await page.locator(".kw-msg-agent").waitFor();
      expect(await texts(page)).toEqual(before);
      expect((await stored(page)).session_id).toBe(firstSession);
      // The panel was open before the reload, so it is open again (this tab's sessionStorage).
      expect(await panel(page).isVisible()).toBe(true);

      // A second reply reaches the reloaded page exactly once.
      await replyAsAgent(kit.core, kit.scope, conversation.id, { text: "Fixed!", authorUserId: agentId });
      await expect.poll(() => page.locator(".kw-msg-agent").count(), { timeout: LIVE_WITHIN_MS }).toBe(2);
      await page.waitForTimeout(500);
      expect(await page.locator(".kw-msg-agent").count()).toBe(2);

      // A reply while the panel is closed marks the launcher until the visitor opens it.
      await page.locator(".kw-close").click();
      expect(await panel(page).isHidden()).toBe(true);
      expect(await page.locator(".kw-badge").isHidden()).toBe(true);
      await replyAsAgent(kit.core, kit.scope, conversation.id, {
        text: "Anything else?",
        authorUserId: agentId,
      });
      await page.locator(".kw-badge").waitFor({ state: "visible", timeout: LIVE_WITHIN_MS });
      expect(await launcher(page).getAttribute("aria-label")).toBe("Open chat (new message)");
      await open(page);
      expect(await page.locator(".kw-badge").isHidden()).toBe(true);
      expect(await page.locator(".kw-msg-agent .kw-text").last().textContent()).toBe("Anything else?");
    });

    it("retries a failed send with backoff, says so politely, and keeps the message when it gives up", async () => {
      const { page, dialogs } = await visit({ publicKey });
      await open(page);
      let failuresLeft = 2;
      await page.route("**/widget/message", async (route) => {
        if (route.request().method() === "POST" && failuresLeft > 0) {
          failuresLeft--;
          await route.abort("failed");
        } else await route.continue();
      });
      await send(page, "printer is jammed");
      await expect
        .poll(() => page.locator(".kw-notice").textContent())
        .toBe("We couldn't reach the chat. Retrying…");
      await page.locator(".kw-msg-bot:not(.kw-greeting)").waitFor({ timeout: 10_000 });
      expect(failuresLeft).toBe(0);
      expect(await page.locator(".kw-notice").isHidden()).toBe(true);
      expect(await page.locator(".kw-msg-visitor .kw-text").allTextContents()).toEqual(["printer is jammed"]);

      await page.unroute("**/widget/message");
      let attempts = 0;
      await page.route("**/widget/message", async (route) => {
        if (route.request().method() === "POST") attempts++;
        await route.abort("failed");
      });
      await send(page, "still jammed");
      await expect
        .poll(() => page.locator(".kw-input").inputValue(), { timeout: 15_000 })
        .toBe("still jammed");
      expect(attempts).toBe(4);
      expect(await page.locator(".kw-notice").textContent()).toBe(
        "We couldn't reach the chat. Your message was not sent; please try again.",
      );
      expect(await page.locator(".kw-msg-visitor .kw-text").allTextContents()).toEqual(["printer is jammed"]);
      expect(dialogs).toEqual([]);
    });

    it("falls back to polling when EventSource is missing or the stream keeps failing", async () => {
      const withoutEventSource = await visit(
        { publicKey },
        {
          init: () => {
            delete window.EventSource;
          },
        },
      );
      const refusedStream = await visit(
        { publicKey },
        {
          prepare: async (page) => {
            await page.route("**/widget/stream**", (route) => route.fulfill({ status: 503, body: "down" }));
          },
        },
      );
      for (const { page } of [withoutEventSource, refusedStream]) {
        await open(page);
        await send(page, "network is down");
        await page.locator(".kw-msg-bot:not(.kw-greeting)").waitFor();
        await replyAsAgent(kit.core, kit.scope, (await conversationOf(page)).id, {
          text: "Polling reached you",
          authorUserId: agentId,
        });
      }
      for (const { page } of [withoutEventSource, refusedStream]) {
        await page.locator(".kw-msg-agent").waitFor({ timeout: 15_000 });
        expect(await page.locator(".kw-msg-agent .kw-text").allTextContents()).toEqual([
          "Polling reached you",
        ]);
      }
    });

    it("ends the chat: W3 is called, the session is forgotten and refused afterwards", async () => {
      const { page } = await visit({ publicKey });
      await open(page);
      await send(page, "my email is not working");
      await page.locator(".kw-msg-bot:not(.kw-greeting)").waitFor();
      const ended = (await stored(page)).session_id;
      await page.locator(".kw-end").click();
      await page.locator(".kw-line-info").waitFor();
      expect(await page.locator(".kw-line-info").textContent()).toBe(
        "Chat ended. Send a message to start a new one.",
      );
      expect(await texts(page)).toEqual(["Hello from the server"]);
      expect((await stored(page)).session_id).toBeNull();
      const refused = await call(kit, "POST", `${VALETHON}/widget/message`, {
        key: publicKey,
        body: { session_id: ended, message: "hello again" },
      });
      expect(refused.statusCode).toBe(404);

      await page.reload();
      // Still open (it was open before the reload), with a fresh transcript.
      await panel(page).waitFor({ state: "visible" });
      expect(await texts(page)).toEqual(["Hello from the server"]);
      await send(page, "hello again");
      await page.locator(".kw-msg-bot:not(.kw-greeting)").waitFor();
      const next = (await stored(page)).session_id;
      expect(next).toMatch(/^ws_/);
      expect(next).not.toBe(ended);
    });

    it("renders nothing without a public key or with a refused one, and says why once in the console", async () => {
      const missing = await visit({ position: "bottom-left" });
      await missing.page.waitForFunction(() => window.__valethonWidgetStarted === true);
      expect(await missing.page.locator("[data-valethon-widget]").count()).toBe(0);
      expect(missing.widgetConsole).toEqual([
        { type: "error", text: expect.stringContaining("window.ValethonWidget.publicKey is required") },
      ]);

      const refused = await visit({ publicKey: "pk_test_NOTAREALKEYzzzzzzzzzzzzzzzzzzzzzz" });
      await expect.poll(() => refused.widgetConsole.length, { timeout: 15_000 }).toBe(1);
      expect(refused.widgetConsole[0]!.type).toBe("warning");
      expect(refused.widgetConsole[0]!.text).toMatch(/the chat is not shown$/);
      await refused.page.waitForTimeout(300);
      expect(await refused.page.locator("[data-valethon-widget]").count()).toBe(0);
      expect(refused.widgetConsole).toHaveLength(1);
    });

    it("hides on narrow screens when showOnMobile is false, and opens by itself with autoOpen", async () => {
      const narrow = await visit(
        { publicKey, showOnMobile: false },
        { viewport: { width: 500, height: 700 } },
      );
      await narrow.page.locator("[data-valethon-widget]").waitFor({ state: "attached" });
      expect(await launcher(narrow.page).isHidden()).toBe(true);
      const narrowDefault = await visit({ publicKey }, { viewport: { width: 500, height: 700 } });
      await launcher(narrowDefault.page).waitFor({ state: "visible" });
      const wide = await visit({ publicKey, showOnMobile: false }, { viewport: { width: 800, height: 700 } });
      await launcher(wide.page).waitFor({ state: "visible" });

      const auto = await visit({ publicKey, autoOpen: true, autoOpenDelay: 1500 });
      await launcher(auto.page).waitFor({ state: "visible" });
      expect(await panel(auto.page).isHidden()).toBe(true);
      await panel(auto.page).waitFor({ state: "visible", timeout: 5000 });
      // Opening by itself leaves the focus where it was.
      expect(await focused(auto.page)).toBe("BODY");
    });

    it("runs on the demo page under its CSP without a violation", async () => {
      const { page, pageErrors } = await visit(null, {
        url: `${apiOrigin}/widget/demo?key=${encodeURIComponent(publicKey)}`,
        init: () => {
          const violations: string[] = [];
          window.__violations = violations;
          document.addEventListener("securitypolicyviolation", (event: any) =>
            violations.push(`${event.violatedDirective} ${event.blockedURI}`),
          );
        },
      });
      await open(page);
      await send(page, "my email is not working");
      await page.locator(".kw-msg-bot:not(.kw-greeting)").waitFor();
      expect(await launcher(page).evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(
        "rgb(31, 182, 255)",
      );
      expect(await page.evaluate(() => window.__violations)).toEqual([]);
      expect(pageErrors).toEqual([]);
      await page.screenshot({ path: resolve(ARTIFACTS, `widget-demo-page-${engine}.png`) });
    });
  });
}
