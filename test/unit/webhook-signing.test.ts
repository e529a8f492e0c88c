import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  generateWebhookSecret,
  openSecret,
  sealSecret,
  signDelivery,
  signStoredPayload,
  unsignedPayload,
  valethonBody,
} from "../../src/core/webhooks/signing.js";

const now = () => Math.floor(Date.now() / 1000);
const data = { lead_id: 43, email: "jane@company.com", source: "website_form" };

describe("webhook secrets", () => {
  it("generates whsec_ secrets of 24 random bytes", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(24);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it("seals and opens, refusing another server secret or an altered seal", () => {
    const sealed = sealSecret("server-secret-1", "whsec_abc");
    expect(sealed).not.toContain("whsec_abc");
    expect(openSecret("server-secret-1", sealed)).toBe("whsec_abc");
    expect(() => openSecret("server-secret-2", sealed)).toThrow();
    const parts = sealed.split(".");
    parts[2] = Buffer.from("whsec_abd").toString("base64url");
    expect(() => openSecret("server-secret-1", parts.join("."))).toThrow();
    expect(sealSecret("server-secret-1", "whsec_abc")).not.toBe(sealed); // fresh IV each time
  });
});

describe("signDelivery", () => {
  it("is verified by the standardwebhooks library, and a one-byte change is rejected", () => {
    const secret = generateWebhookSecret();
    const body = valethonBody("lead.created", "2026-03-13T10:00:00Z", data, secret);
    const headers = signDelivery({
      id: "0190c1e2-0000-7000-8000-000000000001",
      timestamp: now(),
      body,
      secrets: [secret],
    });
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["webhook-id"]).toBe("0190c1e2-0000-7000-8000-000000000001");
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    const receiver = new Webhook(secret);
    expect(receiver.verify(body, headers)).toEqual(JSON.parse(body));
    const tampered = body.replace('"lead_id":43', '"lead_id":44');
    expect(tampered).toHaveLength(body.length);
    expect(() => receiver.verify(tampered, headers)).toThrow();
    expect(() => receiver.verify(`${body} `, headers)).toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => receiver.verify(body, { ...headers, "webhook-id": "another" })).toThrow();
  });

  it("signs with both secrets during a rotation; either verifies", () => {
    const next = generateWebhookSecret();
    const previous = generateWebhookSecret();
    const body = unsignedPayload("lead.updated", "2026-03-13T10:00:00Z", data);
    const headers = signDelivery({ id: "msg_1", timestamp: now(), body, secrets: [next, previous] });
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(() => new Webhook(next).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
  });

  it("puts the HMAC of the exact body, keyed by the full secret, in x-valethon-signature", () => {
    const secret = "your_webhook_secret_value";
    const body = valethonBody("opportunity.won", "2026-03-13T10:00:00Z", { opportunity_id: 7 }, secret);
    const headers = signDelivery({ id: "msg_2", timestamp: 1_700_000_000, body, secrets: [secret] });
    const expected = createHmac("sha256", secret).update(body).digest("hex");
    expect(headers["x-valethon-signature"]).toBe(`sha256=${expected}`);
    expect(headers["webhook-timestamp"]).toBe("1700000000");
    // A secret without whsec_ is used as raw bytes for the Standard Webhooks signature too.
    const standard = createHmac("sha256", secret).update(`msg_2.1700000000.${body}`).digest("base64");
    expect(headers["webhook-signature"]).toBe(`v1,${standard}`);
  });
});

describe("valethonBody", () => {
  it("signs JSON of {event,timestamp,data} with the secret; recomputed independently", () => {
    const secret = generateWebhookSecret();
    const body = valethonBody("lead.created", "2026-03-13T10:00:00Z", data, secret);
    const parsed = JSON.parse(body);
    expect(Object.keys(parsed)).toEqual(["event", "timestamp", "data", "signature"]);
    const signed = `{"event":"lead.created","timestamp":"2026-03-13T10:00:00Z","data":{"lead_id":43,"email":"jane@company.com","source":"website_form"}}`;
    const expected = createHmac("sha256", Buffer.from(secret, "utf8")).update(signed, "utf8").digest("hex");
    expect(parsed.signature).toBe(`sha256=${expected}`);
    // What a receiver does: re-serialise the three fields from the parsed body.
    const { signature, ...rest } = parsed;
    expect(createHmac("sha256", secret).update(JSON.stringify(rest)).digest("hex")).toBe(signature.slice(7));
    // Tampered data no longer matches.
    const forged = { ...rest, data: { ...rest.data, lead_id: 44 } };
    expect(createHmac("sha256", secret).update(JSON.stringify(forged)).digest("hex")).not.toBe(
      signature.slice(7),
    );
  });

  it("signStoredPayload turns a stored payload into the same body", () => {
    const secret = generateWebhookSecret();
    const stored = unsignedPayload("webhook.test", "2026-03-13T10:00:00Z", { webhook_id: 1 });
    expect(signStoredPayload(stored, secret)).toBe(
      valethonBody("webhook.test", "2026-03-13T10:00:00Z", { webhook_id: 1 }, secret),
    );
  });
});
