/**
 * Request validation at the edge. Query strings and path parameters arrive as text, so they are
 * coerced to the schema's types; JSON bodies are not, so a wrong type is an error rather than a
 * silent conversion. Unknown body fields are removed before the handler sees them (no mass
 * assignment), and the first error names its field.
 */
import { Ajv, type ErrorObject } from "ajv";
import addFormatsModule from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

// ajv-formats is CommonJS; under NodeNext its default export is the module namespace.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

function makeAjv(coerceTypes: boolean | "array"): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: true,
    allErrors: false,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

const textPartsAjv = makeAjv("array");
const bodyAjv = makeAjv(false);

export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) => {
  const ajv = httpPart === "body" ? bodyAjv : textPartsAjv;
  return ajv.compile(schema) as any;
};

export interface FieldProblem {
  field: string;
  message: string;
}

/** Turns the first Ajv error into a field name (dotted path) and a readable message. */
export function describeValidationError(errors: ErrorObject[], context: string | undefined): FieldProblem {
  const error = errors[0];
  if (!error) return { field: context ?? "request", message: "is invalid" };
  const path = error.instancePath
    .split("/")
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (error.keyword === "required") path.push(String(error.params.missingProperty));
  let field = path.join(".");
  if (!field) field = context === "body" ? "body" : (context ?? "request");
  switch (error.keyword) {
    case "required":
      return { field, message: "is required" };
    case "enum":
      return { field, message: `must be one of ${(error.params.allowedValues as unknown[]).join(", ")}` };
    case "format":
      return { field, message: formatMessage(String(error.params.format)) };
    case "type":
      return { field, message: `must be ${article(String(error.params.type))}` };
    case "maxLength":
      return { field, message: `must be at most ${error.params.limit} characters` };
    case "minLength":
      return {
        field,
        message:
          Number(error.params.limit) === 1
            ? "must not be empty"
            : `must be at least ${error.params.limit} characters`,
      };
    case "maximum":
      return { field, message: `must be at most ${error.params.limit}` };
    case "minimum":
      return { field, message: `must be at least ${error.params.limit}` };
    case "additionalProperties":
      return {
        field: `${field === "body" ? "" : `${field}.`}${error.params.additionalProperty}`,
        message: "is not allowed",
      };
    default:
      return { field, message: error.message ?? "is invalid" };
  }
}

function formatMessage(format: string): string {
  switch (format) {
    case "email":
      return "must be a valid email address";
    case "date-time":
      return "must be an ISO 8601 date-time such as 2026-03-13T10:00:00Z";
    case "date":
      return "must be a date such as 2026-06-30";
    case "uri":
      return "must be an absolute URL";
    default:
      return `must match format ${format}`;
  }
}

function article(type: string): string {
  const names: Record<string, string> = {
    integer: "a whole number",
    number: "a number",
    string: "a string",
    boolean: "true or false",
    object: "an object",
    array: "a list",
    null: "null",
  };
  return type
    .split(",")
    .map((part) => names[part] ?? part)
    .join(" or ");
}
