/** `inject` against the Axiomatic dialect: Bearer key, entityId in the query by default, JSON body. */
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import type { TestKit } from "./app.js";
import { withJson } from "./app.js";

export const AXIOMATIC = "/api/crm";

export interface AxiomaticCallOptions {
  /** Sent as `Authorization: Bearer`; null sends none. Defaults to the kit's secret key. */
  key?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  /** Added as `?entityId=`; null adds none. Defaults to the kit's workspace id. */
  entityId?: string | null;
}

export async function axiomatic(
  kit: Pick<TestKit, "app" | "workspace" | "secretKey">,
  method: InjectOptions["method"],
  path: string,
  options: AxiomaticCallOptions = {},
): Promise<LightMyRequestResponse & { json: any }> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? kit.secretKey : options.key;
  if (key) headers.authorization = `Bearer ${key}`;
  const entityId = options.entityId === undefined ? kit.workspace.id : options.entityId;
  const separator = path.includes("?") ? "&" : "?";
  const url = `${AXIOMATIC}${path}${entityId ? `${separator}entityId=${encodeURIComponent(entityId)}` : ""}`;
  const response = await kit.app.inject({
    method,
    url,
    headers,
    ...(options.body === undefined ? {} : { payload: options.body as any }),
  });
  return withJson(response);
}
