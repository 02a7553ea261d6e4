// The one lexer of `.hydro` files.
// In: a SourceFile. Out: the tokens the parser reads, the comment tokens (kept apart for the
// printer), and lexical diagnostics HY1001–HY1005.
// Malformed literals are lexed as tokens of their category (see tokens.ts) and reported here, so
// one bad string does not hide the rest of the file and the parser does not report it twice.

import type { IToken } from "chevrotain";
import { chevrotain } from "./chevrotain.ts";

const { Lexer } = chevrotain;
import { diagnostic, type Diagnostic } from "../compiler/diagnostics.ts";
import { spanOf, type SourceFile } from "../compiler/source.ts";
import {
  allTokens,
  BadNumber,
  Float,
  Integer,
  QuotedString,
  UnterminatedBlockComment,
  UnterminatedString,
} from "./tokens.ts";

export interface LexResult {
  readonly tokens: IToken[];
  /** Line and block comments in source order (the parser skips them). */
  readonly comments: IToken[];
  readonly diagnostics: Diagnostic[];
}

const hydroLexer = new Lexer(allTokens, {
  positionTracking: "full",
  ensureOptimizations: false,
});

export function lexSource(file: SourceFile): LexResult {
  const result = hydroLexer.tokenize(file.text);
  const diagnostics: Diagnostic[] = [];
  const comments = (result.groups["comments"] ?? []) as IToken[];

  for (const error of result.errors) {
    const text = file.text.slice(error.offset, error.offset + error.length);
    const plural = [...text].length > 1 ? "characters" : "character";
    diagnostics.push(
      diagnostic("HY1001", spanOf(file, error.offset, error.offset + error.length), `unexpected ${plural} ${quote(text)}`),
    );
  }
  for (const comment of comments) {
    if (comment.tokenType === UnterminatedBlockComment) {
      diagnostics.push(
        diagnostic("HY1002", spanOf(file, comment.startOffset, comment.startOffset + 2), "unterminated comment: `/*` has no closing `*/`"),
      );
    }
  }
  for (const token of result.tokens) {
    const end = token.startOffset + token.image.length;
    if (token.tokenType === UnterminatedString) {
      diagnostics.push(
        diagnostic("HY1002", spanOf(file, token.startOffset, end), "unterminated string: a string must close with `\"` on the same line"),
      );
    } else if (token.tokenType === QuotedString) {
      for (const bad of decodeString(token.image).badEscapes) {
        const start = token.startOffset + bad.offset;
        diagnostics.push(
          diagnostic("HY1005", spanOf(file, start, start + bad.length), `invalid escape ${quote(bad.text)} in a string`, {
            help: 'strings use JSON escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX',
          }),
        );
      }
    } else if (token.tokenType === BadNumber) {
      diagnostics.push(
        diagnostic("HY1003", spanOf(file, token.startOffset, end), `invalid number ${quote(token.image)}`, {
          help: "a number is written 42, 3.5 or 1e-3, a duration 250ms, 5s, 2m or 1h",
        }),
      );
    } else if (token.tokenType === Float && !Number.isFinite(Number(token.image))) {
      diagnostics.push(diagnostic("HY1003", spanOf(file, token.startOffset, end), `number ${quote(token.image)} is too large`));
    } else if (token.tokenType === Integer && !Number.isSafeInteger(Number(token.image))) {
      diagnostics.push(
        diagnostic("HY1003", spanOf(file, token.startOffset, end), `integer ${quote(token.image)} is too large`, {
          help: `integers are safe integers, at most ${Number.MAX_SAFE_INTEGER}`,
        }),
      );
    }
  }
  diagnostics.sort((a, b) => a.span.start - b.span.start);
  return { tokens: result.tokens, comments, diagnostics };
}

export interface DecodedString {
  readonly value: string;
  /** Offsets are relative to the token's first character (the opening quote). */
  readonly badEscapes: readonly { offset: number; length: number; text: string }[];
}

const simpleEscapes: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** JSON string decoding that goes on past a bad escape (keeping it literally) and reports it. */
export function decodeString(image: string): DecodedString {
  const closed = image.length >= 2 && image.endsWith('"') && !endsInEscape(image);
  const inner = image.slice(1, closed ? -1 : undefined);
  let value = "";
  const badEscapes: { offset: number; length: number; text: string }[] = [];
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c !== "\\") {
      value += c;
      continue;
    }
    const next = inner[i + 1];
    if (next !== undefined && next in simpleEscapes) {
      value += simpleEscapes[next];
      i++;
    } else if (next === "u" && /^[0-9a-fA-F]{4}$/.test(inner.slice(i + 2, i + 6))) {
      value += String.fromCharCode(parseInt(inner.slice(i + 2, i + 6), 16));
      i += 5;
    } else {
      const length = next === undefined ? 1 : next === "u" ? Math.min(2 + countHex(inner, i + 2), inner.length - i) : 2;
      const text = inner.slice(i, i + length);
      badEscapes.push({ offset: i + 1, length, text });
      value += text;
      i += length - 1;
    }
  }
  return { value, badEscapes };
}

function countHex(text: string, from: number): number {
  let n = 0;
  while (n < 4 && /[0-9a-fA-F]/.test(text[from + n] ?? "")) n++;
  return n;
}

/** `"abc\"` has no closing quote: its last quote is escaped. */
function endsInEscape(image: string): boolean {
  let backslashes = 0;
  for (let i = image.length - 2; i >= 0 && image[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 1;
}

function quote(text: string): string {
  const shown = text.length > 30 ? `${text.slice(0, 27)}...` : text;
  return shown.includes("`") ? `'${shown}'` : `\`${shown}\``;
}
