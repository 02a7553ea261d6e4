// The last pass of the emitter: the module's text with every unit in prettier's layout.
// In: the writer's layout (lines, each with its unit: a top-level statement or a class member).
// Out: the module text. A unit the writer vouches for is kept as written; a doubtful unit, or
// one with a code line over the print width, is formatted by prettier on its own (a member
// inside a stand-in class), which is what prettier prints for it inside the whole module.
// Why not prettier over everything: on a 1,000-rule program that alone took seconds, while the
// emitters already write nearly all code in prettier's layout; prettier is not even loaded
// when no unit needs it. test/emit-layout.test.ts checks that prettier leaves the output as is.

import { PRINT_WIDTH, type Layout, type LayoutUnit } from "./writer.ts";

/** The options every generated module is formatted with. */
export const PRETTIER_OPTIONS = { parser: "babel-ts", printWidth: PRINT_WIDTH } as const;

type Prettier = typeof import("prettier");

export async function formatLayout(layout: Layout): Promise<string> {
  const out: string[] = [];
  let prettier: Prettier | null = null;
  for (const piece of layoutPieces(layout)) {
    if (piece.unit !== null && piece.format) {
      prettier ??= await import("prettier");
      out.push(await formatUnit(prettier, piece.unit, piece.lines));
    } else {
      out.push(...piece.lines);
    }
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
  return unit.doubtful || lines.some((line) => line.length > PRINT_WIDTH && !isCommentLine(line));
}

/** prettier never rewraps a comment, however long. */
function isCommentLine(line: string): boolean {
  const text = line.trimStart();
  return text.startsWith("//") || text.startsWith("/*") || text.startsWith("*");
}

async function formatUnit(prettier: Prettier, unit: LayoutUnit, lines: readonly string[]): Promise<string> {
  const text = lines.join("\n");
  if (!unit.member) return (await prettier.format(text, PRETTIER_OPTIONS)).replace(/\n$/, "");
  const formatted = await prettier.format(`class Unit {\n${text}\n}\n`, PRETTIER_OPTIONS);
  const inner = formatted.split("\n");
  // `class Unit {` … `}` and the final newline around the member's own lines.
  return inner.slice(1, inner.length - 2).join("\n");
}
