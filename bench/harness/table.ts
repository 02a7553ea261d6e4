// Plain-text tables for the terminal. In: a header row and data rows of strings, and which
// columns are numeric. Out: one string, columns padded to their widest cell, numeric columns
// right-aligned, a rule under the header. Pure, so the layout is unit-tested.
// Widths count code points, not UTF-16 units, so `–` and `×` do not misalign a column.

export interface TableOptions {
  /** Indices of the columns to right-align (numbers line up on their last digit). */
  readonly rightAligned?: readonly number[];
  /** Rows after which a blank separator line is printed (e.g. between workloads). */
  readonly groupBreaks?: readonly number[];
}

function width(text: string): number {
  return [...text].length;
}

function pad(text: string, size: number, right: boolean): string {
  const fill = " ".repeat(Math.max(0, size - width(text)));
  return right ? fill + text : text + fill;
}

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const columns = header.length;
  const widths = header.map((cell) => width(cell));
  for (const row of rows) {
    if (row.length !== columns) throw new Error(`table row has ${row.length} cells, expected ${columns}`);
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index]!, width(cell));
    });
  }
  const right = new Set(options.rightAligned ?? []);
  const breaks = new Set(options.groupBreaks ?? []);
  const line = (row: readonly string[]) =>
    row
      .map((cell, index) => pad(cell, widths[index]!, right.has(index)))
      .join("  ")
      .trimEnd();
  const out = [line(header), widths.map((size) => "-".repeat(size)).join("  ")];
  rows.forEach((row, index) => {
    if (breaks.has(index) && index > 0) out.push("");
    out.push(line(row));
  });
  return out.join("\n") + "\n";
}
