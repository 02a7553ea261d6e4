// The last pass of the emitter: the module's text with every unit in prettier's layout.
// In: the writer's layout (lines, each with its unit: a top-level statement or a class member).
// Out: the module text. A unit the writer vouches for is kept as written; a doubtful unit, or
// one with a code line over the print width, is formatted by prettier apart from the rest (a
// member inside a stand-in class), which is what prettier prints for it inside the whole module.
// Why not prettier over everything: on a 1,000-rule program that alone took seconds, while the
// emitters already write nearly all code in prettier's layout; prettier is not even loaded
// when no unit needs it. test/emit-layout.test.ts checks that prettier leaves the output as is.

import { PRINT_WIDTH, type Layout, type LayoutUnit } from "./writer.ts";

/** The options every generated module is formatted with. */
export const PRETTIER_OPTIONS = { parser: "babel-ts", printWidth: PRINT_WIDTH } as const;

type Prettier = typeof import("prettier");

export async function formatLayout(layout: Layout): Promise<string> {
  const pieces = layoutPieces(layout);
  const formatted = new Map<LayoutPiece, string>();
  const members = pieces.filter((piece) => piece.format && piece.unit!.member);
  const statements = pieces.filter((piece) => piece.format && !piece.unit!.member);
  if (members.length + statements.length > 0) {
    const prettier = await import("prettier");
    await formatTogether(prettier, members, true, formatted);
    await formatTogether(prettier, statements, false, formatted);
  }
  const out: string[] = [];
  for (const piece of pieces) {
    const text = formatted.get(piece);
    if (text === undefined) out.push(...piece.lines);
    else out.push(text);
  }
  return out.join("\n") + "\n";
}

export interface LayoutPiece {
  readonly lines: readonly string[];
  /** The unit the lines make up, or null for lines between units. */
  readonly unit: LayoutUnit | null;
  /** Whether prettier formats it. */
  readonly format: boolean;
}

/** The layout cut into units (and the lines between them), each with whether prettier must format it. */
export function layoutPieces(layout: Layout): LayoutPiece[] {
  const { lines, units } = layout;
  const pieces: LayoutPiece[] = [];
  for (let start = 0; start < lines.length; ) {
    const unit = units[start] ?? null;
    let end = start + 1;
    while (end < lines.length && unit !== null && units[end] === unit) end++;
    const piece = lines.slice(start, end);
    pieces.push({ lines: piece, unit, format: unit !== null && needsFormatting(unit, piece) });
    start = end;
  }
  return pieces;
}

/** Whether prettier may lay the unit out differently from how it was written. */
export function needsFormatting(unit: LayoutUnit, lines: readonly string[]): boolean {
  return unit.doubtful || lines.some((line) => line.length > PRINT_WIDTH && !isCommentLine(line) && !isShortCallWithComment(line));
}

/**
 * `this.stratum3(); // r3, delta of r2`: prettier does not count a trailing comment against the
 * width, and a call without arguments has nothing to break anyway.
 */
function isShortCallWithComment(line: string): boolean {
  const match = /^(\s*[\w$.]+\(\);) \/\/ /.exec(line);
  return match !== null && match[1]!.length <= PRINT_WIDTH;
}

/** prettier never rewraps a comment, however long. */
function isCommentLine(line: string): boolean {
  const text = line.trimStart();
  return text.startsWith("//") || text.startsWith("/*") || text.startsWith("*");
}

/**
 * Formats the pieces in one prettier call (a call costs milliseconds however small its input),
 * each after a marker comment that prettier keeps on its own line; the output is cut at the
 * markers. Should the markers not come back as written, each piece is formatted on its own.
 */
async function formatTogether(prettier: Prettier, pieces: readonly LayoutPiece[], member: boolean, formatted: Map<LayoutPiece, string>): Promise<void> {
  if (pieces.length === 0) return;
  if (pieces.length > 1) {
    const indent = member ? "  " : "";
    const marker = (index: number) => `${indent}// hydro-format-unit ${index}`;
    const text = pieces.map((piece, index) => [marker(index), ...piece.lines].join("\n")).join("\n");
    const lines = (await formatSource(prettier, text, member)).split("\n");
    const parts: string[][] = [];
    for (const line of lines) {
      if (line === marker(parts.length)) parts.push([]);
      else if (parts.length > 0) parts[parts.length - 1]!.push(line);
      else break;
    }
    if (parts.length === pieces.length && parts.every((part) => part.length > 0)) {
      pieces.forEach((piece, index) => formatted.set(piece, parts[index]!.join("\n")));
      return;
    }
  }
  for (const piece of pieces) formatted.set(piece, await formatSource(prettier, piece.lines.join("\n"), member));
}

/** prettier's layout of top-level statements, or of class members (inside a stand-in class), without the final newline. */
async function formatSource(prettier: Prettier, text: string, member: boolean): Promise<string> {
  if (!member) return (await prettier.format(text, PRETTIER_OPTIONS)).replace(/\n$/, "");
  const lines = (await prettier.format(`class Unit {\n${text}\n}\n`, PRETTIER_OPTIONS)).split("\n");
  // `class Unit {` … `}` and the final newline around the members' own lines.
  return lines.slice(1, lines.length - 2).join("\n");
}
