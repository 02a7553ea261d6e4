// Cuts a file's tokens into items, each a declaration, fact or rule up to its `;`.
// In: the tokens of one file (lexer.ts). Out: one token array per item, in order, for
// parseItemTokens (parser.ts) to parse one at a time.
// Why before parsing: an item that does not parse then never swallows the items after it, and
// each item's errors are its own. The only subtlety is the `;` that separates a declaration's
// plain columns from its lattice columns, which does not end the item.

import type { IToken } from "chevrotain";
import { chevrotain } from "./chevrotain.ts";

const { tokenMatcher } = chevrotain;
import * as T from "./tokens.ts";

/**
 * Splits a file's tokens into items at `;`, so a syntax error in one item never swallows the
 * next. The one `;` that does not end an item separates the lattice columns of a declaration,
 * `lattice best(node: string; cost: min<int>)`: inside a column list and followed by a column
 * or `)`.
 */
export function splitItems(tokens: readonly IToken[]): IToken[][] {
  const items: IToken[][] = [];
  let current: IToken[] = [];
  let depth = 0;
  let inColumnList = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    current.push(token);
    const type = token.tokenType;
    if (type === T.LParen) {
      depth++;
      if (depth === 1 && opensColumnList(current)) inColumnList = true;
    } else if (type === T.RParen) {
      depth = Math.max(0, depth - 1);
      if (depth === 0) inColumnList = false;
    } else if (type === T.Semicolon) {
      if (inColumnList && depth === 1 && startsColumnOrCloses(tokens, i + 1)) continue;
      items.push(current);
      current = [];
      depth = 0;
      inColumnList = false;
    }
  }
  if (current.length > 0) items.push(current);
  return items;
}

/** `table kvs(`: a collection kind, a name, then the `(` just pushed. */
function opensColumnList(current: readonly IToken[]): boolean {
  const n = current.length;
  if (n < 3) return false;
  return (
    tokenMatcher(current[n - 3]!, T.CollectionKindKeyword) &&
    tokenMatcher(current[n - 2]!, T.Name) &&
    !current.slice(0, n - 3).some((token) => token.tokenType === T.Semicolon)
  );
}

function startsColumnOrCloses(tokens: readonly IToken[], at: number): boolean {
  const next = tokens[at];
  if (next === undefined) return false;
  if (next.tokenType === T.At || next.tokenType === T.RParen) return true;
  const after = tokens[at + 1];
  return tokenMatcher(next, T.Name) && after !== undefined && after.tokenType === T.Colon;
}
