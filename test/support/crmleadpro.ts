/** `inject` against the CRMLead Pro dialect: Bearer key, JSON body. */
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import type { TestKit } from "./app.js";
import { withJson } from "./app.js";

export const CRMLEADPRO = "/api/v1";

export async function crmleadpro(
  kit: Pick<TestKit, "app" | "secretKey">,
  method: InjectOptions["method"],
  path: string,
  options: { key?: string | null; body?: unknown } = {},
): Promise<LightMyRequestResponse & { json: any }> {
  const key = options.key === undefined ? kit.secretKey : options.key;
  const response = await kit.app.inject({
    method,
    url: `${CRMLEADPRO}${path}`,
    headers: key ? { authorization: `Bearer ${key}` } : {},
    ...(options.body === undefined ? {} : { payload: options.body as any }),
  });
  return withJson(response);
}
