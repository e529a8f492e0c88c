/**
 * Sends one WhatsApp template message through the Cloud API:
 * `POST {baseUrl}/{phoneNumberId}/messages` with `Authorization: Bearer <token>`. The host is
 * checked when dialling like webhook URLs (safeLookup; IP literals checked here) unless
 * allowPrivate. A 2xx with `messages[0].id` is sent; 429, 5xx and network errors are transient;
 * any other status (or a 2xx without a message id) is permanent.
 */
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { isForbiddenAddress, safeLookup } from "../core/webhooks/webhook-url.js";

export interface WhatsAppTemplateMessage {
  baseUrl: string;
  phoneNumberId: string;
  token: string;
  /** E.164 with its +; sent without it. */
  to: string;
  templateName: string;
  language: string;
  parameters: string[];
}

/** A failed send; `transient` failures are worth retrying. */
export class WhatsAppSendError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

const RESPONSE_LIMIT = 16_384;

/** The request body the Cloud API expects for a template message. */
export function templateBody(message: WhatsAppTemplateMessage): string {
  return JSON.stringify({
    messaging_product: "whatsapp",
    to: message.to.replace(/^\+/, ""),
    type: "template",
    template: {
      name: message.templateName,
      language: { code: message.language },
      components:
        message.parameters.length === 0
          ? []
          : [{ type: "body", parameters: message.parameters.map((text) => ({ type: "text", text })) }],
    },
  });
}

export class WhatsAppClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly options: { allowPrivate: boolean; timeoutMs?: number }) {
    const lookup = safeLookup(options.allowPrivate) as unknown as http.AgentOptions["lookup"];
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16, lookup });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16, lookup });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** Resolves with the provider's message id; throws WhatsAppSendError. */
  async send(message: WhatsAppTemplateMessage): Promise<string> {
    let target: URL;
    try {
      target = new URL(
        `${message.baseUrl.replace(/\/+$/, "")}/${encodeURIComponent(message.phoneNumberId)}/messages`,
      );
    } catch {
      throw new WhatsAppSendError("invalid base URL", false);
    }
    if (target.protocol !== "http:" && target.protocol !== "https:") {
      throw new WhatsAppSendError("base URL must use http or https", false);
    }
    // Node does not call `lookup` for IP literals, so check those here.
    const host = target.hostname.replace(/^\[|\]$/g, "");
    if (!this.options.allowPrivate && isIP(host)) {
      const reason = isForbiddenAddress(host);
      if (reason) throw new WhatsAppSendError(`refused to connect to a ${reason} address`, false);
    }
    const body = templateBody(message);
    const { status, text } = await this.post(target, body, message.token);
    if (status >= 200 && status < 300) {
      let id: unknown;
      try {
        id = (JSON.parse(text) as { messages?: { id?: unknown }[] }).messages?.[0]?.id;
      } catch {
        id = undefined;
      }
      if (typeof id === "string" && id !== "") return id;
      throw new WhatsAppSendError(`HTTP ${status} without a message id`, false, status);
    }
    const detail = errorDetail(text);
    const transient = status === 429 || status >= 500;
    throw new WhatsAppSendError(`HTTP ${status}${detail ? `: ${detail}` : ""}`, transient, status);
  }

  private post(target: URL, body: string, token: string): Promise<{ status: number; text: string }> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const secure = target.protocol === "https:";
      const request = (secure ? https : http).request(target, {
        method: "POST",
        agent: secure ? this.httpsAgent : this.httpAgent,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
          "user-agent": "Kith-Campaigns/1",
        },
      });
      const timer = setTimeout(
        () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      request.on("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const forbidden = error.code === "EWEBHOOKFORBIDDEN";
        reject(new WhatsAppSendError(error.message.slice(0, 300), !forbidden));
      });
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on("data", (chunk: Buffer) => {
          if (kept < RESPONSE_LIMIT) {
            chunks.push(chunk.subarray(0, RESPONSE_LIMIT - kept));
            kept += Math.min(chunk.length, RESPONSE_LIMIT - kept);
          }
        });
        response.on("end", () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
        });
        response.on("error", (error) => {
          clearTimeout(timer);
          reject(new WhatsAppSendError(error.message.slice(0, 300), true));
        });
      });
      request.end(body);
    });
  }
}

/** The Graph API's error message, when the body carries one. */
function errorDetail(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    return typeof message === "string" ? message.slice(0, 300) : "";
  } catch {
    return text.slice(0, 200);
  }
}
