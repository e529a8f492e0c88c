/**
 * The security cases every dialect must pass, parametrised by dialect: no key, unknown key,
 * revoked and suspended keys (one identical answer), a key lacking the route's permission, a
 * public key, rate limiting, and another workspace's records (404, untouched).
 */
import type { LightMyRequestResponse } from "fastify";
import { describe, expect, it } from "vitest";
import { setKeyStatus } from "../../src/core/keys/keys.service.js";
import type { Permission } from "../../src/core/keys/permissions.js";
import type { TestKit } from "./app.js";

export interface SecurityRoute {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path relative to the server root; `{id}` is replaced by a record of the caller's workspace. */
  path: string;
  permission: Permission;
  body?: unknown;
}

export interface DialectSecuritySpec {
  name: string;
  routes: SecurityRoute[];
  /** The request headers that carry `key` in this dialect (Epixel's also carry a JWT: async). */
  credentials(key: string): Record<string, string> | Promise<Record<string, string>>;
  /** Creates a record in the given workspace and returns its id as this dialect writes it. */
  createRecord(kit: TestKit, secretKey: string): Promise<string>;
  /** Reads a record back; used to prove another workspace's request left it untouched. */
  readRecord(kit: TestKit, secretKey: string, id: string): Promise<unknown>;
  /** Asserts the dialect's documented error body and returns nothing. */
  expectError(
    response: LightMyRequestResponse,
    status: number,
    kind: "auth" | "forbidden" | "not_found" | "rate_limited",
  ): void;
}

async function send(
  kit: TestKit,
  spec: DialectSecuritySpec,
  route: SecurityRoute,
  key: string | null,
  id: string,
) {
  return kit.app.inject({
    method: route.method,
    url: route.path.replace("{id}", id),
    headers: key ? await spec.credentials(key) : {},
    ...(route.body === undefined ? {} : { payload: route.body as any }),
  });
}

const withoutRequestId = (body: string) => body.replace(/"request_id":"[^"]*"/, "");

export function securitySuite(spec: DialectSecuritySpec, getKit: () => TestKit): void {
  describe(`${spec.name} security`, () => {
    it("answers every route without a key, with an unknown key, and with revoked or suspended keys identically", async () => {
      const kit = getKit();
      const id = await spec.createRecord(kit, kit.secretKey);
      const revoked = await kit.newKey(kit.scope, { type: "secret" });
      const suspended = await kit.newKey(kit.scope, { type: "secret" });
      // Used once first, so a cached verification must be forgotten on the status change.
      expect((await send(kit, spec, spec.routes[0]!, revoked, id)).statusCode).toBeLessThan(400);
      const keys = await kit.core.db.selectFrom("api_keys").select(["id", "prefix"]).execute();
      const idOf = (key: string) => keys.find((row) => key.startsWith(row.prefix))!.id;
      await setKeyStatus(kit.core, idOf(revoked), "revoked");
      await setKeyStatus(kit.core, idOf(suspended), "suspended");
      const unknown = `${kit.secretKey.slice(0, -4)}zzzz`;
      for (const route of spec.routes) {
        const bodies = new Set<string>();
        for (const key of [null, unknown, revoked, suspended, "", "x".repeat(5000)]) {
          const response = await send(kit, spec, route, key, id);
          spec.expectError(response, 401, "auth");
          expect(response.headers["x-ratelimit-limit"]).toBeUndefined();
          bodies.add(withoutRequestId(response.body));
        }
        expect(bodies.size, `${route.method} ${route.path}`).toBe(1);
      }
    });

    it("answers 403 on every route to a key that lacks the route's permission", async () => {
      const kit = getKit();
      const id = await spec.createRecord(kit, kit.secretKey);
      for (const route of spec.routes) {
        const others = (await import("../../src/core/keys/permissions.js")).SECRET_PERMISSIONS.filter(
          (permission) => permission !== route.permission,
        );
        const limited = await kit.newKey(kit.scope, { type: "secret", scopes: others });
        const response = await send(kit, spec, route, limited, id);
        spec.expectError(response, 403, "forbidden");
        const allowed = await kit.newKey(kit.scope, { type: "secret", scopes: [route.permission] });
        expect(
          (await send(kit, spec, route, allowed, id)).statusCode,
          `${route.method} ${route.path}`,
        ).not.toBe(403);
      }
    });

    it("refuses public keys outside the widget endpoints", async () => {
      const kit = getKit();
      const id = await spec.createRecord(kit, kit.secretKey);
      for (const type of ["public_live", "public_test"] as const) {
        const key = await kit.newKey(kit.scope, { type });
        for (const route of spec.routes)
          spec.expectError(await send(kit, spec, route, key, id), 403, "forbidden");
      }
    });

    it("never reaches another workspace's record: 404, and the record is untouched", async () => {
      const kit = getKit();
      const id = await spec.createRecord(kit, kit.other.secretKey);
      const before = await spec.readRecord(kit, kit.other.secretKey, id);
      // A fresh workspace holds no record at all, so any answer but 404 means the lookup crossed
      // workspaces (per-workspace numbers would otherwise name the caller's own record).
      const intruder = await kit.newWorkspace(`Intruder ${Math.random()}`);
      for (const route of spec.routes.filter((candidate) => candidate.path.includes("{id}"))) {
        spec.expectError(await send(kit, spec, route, intruder.secretKey, id), 404, "not_found");
      }
      expect(await spec.readRecord(kit, kit.other.secretKey, id)).toEqual(before);
    });

    it("limits a key's requests in a sliding window, with headers on every authenticated answer", async () => {
      const kit = getKit();
      const id = await spec.createRecord(kit, kit.secretKey);
      const key = await kit.newKey(kit.scope, { type: "secret", rateLimit: 3 });
      const route = spec.routes[0]!;
      for (let index = 0; index < 3; index++) {
        const response = await send(kit, spec, route, key, id);
        expect(response.statusCode).toBeLessThan(400);
        expect(response.headers["x-ratelimit-limit"]).toBe("3");
        expect(response.headers["x-ratelimit-remaining"]).toBe(String(2 - index));
        expect(Number(response.headers["x-ratelimit-reset"])).toBeGreaterThan(Date.now() / 1000);
      }
      const limited = await send(kit, spec, route, key, id);
      spec.expectError(limited, 429, "rate_limited");
      expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(60);
      expect(limited.headers["x-ratelimit-remaining"]).toBe("0");
      // Another key of the same workspace has its own window.
      expect((await send(kit, spec, route, kit.secretKey, id)).statusCode).toBeLessThan(400);
    });
  });
}
