// Reading the CST chevrotain builds (grammar/parser.ts), and the ground the AST builders stand on.
// In: CST nodes of one item, possibly with holes where recovery inserted or skipped tokens.
// Out: the real tokens and child nodes under a label (never a token recovery made up), source
// extents and spans, and CstReader, the base class of the builders, which turns tokens into
// located identifiers and collects the builders' diagnostics.
// Why apart: the builders for expressions, rules and declarations (build-ast-*.ts) all read the
// CST the same way; one tolerant reader keeps them from each guessing what recovery leaves.

import type { CstElement, CstNode, IToken } from "chevrotain";
import type * as A from "./ast.ts";
import { diagnostic, type Diagnostic } from "./diagnostics.ts";
import { spanOf, type SourceFile, type Span } from "./source.ts";

export type Children = Record<string, CstElement[] | undefined>;

function isToken(element: CstElement): element is IToken {
  return (element as IToken).tokenType !== undefined;
}

function realToken(element: CstElement | undefined): IToken | undefined {
  if (element === undefined || !isToken(element)) return undefined;
  return element.isInsertedInRecovery || Number.isNaN(element.startOffset) ? undefined : element;
}

export function tokenAt(node: CstNode, label: string, index = 0): IToken | undefined {
  return realToken((node.children as Children)[label]?.[index]);
}

export function tokensOf(node: CstNode, label: string): IToken[] {
  return ((node.children as Children)[label] ?? []).map(realToken).filter((t): t is IToken => t !== undefined);
}

export function nodeAt(node: CstNode, label: string, index = 0): CstNode | undefined {
  const element = (node.children as Children)[label]?.[index];
  return element === undefined || isToken(element) ? undefined : element;
}

export function nodesOf(node: CstNode, label: string): CstNode[] {
  return ((node.children as Children)[label] ?? []).filter((e): e is CstNode => !isToken(e));
}

const extents = new WeakMap<CstNode, { start: number; end: number } | undefined>();

/** The offsets of the first and last real tokens under a node (recovery may leave none). */
function extent(node: CstElement): { start: number; end: number } | undefined {
  if (isToken(node)) {
    const token = realToken(node);
    return token && { start: token.startOffset, end: token.startOffset + token.image.length };
  }
  const location = node.location;
  // The parser tracks offsets; only a node that recovery patched needs the walk below.
  if (location !== undefined && !node.recoveredNode && Number.isFinite(location.startOffset) && Number.isFinite(location.endOffset)) {
    return { start: location.startOffset, end: location.endOffset! + 1 };
  }
  if (extents.has(node)) return extents.get(node);
  const result = computeExtent(node);
  extents.set(node, result);
  return result;
}

function computeExtent(node: CstNode): { start: number; end: number } | undefined {
  let start = Infinity;
  let end = -Infinity;
  for (const list of Object.values(node.children as Children)) {
    for (const child of list ?? []) {
      const e = extent(child);
      if (e === undefined) continue;
      start = Math.min(start, e.start);
      end = Math.max(end, e.end);
    }
  }
  return start === Infinity ? undefined : { start, end };
}

/** Locations and diagnostics for the builders of one file's items. */
export class CstReader {
  readonly diagnostics: Diagnostic[] = [];

  constructor(protected readonly file: SourceFile) {}

  protected span(node: CstElement | undefined): Span | undefined {
    const e = node && extent(node);
    return e && spanOf(this.file, e.start, e.end);
  }

  protected tokenSpan(token: IToken): Span {
    return spanOf(this.file, token.startOffset, token.startOffset + token.image.length);
  }

  protected identifier(token: IToken | undefined): A.Identifier | undefined {
    return token && { name: token.image, span: this.tokenSpan(token) };
  }

  protected error(span: Span, message: string, help?: string): void {
    this.diagnostics.push(diagnostic("HY1004", span, message, help === undefined ? {} : { help }));
  }
}
