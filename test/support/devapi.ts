/** `inject` against the Developer API dialect: Bearer key, JSON answer. */
import type { LightMyRequestResponse } from "fastify";
import type { TestKit } from "./app.js";
import { withJson } from "./app.js";

export const DEVAPI = "/devapi/api/v1";

export async function devapi(
  kit: Pick<TestKit, "app" | "secretKey">,
  path: string,
  options: { key?: string | null; method?: "GET" | "POST" } = {},
): Promise<LightMyRequestResponse & { json: any }> {
  const key = options.key === undefined ? kit.secretKey : options.key;
  const response = await kit.app.inject({
    method: options.method ?? "GET",
    url: `${DEVAPI}${path}`,
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
  return withJson(response);
}
