/**
 * A local stand-in for the WhatsApp Cloud API (node:http on 127.0.0.1, port 0): records every
 * request (path, headers, parsed JSON body) and answers `{"messages":[{"id":"wamid.<n>"}]}`, or a
 * given status for the next calls (`failNext(2)` answers 503 twice; `failNext(1, 400)` once 400).
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface WhatsAppRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface FakeWhatsApp {
  /** http://127.0.0.1:<port>/v20.0 */
  baseUrl: string;
  requests: WhatsAppRequest[];
  /** The requests answered with a message id, in order. */
  accepted: WhatsAppRequest[];
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

export async function startFakeWhatsApp(): Promise<FakeWhatsApp> {
  const requests: WhatsAppRequest[] = [];
  const accepted: WhatsAppRequest[] = [];
  const failures: number[] = [];
  let counter = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      const recorded = {
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body,
      };
      requests.push(recorded);
      const status = failures.shift();
      response.setHeader("content-type", "application/json");
      if (status !== undefined) {
        response.statusCode = status;
        response.end(JSON.stringify({ error: { message: `fake says ${status}`, code: status } }));
        return;
      }
      counter += 1;
      accepted.push(recorded);
      response.end(
        JSON.stringify({
          messaging_product: "whatsapp",
          contacts: [{ input: (body as { to?: string }).to, wa_id: (body as { to?: string }).to }],
          messages: [{ id: `wamid.${counter}` }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v20.0`,
    requests,
    accepted,
    failNext: (count, status = 503) => {
      for (let i = 0; i < count; i += 1) failures.push(status);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
