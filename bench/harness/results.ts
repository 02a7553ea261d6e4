// Reading the counts an engine printed, and judging them against the expected ones.
// In: an engine's stdout (`name<TAB>count` lines, as the hand-written baselines and Soufflé's
// .printsize print), or the batch-mode output directory of `hydro run` (one `<output>.csv` per
// output, each holding one count). Out: a map from relation name to count, and a verdict.
// Pure apart from the directory read, so the parsing and the comparison are unit-tested.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { baselineName } from "./workloads.ts";
import { formatCount } from "./stats.ts";

export type Counts = Readonly<Record<string, number>>;

/** `path\t1999000` lines → { path: 1999000 }; other lines (Soufflé's banners) are ignored. */
export function parseCountLines(text: string): Counts {
  const counts: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s+(-?\d+)\s*$/.exec(line.trim());
    if (match) counts[match[1]!] = Number(match[2]);
  }
  return counts;
}

/**
 * Soufflé's stdout: `.printsize` lines (`path\t1999000`) and `.output R(IO=stdout)` blocks
 * (`---------------`, the name, optionally a header line, `===============`, the rows,
 * `===============`); a block whose one row is one integer gives that count.
 */
export function parseSouffleOutput(text: string): Counts {
  const counts: Record<string, number> = { ...parseCountLines(text) };
  const lines = text.split("\n").map((line) => line.trim());
  for (let index = 0; index < lines.length; index++) {
    if (lines[index] !== "---------------") continue;
    const name = lines[index + 1];
    const open = lines.indexOf("===============", index + 2);
    const close = open < 0 ? -1 : lines.indexOf("===============", open + 1);
    if (!name || close < 0) break;
    const rows = lines.slice(open + 1, close).filter((line) => line !== "");
    if (rows.length === 1 && /^-?\d+$/.test(rows[0]!)) counts[name] = Number(rows[0]);
    index = close;
  }
  return counts;
}

/**
 * The counts in a `hydro run --out` directory: `path_size.csv` holding `1999000` gives
 * { path: 1999000 }. A file with no row (an aggregate over nothing) gives no entry; a file
 * with more than one row, or a row that is not one integer, is reported as an error, since the
 * benchmark programs emit exactly one count per output.
 */
export function readOutputCounts(directory: string): { counts: Counts; errors: string[] } {
  const counts: Record<string, number> = {};
  const errors: string[] = [];
  if (!existsSync(directory)) return { counts, errors: [`no output directory ${directory}`] };
  for (const file of readdirSync(directory).filter((name) => name.endsWith(".csv")).sort()) {
    const rows = readFileSync(join(directory, file), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "");
    const name = baselineName(file.slice(0, -".csv".length));
    if (rows.length === 0) continue;
    if (rows.length > 1 || !/^-?\d+$/.test(rows[0]!.trim())) {
      errors.push(`${file}: expected one count, got ${rows.length} row(s) starting ${JSON.stringify(rows[0])}`);
      continue;
    }
    counts[name] = Number(rows[0]!.trim());
  }
  return { counts, errors };
}

export interface Verdict {
  readonly correct: boolean;
  /** One line: `path 1,999,000` or `path 594 (expected 19,900)`. */
  readonly text: string;
}

/**
 * Compares every expected count with the engine's. A missing name is wrong (the engine did not
 * produce it); names the engine adds beyond the expected ones are ignored.
 */
export function judgeCounts(actual: Counts, expected: Counts | null): Verdict {
  if (!expected) {
    const text = Object.entries(actual)
      .map(([name, value]) => `${name} ${formatCount(value)}`)
      .join(", ");
    return { correct: true, text: text || "(no counts)" };
  }
  const parts: string[] = [];
  let correct = true;
  for (const [name, value] of Object.entries(expected)) {
    const got = actual[name];
    if (got === value) parts.push(`${name} ${formatCount(value)}`);
    else {
      correct = false;
      parts.push(`${name} ${got === undefined ? "missing" : formatCount(got)} (expected ${formatCount(value)})`);
    }
  }
  return { correct, text: parts.join(", ") };
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * A JSON object a process printed: its whole stdout (a pretty-printed report such as
 * `hydro check --format json`), else its last line (the embedded runner's one-line report).
 */
export function parseJsonReport(stdout: string): Record<string, unknown> | null {
  return parseObject(stdout.trim()) ?? parseObject(stdout.trim().split("\n").pop() ?? "");
}
