/** What the CRMLead Pro routes share: the typed app and the caller's scope. */
import type { Core } from "../../../core/core.js";
import { scopeOf } from "../../guard.js";
import type { TypeBoxApp } from "../../schema-helpers.js";

export type CrmLeadProApp = TypeBoxApp;

export interface CrmLeadProDeps {
  readonly core: Core;
  /** For webhooks: KITH_SECRET when configured, and KITH_WEBHOOK_ALLOW_PRIVATE. */
  readonly webhooks?: { readonly configuredSecret: string | undefined; readonly allowPrivate: boolean };
}

export { scopeOf };
