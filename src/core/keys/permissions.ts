/**
 * The permission vocabulary: Valethon's (seeds/000) plus what Kith adds for its other
 * capabilities. A key created without scopes has every permission of its type.
 */

export const SECRET_PERMISSIONS = [
  "leads:read",
  "leads:write",
  "leads:delete",
  "contacts:read",
  "contacts:write",
  "opportunities:read",
  "opportunities:write",
  "prospects:read",
  "prospects:write",
  "activities:read",
  "activities:write",
  "webhooks:manage",
  // Kith additions
  "settings:manage",
  "conversations:read",
  "conversations:write",
  "campaigns:read",
  "campaigns:write",
  "events:read",
] as const;

export const PUBLIC_PERMISSIONS = ["widget:access"] as const;

export type Permission = (typeof SECRET_PERMISSIONS)[number] | (typeof PUBLIC_PERMISSIONS)[number];

export const KEY_TYPES = ["secret", "public_live", "public_test"] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export const isPublicKeyType = (type: KeyType): boolean => type !== "secret";

export function permissionsOfType(type: KeyType): readonly Permission[] {
  return isPublicKeyType(type) ? PUBLIC_PERMISSIONS : SECRET_PERMISSIONS;
}

/**
 * Expands requested scopes into permissions, or returns the offending scope.
 * Axiomatic's `read:crm` means every `:read` permission, `write:crm` every permission.
 */
export function expandScopes(
  type: KeyType,
  scopes: readonly string[],
): { permissions: Permission[] } | { invalid: string } {
  const allowed = permissionsOfType(type);
  const out = new Set<Permission>();
  for (const scope of scopes) {
    if (scope === "write:crm" && type === "secret") {
      for (const permission of allowed) out.add(permission);
    } else if (scope === "read:crm" && type === "secret") {
      for (const permission of allowed) if (permission.endsWith(":read")) out.add(permission);
    } else if ((allowed as readonly string[]).includes(scope)) {
      out.add(scope as Permission);
    } else {
      return { invalid: scope };
    }
  }
  return { permissions: [...out] };
}
