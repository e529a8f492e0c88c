/**
 * The shared security suite (no key, bad keys, missing permission, public keys, another
 * workspace's records, rate limits) over the email connection and outbound email endpoints.
 */
import { afterAll, beforeAll, describe, expect } from "vitest";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import { type DialectSecuritySpec, securitySuite } from "../../support/security-suite.js";

const CONNECTIONS = `${VALETHON}/email-connections`;
const EMAILS = `${VALETHON}/outbound-emails`;
const connectionBody = {
  channel: "smtp",
  name: "Suite",
  from_email: "suite@acme.test",
  host: "smtp.example.com",
  port: 587,
  password: "suite-password",
};

const valethonErrors: Pick<DialectSecuritySpec, "credentials" | "expectError"> = {
  credentials: (key) => ({ "x-api-key": key }),
  expectError(response, status, kind) {
    expect(response.statusCode).toBe(status);
    const code = {
      auth: "AUTH_REQUIRED",
      forbidden: "FORBIDDEN",
      not_found: "NOT_FOUND",
      rate_limited: "RATE_LIMITED",
    }[kind];
    expect(response.json()).toMatchObject({ success: false, code, error: expect.any(String) });
  },
};

async function newConnection(kit: TestKit, key: string): Promise<number> {
  const response = await call(kit, "POST", CONNECTIONS, { key, body: connectionBody });
  expect(response.statusCode).toBe(201);
  return response.json.data.email_connection_id;
}

const connectionsSpec: DialectSecuritySpec = {
  ...valethonErrors,
  name: "Valethon email connections",
  routes: [
    { method: "GET", path: CONNECTIONS, permission: "settings:manage" },
    { method: "POST", path: CONNECTIONS, permission: "settings:manage", body: connectionBody },
    { method: "GET", path: `${CONNECTIONS}/{id}`, permission: "settings:manage" },
    {
      method: "PATCH",
      path: `${CONNECTIONS}/{id}`,
      permission: "settings:manage",
      body: { name: "Renamed" },
    },
    { method: "DELETE", path: `${CONNECTIONS}/{id}`, permission: "settings:manage" },
  ],
  createRecord: async (kit, key) => String(await newConnection(kit, key)),
  readRecord: async (kit, key, id) => (await call(kit, "GET", `${CONNECTIONS}/${id}`, { key })).json,
};

const outboundSpec: DialectSecuritySpec = {
  ...valethonErrors,
  name: "Valethon outbound emails",
  routes: [
    { method: "GET", path: `${EMAILS}/{id}`, permission: "leads:read" },
    {
      method: "POST",
      path: EMAILS,
      permission: "leads:write",
      body: { connection_id: 1, to: "suite@example.org", subject: "Suite", html: "<p>x</p>" },
    },
  ],
  async createRecord(kit, key) {
    const connection = await newConnection(kit, key);
    const response = await call(kit, "POST", EMAILS, {
      key,
      body: { connection_id: connection, to: "suite@example.org", subject: "Suite", html: "<p>x</p>" },
    });
    expect(response.statusCode).toBe(202);
    return String(response.json.data.outbound_email_id);
  },
  readRecord: async (kit, key, id) => (await call(kit, "GET", `${EMAILS}/${id}`, { key })).json,
};

for (const engine of ENGINES) {
  describe(`email endpoints on ${engine}`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());
    securitySuite(connectionsSpec, () => kit);
    securitySuite(outboundSpec, () => kit);
  });
}
