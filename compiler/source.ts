// Source files and spans.
// In: a path and its text. Out: a SourceFile that maps offsets to 1-based line/column, and the
// Span type every later phase (AST, IR, diagnostics) uses to point back at the text.
// Spans carry both offsets and line/column so reports never need the text to say "where".

export interface SourceFile {
  readonly path: string;
  readonly text: string;
  /** Offset of the first character of each line (line 1 at index 0). */
  readonly lineStarts: readonly number[];
}

/** A half-open range [start, end) of one file, with the 1-based position of its start and end. */
export interface Span {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export function makeSource(path: string, text: string): SourceFile {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  }
  return { path, text, lineStarts };
}

export function positionOf(file: SourceFile, offset: number): { line: number; column: number } {
  const starts = file.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

export function spanOf(file: SourceFile, start: number, end: number): Span {
  const from = positionOf(file, start);
  const to = positionOf(file, Math.max(start, end));
  return {
    file: file.path,
    start,
    end,
    line: from.line,
    column: from.column,
    endLine: to.line,
    endColumn: to.column,
  };
}

/** The smallest span covering both (they must be in the same file). */
export function joinSpans(a: Span, b: Span): Span {
  const first = a.start <= b.start ? a : b;
  const last = a.end >= b.end ? a : b;
  return {
    file: a.file,
    start: first.start,
    end: last.end,
    line: first.line,
    column: first.column,
    endLine: last.endLine,
    endColumn: last.endColumn,
  };
}

/** "file:line:col", the form editors and CI logs turn into links. */
export function formatLocation(span: Span): string {
  return `${span.file}:${span.line}:${span.column}`;
}
