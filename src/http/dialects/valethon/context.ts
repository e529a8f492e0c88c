/** What the Valethon routes share: the typed app, the caller's scope, query-value parsing. */
import type { Core } from "../../../core/core.js";
import { validationError } from "../../../core/errors.js";
import type { TypeBoxApp } from "../../schema-helpers.js";

export type ValethonApp = TypeBoxApp;

export interface ValethonDeps {
  readonly core: Core;
}

export { scopeOf } from "../../guard.js";

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO 8601 date (`2026-03-10`, midnight UTC) or date-time, as a stored time for comparisons. */
export function parseTimeFilter(field: string, value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  const date = DATE_ONLY.test(value)
    ? new Date(`${value}T00:00:00Z`)
    : DATE_TIME.test(value)
      ? new Date(value)
      : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw validationError(field, "must be an ISO 8601 date or date-time such as 2026-03-10T14:30:00Z");
  }
  return date.toISOString();
}
