// Diagnostics rendered for people: `file:line:col: error HY2001: message`, a code frame from
// @babel/code-frame, then related locations and help. In: diagnostics and the source files they
// point into. Out: one string. Colour only when asked (a terminal without NO_COLOR); the same
// text otherwise, so logs and golden files stay plain.

import { codeFrameColumns } from "@babel/code-frame";
import { sortDiagnostics, type Diagnostic } from "./diagnostics.ts";
import { formatLocation, type SourceFile, type Span } from "./source.ts";

export interface ReportOptions {
  readonly colors: boolean;
  /** Paths are shown relative to this directory when given. */
  readonly cwd?: string;
}

const STYLE = {
  error: "\u001b[31;1m",
  warning: "\u001b[33;1m",
  info: "\u001b[36;1m",
  bold: "\u001b[1m",
  dim: "\u001b[2m",
  reset: "\u001b[0m",
} as const;

export function formatDiagnostics(
  diagnostics: readonly Diagnostic[],
  sources: readonly SourceFile[],
  options: ReportOptions,
): string {
  const byPath = new Map(sources.map((source) => [source.path, source]));
  return sortDiagnostics(diagnostics)
    .map((d) => formatDiagnostic(d, byPath.get(d.span.file), options))
    .join("\n");
}

export function formatDiagnostic(
  d: Diagnostic,
  source: SourceFile | undefined,
  options: ReportOptions,
): string {
  const paint = (style: keyof typeof STYLE, text: string) =>
    options.colors ? `${STYLE[style]}${text}${STYLE.reset}` : text;
  const lines = [
    `${paint("bold", displayLocation(d.span, options.cwd))}: ${paint(d.severity, `${d.severity} ${d.code}`)}: ${d.message}`,
  ];
  if (source) lines.push(frame(source, d.span, options.colors));
  for (const related of d.related) {
    const where = related.span ? `${displayLocation(related.span, options.cwd)}: ` : "";
    lines.push(`  ${paint("dim", "note:")} ${where}${related.message}`);
  }
  if (d.help) lines.push(`  ${paint("dim", "help:")} ${d.help}`);
  return lines.join("\n") + "\n";
}

function frame(source: SourceFile, span: Span, colors: boolean): string {
  const sameLine = span.endLine === span.line;
  const end = sameLine
    ? { line: span.line, column: Math.max(span.endColumn, span.column + 1) }
    : { line: span.line, column: lineLength(source, span.line) + 1 };
  return codeFrameColumns(
    source.text,
    { start: { line: span.line, column: span.column }, end },
    { highlightCode: colors, forceColor: colors, linesAbove: 1, linesBelow: 1 },
  );
}

function lineLength(source: SourceFile, line: number): number {
  const start = source.lineStarts[line - 1] ?? 0;
  const next = source.lineStarts[line] ?? source.text.length + 1;
  return Math.max(0, next - 1 - start);
}

function displayLocation(span: Span, cwd: string | undefined): string {
  if (!cwd || !span.file.startsWith(cwd + "/")) return formatLocation(span);
  return formatLocation({ ...span, file: span.file.slice(cwd.length + 1) });
}
