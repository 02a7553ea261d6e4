// Source text → AST (compiler/ast.ts), with every lexical and syntax diagnostic of the file.
// In: a SourceFile. Out: { program, diagnostics }; never throws on user input.
// The file is split into items at `;` and each is parsed with the one recovering parser, so every
// item's first syntax error is reported and the items after it still parse. Trees partial from
// recovery are built as far as they go: an item missing an essential part (a name, a head) is
// left out; a missing argument or literal is left out of its list.
// Body literals arrive as expressions; a call-shaped literal is an atom unless it names a
// built-in or an `extern fn` of this file and no collection of this file (a qualified `d.x(...)`
// or named form is always an atom). A call of an aggregate name becomes an AggregateExpression
// wherever it appears.
// This file drives the item loop and words the syntax errors; the CST → AST builders are layered
// by concern: build-ast-cst.ts (reading the CST), build-ast-expressions.ts, build-ast-rules.ts
// (facts, rules, body literals) and build-ast-declarations.ts (items and declarations).

import type { IToken } from "chevrotain";
import { chevrotain } from "../grammar/chevrotain.ts";

const { tokenMatcher } = chevrotain;
import type * as A from "./ast.ts";
import { AGGREGATE_FUNCTIONS } from "./build-ast-expressions.ts";
import { AstBuilder } from "./build-ast-declarations.ts";
import { diagnostic, type Diagnostic } from "./diagnostics.ts";
import { spanOf, type SourceFile } from "./source.ts";
import { lexSource } from "../grammar/lexer.ts";
import { isEndOfInput, parseItemTokens } from "../grammar/parser.ts";
import { splitItems } from "../grammar/split-items.ts";
import * as T from "../grammar/tokens.ts";
import { BUILTIN_NAMES } from "../stdlib/builtins.ts";

export { AGGREGATE_FUNCTIONS } from "./build-ast-expressions.ts";

/**
 * Functions every program may call (the one table in stdlib/builtins.ts); a body literal calling
 * one is a condition.
 */
export const BUILTIN_FUNCTIONS: readonly string[] = BUILTIN_NAMES;

export function parseProgram(file: SourceFile): { program: A.SourceProgram; diagnostics: Diagnostic[] } {
  const lexed = lexSource(file);
  const builder = new AstBuilder(file, conditionNames(lexed.tokens));
  const items: A.Item[] = [];
  const syntaxDiagnostics: Diagnostic[] = [];
  const slices = splitItems(lexed.tokens);
  slices.forEach((slice, index) => {
    const parsed = parseItemTokens(slice);
    const first = parsed.errors[0];
    if (first !== undefined && !hasLexicalErrorIn(lexed.diagnostics, slice, index === slices.length - 1 ? file.text.length : undefined)) {
      syntaxDiagnostics.push(syntaxError(file, first, slice));
    }
    const before = builder.diagnostics.length;
    const item = builder.item(parsed.cst);
    if (item !== undefined) items.push(item);
    // What the builder finds in an item that did not parse is a consequence, not news.
    if (parsed.errors.length > 0) builder.diagnostics.length = before;
  });
  const program: A.SourceProgram = { kind: "program", file: file.path, items, span: spanOf(file, 0, file.text.length) };
  const diagnostics = [...lexed.diagnostics, ...syntaxDiagnostics, ...builder.diagnostics];
  diagnostics.sort((a, b) => a.span.start - b.span.start);
  return { program, diagnostics };
}

/**
 * The names whose calls in a body are conditions, not atoms: the built-ins and aggregates, and
 * every `extern fn name` anywhere in the file. A collection the file declares keeps its name for
 * atoms even when a built-in has it too (`input pair(a: int, b: int);` then `pair(a, _)`).
 */
function conditionNames(tokens: readonly IToken[]): Set<string> {
  const names = new Set<string>([...BUILTIN_FUNCTIONS, ...AGGREGATE_FUNCTIONS]);
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokenMatcher(tokens[i]!, T.CollectionKindKeyword)) names.delete(tokens[i + 1]!.image);
  }
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i]!.tokenType === T.Extern && tokens[i + 1]!.tokenType === T.Fn) names.add(tokens[i + 2]!.image);
  }
  return names;
}

/** A lexical error inside an item already explains why it does not parse: do not say it twice. */
function hasLexicalErrorIn(lexical: readonly Diagnostic[], slice: readonly IToken[], extendTo?: number): boolean {
  const start = slice[0]!.startOffset;
  const last = slice[slice.length - 1]!;
  const end = extendTo ?? last.startOffset + last.image.length;
  return lexical.some((d) => d.code !== "HY1005" && d.code !== "HY1003" && d.span.start < end && d.span.end > start);
}

function syntaxError(file: SourceFile, error: { message: string; token: IToken }, slice: readonly IToken[]): Diagnostic {
  const token = error.token;
  if (isEndOfInput(token) || Number.isNaN(token.startOffset)) {
    const last = slice[slice.length - 1]!;
    const at = last.startOffset + last.image.length;
    return diagnostic("HY1004", spanOf(file, at, at), `${error.message}, found the end of the file`);
  }
  const end = token.startOffset + token.image.length;
  const help = syntaxHelp(error.message, token);
  return diagnostic("HY1004", spanOf(file, token.startOffset, end), `${error.message}, found ${showToken(token)}`, help ? { help } : {});
}

const DECLARATION_WORDS = ["module", "import", "extern", "table", "scratch", "input", "output", "channel", "periodic", "lattice", "seal"];

function syntaxHelp(message: string, token: IToken): string | undefined {
  if (message.startsWith("expected a declaration") && token.tokenType === T.Identifier) {
    const close = DECLARATION_WORDS.find((word) => editDistance(word, token.image) <= 2);
    if (close !== undefined) return `did you mean \`${close}\`?`;
  }
  if (message.startsWith("expected `;` after the rule") && tokenMatcher(token, T.ComparisonOperator)) {
    return "comparisons do not chain: write `a < b, b < c`";
  }
  return undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function showToken(token: IToken): string {
  const text = token.image.length > 30 ? `${token.image.slice(0, 27)}...` : token.image;
  return text.includes("`") ? `'${text}'` : `\`${text}\``;
}
