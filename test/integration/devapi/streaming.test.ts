/**
 * The "returns all" lists at scale, over a real listening server: 200,000 contacts streamed with
 * bounded memory, every item present, and a download the client abandons stops the queries.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../../src/core/ids.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { DEVAPI, devapi } from "../../support/devapi.js";
import { ENGINES } from "../../support/engines.js";

const CONTACTS = 200_000;
const ROWS_PER_STATEMENT = 1_000;
const BATCH = 500;

/** Inserts `count` contacts straight into the table (fast; the lists only read them). */
async function insertContacts(kit: TestKit, count: number, notes: string | null = null): Promise<void> {
  const at = new Date().toISOString();
  await kit.core.db.transaction().execute(async (trx) => {
    for (let from = 0; from < count; from += ROWS_PER_STATEMENT) {
      const rows = [];
      for (let index = from; index < Math.min(count, from + ROWS_PER_STATEMENT); index++) {
        const email = `person${index}@bulk.example`;
        rows.push({
          id: newId(),
          workspace_id: kit.workspace.id,
          seq: index + 1,
          custom_fields: null,
          created_at: at,
          updated_at: at,
          deleted_at: null,
          first_name: "Person",
          last_name: `Number ${index}`,
          email,
          email_normalized: email,
          phone: "+1 555 0100",
          title: "Engineer",
          role: null,
          notes,
          primary_company_id: null,
          owner_user_id: null,
          source_lead_id: null,
        });
      }
      await trx.insertInto("contacts").values(rows).execute();
    }
  });
  if (kit.engine === "postgres") await sql`analyze contacts`.execute(kit.core.db);
}

async function metric(kit: TestKit, name: string, labels: string): Promise<number> {
  const text = (await kit.app.inject({ method: "GET", url: "/metrics" })).body;
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(" ").pop()) : 0;
}

function get(port: number, path: string, key: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: "127.0.0.1", port, path: `${DEVAPI}${path}`, headers: { authorization: `Bearer ${key}` } },
      resolve,
    );
    request.on("error", reject);
    request.end();
  });
}

const MARK = '{"id":"';

// A full garbage collection on demand, so the test measures what stays reachable (a buffered body
// would), not garbage that V8 has yet to collect.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;
/** The live heap after a full collection. */
const liveHeap = () => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

for (const engine of ENGINES) {
  describe(`Developer API streaming at scale (${engine})`, () => {
    let kit: TestKit;
    let port: number;
    beforeAll(async () => {
      kit = await startTestKit(engine);
      await insertContacts(kit, CONTACTS);
      await kit.app.listen({ host: "127.0.0.1", port: 0 });
      port = (kit.app.server.address() as AddressInfo).port;
    }, 300_000);
    afterAll(async () => kit?.close());

    it("streams 200,000 contacts, every one of them, with the live heap growing by under a third of the body", async () => {
      // Measured before the request: a server that built the body before answering would grow here.
      const before = liveHeap();
      const rssBefore = process.memoryUsage().rss;
      const response = await get(port, "/contacts", kit.secretKey);
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
      let peak = before;
      let rssPeak = rssBefore;
      let nextSample = 0;
      let bytes = 0;
      let items = 0;
      let carry = "";
      let first = "";
      let last = "";
      response.setEncoding("utf8");
      for await (const chunk of response as AsyncIterable<string>) {
        bytes += Buffer.byteLength(chunk);
        if (first === "") first = chunk.slice(0, 1);
        last = chunk;
        const text = carry + chunk;
        let at = text.indexOf(MARK);
        while (at !== -1) {
          items++;
          at = text.indexOf(MARK, at + MARK.length);
        }
        // Keep a tail shorter than the mark, so a mark split over two chunks is counted once.
        carry = text.slice(-(MARK.length - 1));
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        // The live heap every 4 MB of body, at the first chunk included.
        if (bytes >= nextSample) {
          peak = Math.max(peak, liveHeap());
          nextSample = bytes + 4_000_000;
        }
      }
      const growth = peak - before;
      console.info(
        `[devapi ${engine}] body ${(bytes / 1e6).toFixed(1)} MB, live heap growth ${(growth / 1e6).toFixed(1)} MB, ` +
          `rss ${(rssBefore / 1e6).toFixed(1)} → peak ${(rssPeak / 1e6).toFixed(1)} MB`,
      );
      expect(first).toBe("[");
      expect(last.endsWith("]")).toBe(true);
      expect(items).toBe(CONTACTS);
      expect(growth).toBeLessThan(bytes / 3);
      expect(await metric(kit, "kith_devapi_list_batches_total", 'list="contacts"')).toBe(
        Math.floor(CONTACTS / BATCH) + 1,
      );
      expect(
        await metric(kit, "kith_devapi_list_downloads_total", 'list="contacts",outcome="complete"'),
      ).toBe(1);
    }, 300_000);

    it("stops querying when the client abandons a download", async () => {
      const batchesBefore = await metric(kit, "kith_devapi_list_batches_total", 'list="contacts"');
      const response = await get(port, "/contacts", kit.secretKey);
      await new Promise<void>((resolve) => response.once("data", () => resolve()));
      response.destroy();
      // The server notices the closed socket, destroys the stream and the loop ends.
      const deadline = Date.now() + 10_000;
      while (
        (await metric(kit, "kith_devapi_list_downloads_total", 'list="contacts",outcome="aborted"')) < 1 &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await metric(kit, "kith_devapi_list_downloads_total", 'list="contacts",outcome="aborted"')).toBe(
        1,
      );
      const batchesRun =
        (await metric(kit, "kith_devapi_list_batches_total", 'list="contacts"')) - batchesBefore;
      // A few batches filled the socket buffers before the abort; far from the 401 of a full download.
      expect(batchesRun).toBeLessThan(50);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await metric(kit, "kith_devapi_list_batches_total", 'list="contacts"')) - batchesBefore).toBe(
        batchesRun,
      );
      // The server still answers.
      expect((await devapi(kit, "/companies")).statusCode).toBe(200);
    }, 60_000);
  });
}

for (const engine of ENGINES) {
  describe(`Developer API streaming failures (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
      // 10 KB of notes a contact: one 500-row batch (5 MB) is more than the socket buffers hold,
      // so the second batch is read only once the client reads on.
      await insertContacts(kit, 1_000, "n".repeat(10_000));
      await kit.app.listen({ host: "127.0.0.1", port: 0 });
    });
    afterAll(async () => kit?.close());

    it("ends the connection when a batch fails after the first byte", async () => {
      const port = (kit.app.server.address() as AddressInfo).port;
      const response = await get(port, "/contacts", kit.secretKey);
      expect(response.statusCode).toBe(200);
      response.setEncoding("utf8");
      let body = "";
      const ended = new Promise<"end" | "aborted">((resolve) => {
        response.on("end", () => resolve("end"));
        response.on("aborted", () => resolve("aborted"));
        response.on("error", () => resolve("aborted"));
      });
      await new Promise<void>((resolve) =>
        response.once("data", (chunk: string) => {
          body += chunk;
          response.pause();
          resolve();
        }),
      );
      // The next batch query now fails.
      await sql`alter table contacts rename to contacts_gone`.execute(kit.core.db);
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.resume();
      expect(await ended).toBe("aborted");
      expect(body.startsWith("[")).toBe(true);
      expect(body.endsWith("]")).toBe(false);
      expect(() => JSON.parse(body)).toThrow();
      expect(await metric(kit, "kith_devapi_list_downloads_total", 'list="contacts",outcome="failed"')).toBe(
        1,
      );
    });
  });
}
