/** How CLI commands print: one JSON document with --json, readable text otherwise. */

export interface Output {
  json: boolean;
}

export function print(output: Output, value: unknown, human: () => string): void {
  process.stdout.write(output.json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
}

export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return "(none)";
  const cells = rows.map((row) => columns.map((column) => formatCell(row[column])));
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...cells.map((row) => row[index]!.length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index]!))
      .join("  ")
      .trimEnd();
  return [line(columns), ...cells.map(line)].join("\n");
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (Array.isArray(value))
    return value.length > 3 ? `${value.slice(0, 3).join(",")},… (${value.length})` : value.join(",");
  return String(value);
}
