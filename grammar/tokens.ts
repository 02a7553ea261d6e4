// Every token of the `.hydro` language, defined once.
// In: nothing. Out: chevrotain token types, the ordered list the lexer tries, and the plain-word
// name of each token for error messages.
// Keywords other than true/false are contextual: each keyword token is also in the `Name`
// category, so the parser accepts `input`, `key` or `on` wherever a name is expected while still
// telling `table kvs(...)` from a rule `table(x) <= ...` by lookahead. Malformed literals
// (unterminated strings, `12abc`) still lex as their category so parsing goes on; the lexer
// reports them (HY1002, HY1003) and the parser never sees an error for them.

import type { TokenType } from "chevrotain";
import { chevrotain } from "./chevrotain.ts";

const { createToken, Lexer } = chevrotain;

// ---- categories (no pattern of their own) ----
/** Anything that may name a collection, column, variable or module: identifiers and keywords. */
export const Name = createToken({ name: "Name", pattern: Lexer.NA });
export const Keyword = createToken({ name: "Keyword", pattern: Lexer.NA });
/** `table`, `scratch`, … — the words that begin a collection declaration. */
export const CollectionKindKeyword = createToken({ name: "CollectionKindKeyword", pattern: Lexer.NA });
export const MergeOperator = createToken({ name: "MergeOperator", pattern: Lexer.NA });
export const ComparisonOperator = createToken({ name: "ComparisonOperator", pattern: Lexer.NA });
export const AdditiveOperator = createToken({ name: "AdditiveOperator", pattern: Lexer.NA });
export const MultiplicativeOperator = createToken({ name: "MultiplicativeOperator", pattern: Lexer.NA });
export const StringLiteral = createToken({ name: "StringLiteral", pattern: Lexer.NA });
export const IntegerLiteral = createToken({ name: "IntegerLiteral", pattern: Lexer.NA });
export const BooleanLiteral = createToken({ name: "BooleanLiteral", pattern: Lexer.NA });
export const DurationLiteral = createToken({ name: "DurationLiteral", pattern: Lexer.NA });

// ---- trivia ----
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\v]+/, group: Lexer.SKIPPED });
/** Comments go to their own group: the parser never sees them, the printer re-attaches them. */
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n\r]*/, group: "comments" });
export const BlockComment = createToken({ name: "BlockComment", pattern: /\/\*[\s\S]*?\*\//, group: "comments" });
export const UnterminatedBlockComment = createToken({
  name: "UnterminatedBlockComment",
  pattern: /\/\*[\s\S]*/,
  group: "comments",
});

// ---- literals ----
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [Name] });
/** `_` alone is a wildcard, never a name. */
export const Underscore = createToken({ name: "Underscore", pattern: /_/, longer_alt: Identifier });
export const QuotedString = createToken({
  name: "QuotedString",
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/,
  categories: [StringLiteral],
});
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*\\?/,
  categories: [StringLiteral],
});
/** A number run into letters, `12abc`: one token, so the error names all of it. */
export const BadNumber = createToken({
  name: "BadNumber",
  pattern: /[0-9]+(?:\.[0-9]+)?[A-Za-z_][A-Za-z0-9_]*/,
  categories: [IntegerLiteral, DurationLiteral],
});
export const Float = createToken({
  name: "Float",
  pattern: /[0-9]+\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+/,
  longer_alt: BadNumber,
});
export const Duration = createToken({
  name: "Duration",
  pattern: /[0-9]+(?:ms|s|m|h)/,
  longer_alt: BadNumber,
  categories: [DurationLiteral],
});
export const Integer = createToken({
  name: "Integer",
  pattern: /[0-9]+/,
  longer_alt: BadNumber,
  categories: [IntegerLiteral],
});

function keyword(word: string, extra: TokenType[] = []): TokenType {
  const name = word[0]!.toUpperCase() + word.slice(1);
  return createToken({
    name,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Name, Keyword, ...extra],
  });
}

export const Module = keyword("module");
export const Import = keyword("import");
export const As = keyword("as");
export const From = keyword("from");
export const Table = keyword("table", [CollectionKindKeyword]);
export const Scratch = keyword("scratch", [CollectionKindKeyword]);
export const Input = keyword("input", [CollectionKindKeyword]);
export const Output = keyword("output", [CollectionKindKeyword]);
export const Channel = keyword("channel", [CollectionKindKeyword]);
export const Periodic = keyword("periodic", [CollectionKindKeyword]);
export const Lattice = keyword("lattice", [CollectionKindKeyword]);
export const Key = keyword("key");
export const Seal = keyword("seal");
export const On = keyword("on");
export const Extern = keyword("extern");
export const Fn = keyword("fn");
export const In = keyword("in");
/** true/false are reserved: they are never names. */
export const True = createToken({ name: "True", pattern: /true/, longer_alt: Identifier, categories: [BooleanLiteral] });
export const False = createToken({ name: "False", pattern: /false/, longer_alt: Identifier, categories: [BooleanLiteral] });

// ---- operators and punctuation (longest first where one is a prefix of another) ----
export const UpsertNext = createToken({ name: "UpsertNext", pattern: /<\+-/, categories: [MergeOperator] });
export const MergeNext = createToken({ name: "MergeNext", pattern: /<\+/, categories: [MergeOperator] });
/** `<-` is a merge operator, and in a comparison `x<-5` it is read as `<` then `-5`. */
export const DeleteNext = createToken({ name: "DeleteNext", pattern: /<-/, categories: [MergeOperator] });
export const Send = createToken({ name: "Send", pattern: /<~/, categories: [MergeOperator] });
/** `<=` is both "merge now" and "less or equal". */
export const LessEqual = createToken({
  name: "LessEqual",
  pattern: /<=/,
  categories: [MergeOperator, ComparisonOperator],
});
export const Less = createToken({ name: "Less", pattern: /</, categories: [ComparisonOperator] });
export const GreaterEqual = createToken({ name: "GreaterEqual", pattern: />=/, categories: [ComparisonOperator] });
/** Never `>>`: `map<string, set<int>>` closes two type argument lists. */
export const Greater = createToken({ name: "Greater", pattern: />/, categories: [ComparisonOperator] });
export const EqualEqual = createToken({ name: "EqualEqual", pattern: /==/, categories: [ComparisonOperator] });
export const NotEqual = createToken({ name: "NotEqual", pattern: /!=/, categories: [ComparisonOperator] });
/** `z = x * 2`: binds or compares; at the level of comparisons. */
export const Equal = createToken({ name: "Equal", pattern: /=/, categories: [ComparisonOperator] });
export const Bang = createToken({ name: "Bang", pattern: /!/ });
export const AndAnd = createToken({ name: "AndAnd", pattern: /&&/ });
export const OrOr = createToken({ name: "OrOr", pattern: /\|\|/ });
export const PlusPlus = createToken({ name: "PlusPlus", pattern: /\+\+/, categories: [AdditiveOperator] });
export const Plus = createToken({ name: "Plus", pattern: /\+/, categories: [AdditiveOperator] });
export const Minus = createToken({ name: "Minus", pattern: /-/, categories: [AdditiveOperator] });
export const Star = createToken({ name: "Star", pattern: /\*/, categories: [MultiplicativeOperator] });
export const Slash = createToken({ name: "Slash", pattern: /\//, categories: [MultiplicativeOperator] });
export const Percent = createToken({ name: "Percent", pattern: /%/, categories: [MultiplicativeOperator] });
export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/ });
export const Colon = createToken({ name: "Colon", pattern: /:/ });
export const Dot = createToken({ name: "Dot", pattern: /\./ });
export const At = createToken({ name: "At", pattern: /@/ });

/** The order the lexer tries patterns in: comments before `/`, longer operators first. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedBlockComment,
  QuotedString,
  UnterminatedString,
  Float,
  Duration,
  BadNumber,
  Integer,
  Module,
  Import,
  As,
  From,
  Table,
  Scratch,
  Input,
  Output,
  Channel,
  Periodic,
  Lattice,
  Key,
  Seal,
  On,
  Extern,
  Fn,
  In,
  True,
  False,
  Underscore,
  Identifier,
  UpsertNext,
  MergeNext,
  DeleteNext,
  Send,
  LessEqual,
  Less,
  GreaterEqual,
  Greater,
  EqualEqual,
  NotEqual,
  Equal,
  Bang,
  AndAnd,
  OrOr,
  PlusPlus,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  Comma,
  Semicolon,
  Colon,
  Dot,
  At,
  // Categories last: they have no pattern, but the parser must know them.
  Name,
  Keyword,
  CollectionKindKeyword,
  MergeOperator,
  ComparisonOperator,
  AdditiveOperator,
  MultiplicativeOperator,
  StringLiteral,
  IntegerLiteral,
  BooleanLiteral,
  DurationLiteral,
];

/** How an error message names a token: as the user writes it, or in plain words. */
const describedTokens = new Map<TokenType, string>([
  [Name, "a name"],
  [Identifier, "a name"],
  [Underscore, "`_`"],
  [StringLiteral, "a string"],
  [QuotedString, "a string"],
  [UnterminatedString, "a string"],
  [IntegerLiteral, "a number"],
  [Integer, "a number"],
  [BadNumber, "a number"],
  [Float, "a number"],
  [Duration, "a duration such as `5s`"],
  [DurationLiteral, "a duration such as `5s`"],
  [BooleanLiteral, "`true` or `false`"],
  [MergeOperator, "a rule operator such as `<=`"],
  [ComparisonOperator, "a comparison such as `<`"],
  [AdditiveOperator, "`+`, `-` or `++`"],
  [MultiplicativeOperator, "`*`, `/` or `%`"],
  [CollectionKindKeyword, "a collection kind such as `table`"],
  [UpsertNext, "`<+-`"],
  [MergeNext, "`<+`"],
  [DeleteNext, "`<-`"],
  [Send, "`<~`"],
  [LessEqual, "`<=`"],
  [Less, "`<`"],
  [GreaterEqual, "`>=`"],
  [Greater, "`>`"],
  [EqualEqual, "`==`"],
  [NotEqual, "`!=`"],
  [Equal, "`=`"],
  [Bang, "`!`"],
  [AndAnd, "`&&`"],
  [OrOr, "`||`"],
  [PlusPlus, "`++`"],
  [Plus, "`+`"],
  [Minus, "`-`"],
  [Star, "`*`"],
  [Slash, "`/`"],
  [Percent, "`%`"],
  [LParen, "`(`"],
  [RParen, "`)`"],
  [Comma, "`,`"],
  [Semicolon, "`;`"],
  [Colon, "`:`"],
  [Dot, "`.`"],
  [At, "`@`"],
  [True, "`true`"],
  [False, "`false`"],
]);

export function describeTokenType(type: TokenType): string {
  const known = describedTokens.get(type);
  if (known !== undefined) return known;
  const pattern = type.PATTERN;
  // Keywords: their pattern is the word itself.
  if (pattern instanceof RegExp && /^[a-z]+$/.test(pattern.source)) return `\`${pattern.source}\``;
  return type.name;
}
