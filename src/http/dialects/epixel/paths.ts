/**
 * The document's own spellings of each path: the headings say `leads/<rest>`, the Node samples
 * drop `leads/` (`create/appointment/`, `view/lead/`), and create-lead's heading adds a `v1/`.
 * Every spelling is served (trailing slashes are optional: the app ignores them).
 */
export function spellings(path: string): string[] {
  const clean = path.replace(/^\/+/, "");
  const all = [clean];
  if (clean.startsWith("leads/")) all.push(clean.slice("leads/".length));
  if (clean === "leads/create/lead/") all.push("v1/leads/create/lead/", "v1/create/lead/");
  return [...new Set(all)].map((spelling) => `/${spelling}`);
}
