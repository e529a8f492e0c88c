/**
 * Issue 5's end-to-end story in a real Chromium (Debian's /usr/bin/chromium via playwright-core):
 * a customer's page on another origin embeds the seed's snippet with a `pk_live_` key limited to
 * that origin; a visitor asks the bot, asks for a human; an agent logged into /inbox in a second
 * browser context sees the conversation arrive live, opens it and replies; the visitor sees the
 * reply within 2 s, a reload restores the conversation, and markup shows as text on both sides.
 * Screenshots of the widget and the inbox go to test-artifacts/.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listConversations } from "../../../src/core/conversations/conversations.service.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ARTIFACTS, launchChromium } from "../../support/browser.js";
import { ENGINES } from "../../support/engines.js";
import { AGENT_PASSWORD, createAgent } from "../../support/inbox.js";

declare const document: any;
declare function getComputedStyle(element: unknown): any;

const LIVE_WITHIN_MS = 2000;
const MARKUP = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script><b>bold</b>`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

for (const engine of ENGINES) {
  describe(`website chat end to end in Chromium (${engine})`, () => {
    let kit: TestKit;
    let host: http.Server;
    let hostOrigin: string;
    let kithOrigin: string;
    let publicKey: string;

    beforeAll(async () => {
      // The customer's site, on its own origin: a plain HTML page with the seed's snippet as written.
      host = http.createServer((_request, response) => {
        response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        response.end(`<!doctype html>
<html><head><meta charset="utf-8"><title>Acme customer site</title>
<style>button, div { font: 30px serif !important; color: red !important; }</style></head>
<body><h1>Acme customer site</h1>
<script>
  window.ValethonWidget = {
    publicKey: ${JSON.stringify(publicKey)},
    position: "bottom-right",
    primaryColor: "#E4572E",
    greeting: "Welcome to Acme support!"
  };
</script>
<script src="${kithOrigin}/widget/chat.js" async></script>
</body></html>`);
      });
      await new Promise<void>((listening) => host.listen(0, "127.0.0.1", listening));
      hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;

      kit = await startTestKit(engine);
      await kit.app.listen({ port: 0, host: "127.0.0.1" });
      // Another host name than the customer's page, so the two are different origins.
      kithOrigin = `http://localhost:${(kit.app.server.address() as AddressInfo).port}`;
      publicKey = await kit.newKey(kit.scope, {
        type: "public_live",
        origins: [hostOrigin],
        rateLimit: 1000,
      });
      await createAgent(kit, kit.scope, "ann", "Ann Agent");
    });
    afterAll(async () => {
      await new Promise((closed) => host?.close(closed));
      await kit?.close();
    });

    /** The texts of the widget's messages, greeting first. */
    const widgetTexts = (page: Page) => page.locator(".kw-msg .kw-text").allTextContents();
    const sendAsVisitor = async (page: Page, text: string) => {
      await page.locator(".kw-input").fill(text);
      await page.keyboard.press("Enter");
    };

    it("lets a visitor reach a live agent and keeps the conversation across a reload", async () => {
      const visitorContext = await browser.newContext({ viewport: { width: 1024, height: 720 } });
      const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        const visitor = await visitorContext.newPage();
        const visitorErrors: string[] = [];
        visitor.on("pageerror", (error) => visitorErrors.push(error.message));
        visitor.on("dialog", (dialog) => void dialog.dismiss());

        // The agent logs in first and watches the open conversations.
        const agent = await agentContext.newPage();
        await agent.goto(`${kithOrigin}/inbox`);
        await agent.locator("#login-workspace").fill(kit.workspace.slug);
        await agent.locator("#login-username").fill("ann");
        await agent.locator("#login-password").fill(AGENT_PASSWORD);
        await agent.locator("form.login button[type=submit]").click();
        await agent.locator("#tab-open").waitFor();
        expect(await agent.locator("button.conversation").count()).toBe(0);

        // The visitor opens the widget on the customer's page: the snippet's colour and greeting.
        await visitor.goto(hostOrigin);
        const launcher = visitor.locator(".kw-launcher");
        await launcher.waitFor({ state: "visible" });
        expect(await launcher.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(
          "rgb(228, 87, 46)",
        );
        const box = (await launcher.boundingBox())!;
        expect(1024 - (box.x + box.width)).toBeLessThanOrEqual(32);
        await launcher.click();
        expect(await visitor.locator(".kw-greeting").textContent()).toBe("Welcome to Acme support!");

        // The bot answers with suggested actions.
        await sendAsVisitor(visitor, "my email is not working");
        await visitor.locator(".kw-msg-bot:not(.kw-greeting)").waitFor();
        expect((await widgetTexts(visitor)).at(-1)).toMatch(/email/i);
        expect(await visitor.locator(".kw-action").allTextContents()).toContain("Create ticket");

        // …and the conversation arrives in the agent's open list without a reload.
        const arrived = agent.locator("button.conversation");
        await arrived.waitFor({ timeout: LIVE_WITHIN_MS });

        // The visitor asks for a person: the conversation moves to the agents' waiting queue.
        await sendAsVisitor(visitor, "Talk to a human");
        await visitor.locator(".kw-line-waiting").waitFor();
        await agent.locator("#tab-waiting").click();
        const waiting = agent.locator("button.conversation");
        await waiting.waitFor({ timeout: LIVE_WITHIN_MS });
        await waiting.click();
        // The visitor's context: the page they are on.
        await expect
          .poll(() => agent.locator(".conversation-pane").textContent())
          .toContain(`${hostOrigin}/`);
        await visitor.screenshot({ path: resolve(ARTIFACTS, `e2e-widget-waiting-${engine}.png`) });

        // The agent replies; the visitor sees it within 2 s, by the agent's name.
        const repliedAt = Date.now();
        await agent.locator("#reply-text").fill("Hi, Ann here. Let me look at your mailbox.");
        await agent.keyboard.press("Enter");
        await visitor.locator(".kw-msg-agent").waitFor({ timeout: LIVE_WITHIN_MS });
        expect(Date.now() - repliedAt).toBeLessThanOrEqual(LIVE_WITHIN_MS);
        expect(await visitor.locator(".kw-msg-agent .kw-text").textContent()).toBe(
          "Hi, Ann here. Let me look at your mailbox.",
        );
        expect(await visitor.locator(".kw-msg-agent .kw-author").textContent()).toBe("Ann Agent");

        // Markup from either side stays text, in the widget and in the inbox.
        await sendAsVisitor(visitor, MARKUP);
        const markupInInbox = agent.locator("li.message.from-visitor .text", { hasText: "onerror" });
        await markupInInbox.waitFor({ timeout: LIVE_WITHIN_MS });
        expect(await markupInInbox.textContent()).toBe(MARKUP);
        await agent.locator("#reply-text").fill(`Agent says ${MARKUP}`);
        await agent.keyboard.press("Enter");
        await expect
          .poll(() => visitor.locator(".kw-msg-agent .kw-text").last().textContent(), {
            timeout: LIVE_WITHIN_MS,
          })
          .toBe(`Agent says ${MARKUP}`);
        const injected = async (page: Page, inShadow: boolean) =>
          page.evaluate((shadow) => {
            const root = shadow
              ? document.querySelector("[data-valethon-widget]").shadowRoot
              : document.querySelector(".conversation-pane");
            return root.querySelectorAll("img, script, b").length;
          }, inShadow);
        expect(await injected(visitor, true)).toBe(0);
        expect(await injected(agent, false)).toBe(0);
        expect(await visitor.title()).toBe("Acme customer site");
        expect(await agent.title()).not.toBe("pwned");
        await agent.screenshot({ path: resolve(ARTIFACTS, `e2e-inbox-${engine}.png`) });
        await visitor.screenshot({ path: resolve(ARTIFACTS, `e2e-widget-${engine}.png`) });

        // A reload restores the whole conversation on the visitor's side.
        const before = await widgetTexts(visitor);
        await visitor.reload();
        await visitor.locator(".kw-msg-agent").first().waitFor();
        await expect.poll(() => widgetTexts(visitor)).toEqual(before);
        expect(visitorErrors).toEqual([]);

        // The core agrees: one conversation, handled by Ann, with the whole exchange.
        const { items } = await listConversations(kit.core, kit.scope, { page: 1, perPage: 10 });
        expect(items).toHaveLength(1);
        expect(items[0]!.pageUrl).toBe(`${hostOrigin}/`);
      } finally {
        await visitorContext.close();
        await agentContext.close();
      }
    });

    it("refuses the widget on a page whose origin the key does not allow", async () => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const warnings: string[] = [];
        page.on("console", (message) => {
          if (message.text().startsWith("Valethon widget:")) warnings.push(message.text());
        });
        // The same page served from Kith's own origin (localhost), which the key does not list.
        const foreign = http.createServer((_request, response) => {
          response.writeHead(200, { "content-type": "text/html" });
          response.end(
            `<!doctype html><script>window.ValethonWidget = { publicKey: ${JSON.stringify(publicKey)} };</script>` +
              `<script src="${kithOrigin}/widget/chat.js" async></script>`,
          );
        });
        await new Promise<void>((listening) => foreign.listen(0, "127.0.0.1", listening));
        try {
          await page.goto(`http://localhost:${(foreign.address() as AddressInfo).port}/`);
          await expect.poll(() => warnings.length, { timeout: 15_000 }).toBeGreaterThan(0);
          expect(await page.locator(".kw-launcher").count()).toBe(0);
        } finally {
          await new Promise((closed) => foreign.close(closed));
        }
      } finally {
        await context.close();
      }
    });
  });
}
