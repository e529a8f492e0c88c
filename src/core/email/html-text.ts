/**
 * The plain-text part of an HTML email: a small, safe conversion (no HTML parser, no scripts run).
 * Script, style and head contents are dropped, `<br>` becomes a line break and block ends (`</p>`,
 * `</div>`, `</li>`, headings, rows) a blank line or a line break, every other tag is removed,
 * basic entities (named: amp lt gt quot apos nbsp; numeric: decimal and hex) are decoded, runs of
 * spaces collapse and at most one blank line is kept.
 */
const NAMED: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (body[0] === "#") {
      const code =
        body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED[body.toLowerCase()] ?? entity;
  });
}

export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/\r\n?/g, "\n")
    // Line breaks in the source are only whitespace in HTML.
    .replace(/[ \t]*\n[ \t]*/g, " ")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|h[1-6]|blockquote|table|ul|ol)\s*>/gi, "\n\n")
    .replace(/<\/(li|tr)\s*>/gi, "\n")
    .replace(/<li\b[^>]*>/gi, "- ")
    .replace(/<[^>]*>/g, "");
  return decodeEntities(text)
    .replace(/[ \t\u00a0]+/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
