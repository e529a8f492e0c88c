/** Epixel E0: login, token refresh, token checks on every other route, and the apikey. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { serverSecretOf } from "../../../src/core/settings.js";
import { createUser } from "../../../src/core/users/users.service.js";
import { jwtKeyOf, signToken } from "../../../src/http/dialects/epixel/tokens.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";
import { EPIXEL, epixel, epixelLogin } from "../../support/epixel.js";

const T0 = new Date("2026-11-24T10:00:00.000Z");
const FAILED = {
  status_code: 401,
  errors: { detail: "The supplied authentication credentials are invalid." },
  data: {},
};
const INACTIVE = {
  status_code: 401,
  errors: { detail: "No active account found with the given credentials" },
  data: {},
};
const detail = (message: string) => ({ status_code: 401, errors: { detail: message }, data: {} });

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());

for (const engine of ENGINES) {
  describe(`Epixel auth (${engine})`, () => {
    let kit: TestKit;
    let now = T0;
    beforeAll(async () => {
      kit = await startTestKit(engine, { clock: { now: () => now } });
    });
    afterAll(async () => kit?.close());
    beforeEach(() => {
      now = T0;
    });

    it("logs in with multipart, urlencoded and JSON bodies: bare {refresh, access} HS256 JWTs", async () => {
      const session = await epixelLogin(kit);
      for (const kind of ["multipart", "urlencoded", "json"] as const) {
        const response = await epixel(kit, "POST", "/user/login/", {
          headers: { apikey: kit.secretKey },
          body: { username: session.username, password: session.password },
          kind,
        });
        expect(response.statusCode, response.body).toBe(200);
        expect(Object.keys(response.json).sort()).toEqual(["access", "refresh"]);
        const header = JSON.parse(Buffer.from(response.json.access.split(".")[0], "base64url").toString());
        expect(header).toEqual({ alg: "HS256", typ: "JWT" });
        const access = claimsOf(response.json.access);
        const refresh = claimsOf(response.json.refresh);
        expect(access).toMatchObject({ sub: session.id, wid: kit.workspace.id, type: "access" });
        expect(refresh).toMatchObject({ sub: session.id, wid: kit.workspace.id, type: "refresh" });
        expect(access.iat).toBe(T0.getTime() / 1000);
        expect(access.exp - access.iat).toBe(15 * 60);
        expect(refresh.exp - refresh.iat).toBe(7 * 24 * 60 * 60);
        expect(access.jti).not.toBe(refresh.jti);
      }
      // The token works on a route that needs it.
      expect((await epixel(kit, "GET", "/leads/list/", { session })).statusCode).toBe(200);
    });

    it("refuses wrong credentials with one answer, and inactive users with the documented one", async () => {
      const session = await epixelLogin(kit);
      const login = (body: Record<string, string>) =>
        epixel(kit, "POST", "/user/login/", { headers: { apikey: kit.secretKey }, body });
      const wrong = await login({ username: session.username, password: "wrong" });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json).toEqual(FAILED);
      expect((await login({ username: "nobody-here", password: "x" })).json).toEqual(FAILED);
      // A user without a password cannot log in.
      await createUser(kit.core, kit.scope, { username: "nopassword", name: "N", email: "np@example.com" });
      expect((await login({ username: "nopassword", password: "" })).json.errors).toEqual({
        password: ["This field may not be blank."],
      });
      expect((await login({ username: "nopassword", password: "anything" })).json).toEqual(FAILED);
      // A user of another workspace does not exist for this apikey.
      const stranger = await epixelLogin(kit, { scope: kit.other.scope, secretKey: kit.other.secretKey });
      expect((await login({ username: stranger.username, password: stranger.password })).json).toEqual(
        FAILED,
      );

      await kit.core.db.updateTable("users").set({ active: 0 }).where("id", "=", session.id).execute();
      const inactive = await login({ username: session.username, password: session.password });
      expect(inactive.statusCode).toBe(401);
      expect(inactive.json).toEqual(INACTIVE);
      // Its tokens stop working too.
      const list = await epixel(kit, "GET", "/leads/list/", { session });
      expect(list.statusCode).toBe(401);
      expect(list.json).toEqual(detail("The token's user is not found or not active."));
      const refreshed = await epixel(kit, "POST", "/user/token/refresh/", {
        headers: { apikey: kit.secretKey },
        body: { refresh: session.refresh },
      });
      expect(refreshed.json).toEqual(INACTIVE);
    });

    it("answers missing and blank login fields in the envelope, every field at once", async () => {
      const none = await epixel(kit, "POST", "/user/login/", { headers: { apikey: kit.secretKey } });
      expect(none.statusCode).toBe(400);
      expect(none.json).toEqual({
        status_code: 400,
        errors: { username: ["This field is required."], password: ["This field is required."] },
        data: {},
      });
      const blank = await epixel(kit, "POST", "/user/login/", {
        headers: { apikey: kit.secretKey },
        body: { username: " ", password: "" },
        kind: "urlencoded",
      });
      expect(blank.json.errors).toEqual({
        username: ["This field may not be blank."],
        password: ["This field may not be blank."],
      });
    });

    it("needs the apikey on login and on every route, even with a valid token", async () => {
      const session = await epixelLogin(kit);
      const apikeyError = { status_code: 401, errors: { detail: "Invalid or missing apikey." }, data: {} };
      const login = await epixel(kit, "POST", "/user/login/", {
        body: { username: session.username, password: session.password },
      });
      expect(login.statusCode).toBe(401);
      expect(login.json).toEqual(apikeyError);
      const list = await epixel(kit, "GET", "/leads/list/", {
        headers: { authorization: `Bearer ${session.access}` },
      });
      expect(list.json).toEqual(apikeyError);
      const bad = await epixel(kit, "GET", "/leads/list/", {
        headers: { apikey: `${kit.secretKey}x`, authorization: `Bearer ${session.access}` },
      });
      expect(bad.json).toEqual(apikeyError);
      // Public keys are refused.
      const publicKey = await kit.newKey(kit.scope, { type: "public_test" });
      const forbidden = await epixel(kit, "GET", "/leads/list/", {
        headers: { apikey: publicKey, authorization: `Bearer ${session.access}` },
      });
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json.errors.detail).toMatch(/secret key/);
    });

    it("refuses missing, malformed, forged, expired, wrong-type and other-workspace tokens", async () => {
      const session = await epixelLogin(kit);
      const list = (authorization?: string) =>
        epixel(kit, "GET", "/leads/list/", {
          headers: { apikey: kit.secretKey, ...(authorization ? { authorization } : {}) },
        });
      expect((await list()).json).toEqual(detail("Authentication credentials were not provided."));
      expect((await list(`Token ${session.access}`)).json).toEqual(
        detail("Authentication credentials were not provided."),
      );
      const invalid = detail("Given token not valid: it is malformed or its signature does not match.");
      expect((await list("Bearer not-a-jwt")).json).toEqual(invalid);
      const [header, payload, signature] = session.access.split(".");
      const forgedPayload = Buffer.from(
        JSON.stringify({ ...claimsOf(session.access), sub: "someone-else" }),
      ).toString("base64url");
      expect((await list(`Bearer ${header}.${forgedPayload}.${signature}`)).json).toEqual(invalid);
      expect((await list(`Bearer ${header}.${payload}.${signature!.slice(0, -2)}AA`)).json).toEqual(invalid);
      // Signed with the server secret itself rather than the derived Epixel key: refused.
      const secret = await serverSecretOf(kit.core, kit.config.secret);
      const raw = signToken(
        Buffer.from(secret),
        { sub: session.id, wid: kit.workspace.id, type: "access" },
        now.getTime(),
      );
      expect((await list(`Bearer ${raw}`)).json).toEqual(invalid);
      // Properly signed ones work.
      const good = signToken(
        jwtKeyOf(secret),
        { sub: session.id, wid: kit.workspace.id, type: "access" },
        now.getTime(),
      );
      expect((await list(`Bearer ${good}`)).statusCode).toBe(200);

      // The refresh token is not an access token, and the other way round.
      const wrongType = detail("Given token is not of the expected type.");
      expect((await list(`Bearer ${session.refresh}`)).json).toEqual(wrongType);
      const asRefresh = await epixel(kit, "POST", "/user/token/refresh/", {
        headers: { apikey: kit.secretKey },
        body: { refresh: session.access },
      });
      expect(asRefresh.statusCode).toBe(401);
      expect(asRefresh.json).toEqual(wrongType);

      // A token of another workspace, with this workspace's apikey (and the other way round).
      const stranger = await epixelLogin(kit, { scope: kit.other.scope, secretKey: kit.other.secretKey });
      const crossed = detail("Given token does not belong to the workspace of this apikey.");
      expect((await list(`Bearer ${stranger.access}`)).json).toEqual(crossed);
      const crossedRefresh = await epixel(kit, "POST", "/user/token/refresh/", {
        headers: { apikey: kit.secretKey },
        body: { refresh: stranger.refresh },
      });
      expect(crossedRefresh.json).toEqual(crossed);
      expect(
        (
          await epixel(kit, "GET", "/leads/list/", {
            headers: { apikey: kit.other.secretKey, authorization: `Bearer ${session.access}` },
          })
        ).json,
      ).toEqual(crossed);
    });

    it("expires access tokens after 15 minutes; refresh gives a new one until the refresh token's 7 days end", async () => {
      const session = await epixelLogin(kit);
      now = new Date(T0.getTime() + 15 * 60 * 1000 - 1000);
      expect((await epixel(kit, "GET", "/leads/list/", { session })).statusCode).toBe(200);
      now = new Date(T0.getTime() + 15 * 60 * 1000);
      const expired = await epixel(kit, "GET", "/leads/list/", { session });
      expect(expired.statusCode).toBe(401);
      expect(expired.json).toEqual(detail("Given token has expired."));

      for (const kind of ["multipart", "urlencoded", "json"] as const) {
        const refreshed = await epixel(kit, "POST", "/user/token/refresh/", {
          headers: { apikey: kit.secretKey },
          body: { refresh: session.refresh },
          kind,
        });
        expect(refreshed.statusCode, refreshed.body).toBe(200);
        expect(Object.keys(refreshed.json)).toEqual(["access"]);
        expect(claimsOf(refreshed.json.access)).toMatchObject({ sub: session.id, type: "access" });
        const again = await epixel(kit, "GET", "/leads/list/", {
          headers: { apikey: kit.secretKey, authorization: `Bearer ${refreshed.json.access}` },
        });
        expect(again.statusCode).toBe(200);
      }

      const missing = await epixel(kit, "POST", "/user/token/refresh/", {
        headers: { apikey: kit.secretKey },
      });
      expect(missing.json).toEqual({
        status_code: 400,
        errors: { refresh: ["This field is required."] },
        data: {},
      });
      const blank = await epixel(kit, "POST", "/user/token/refresh/", {
        headers: { apikey: kit.secretKey },
        body: { refresh: "" },
      });
      expect(blank.json.errors).toEqual({ refresh: ["This field may not be blank."] });

      now = new Date(T0.getTime() + 7 * 24 * 60 * 60 * 1000);
      const late = await epixel(kit, "POST", "/user/token/refresh/", {
        headers: { apikey: kit.secretKey },
        body: { refresh: session.refresh },
      });
      expect(late.statusCode).toBe(401);
      expect(late.json).toEqual(detail("Given token has expired."));
    });

    it("refuses file parts in multipart bodies and answers unknown paths in the envelope", async () => {
      const session = await epixelLogin(kit);
      const boundary = "----kithfile";
      const payload =
        `--${boundary}\r\nContent-Disposition: form-data; name="first_name"\r\n\r\nAda\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n` +
        `Content-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`;
      const upload = await kit.app.inject({
        method: "POST",
        url: `${EPIXEL}/leads/create/lead/`,
        headers: { ...session.headers, "content-type": `multipart/form-data; boundary=${boundary}` },
        payload,
      });
      expect(upload.statusCode, upload.body).toBe(400);
      expect(upload.json()).toEqual({
        status_code: 400,
        errors: { detail: "File uploads are not accepted." },
        data: {},
      });
      const unknown = await epixel(kit, "GET", "/leads/nothing/here/", { session });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json).toEqual({ status_code: 404, errors: { detail: "Not found." }, data: {} });
    });

    it("publishes its OpenAPI document and is listed on /docs", async () => {
      const document = await kit.app.inject({ method: "GET", url: `${EPIXEL}/openapi.json` });
      expect(document.statusCode).toBe(200);
      const paths = Object.keys(document.json().paths);
      for (const path of [
        "/user/login/",
        "/user/token/refresh/",
        "/leads/overview/",
        "/leads/list/",
        "/leads/view/lead/",
        "/leads/create/lead/",
        "/leads/update/lead/",
        "/leads/delete/lead/",
        "/leads/create/leadnote/",
        "/leads/delete/leadnote/",
      ]) {
        expect(paths, path).toContain(path);
      }
      expect(document.json().info.title).toBe("Epixel Leads & CRM API");
      const docs = await kit.app.inject({ method: "GET", url: "/docs/static/swagger-initializer.js" });
      expect(docs.body).toContain(`${EPIXEL}/openapi.json`);
    });
  });
}
