/** Small TypeBox helpers shared by the dialects' schemas. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import { type Static, type TSchema, Type } from "typebox";

/** `T | null` as one JSON Schema type list, which gives clearer errors than anyOf. */
export function Nullable<T extends TSchema>(schema: T) {
  const json = schema as unknown as { type?: string | string[] };
  const types = Array.isArray(json.type) ? json.type : json.type ? [json.type] : [];
  return Type.Unsafe<Static<T> | null>({ ...(schema as object), type: [...types, "null"] });
}

/** A string from a closed list, as a plain JSON Schema `enum` (one clear error: "must be one of …"). */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { default?: T[number]; description?: string } = {},
) {
  return Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...options });
}

/** A free-form JSON object, kept as given. */
export function FreeObject(options: { description?: string } = {}) {
  return Type.Unsafe<Record<string, unknown>>({ type: "object", additionalProperties: true, ...options });
}

/** A Fastify instance whose routes are typed by their TypeBox schemas (every dialect's app). */
export type TypeBoxApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
