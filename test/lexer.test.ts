// The lexer: which token each piece of text becomes, and the lexical diagnostics HY1001–HY1005.

import { describe, expect, it } from "vitest";
import { decodeString, lexSource } from "../grammar/lexer.ts";
import { makeSource } from "../compiler/source.ts";

function lex(text: string) {
  return lexSource(makeSource("lex.hydro", text));
}

function types(text: string): string[] {
  const result = lex(text);
  expect(result.diagnostics).toEqual([]);
  return result.tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

describe("tokens", () => {
  it("keywords, with identifiers that merely start like one", () => {
    expect(types("table tables input2 in _ _x on key true falsey")).toEqual([
      "Table:table",
      "Identifier:tables",
      "Identifier:input2",
      "In:in",
      "Underscore:_",
      "Identifier:_x",
      "On:on",
      "Key:key",
      "True:true",
      "Identifier:falsey",
    ]);
  });

  it("numbers, floats and durations", () => {
    expect(types("42 3.5 1e-3 2.5E+4 250ms 5s 2m 1h")).toEqual([
      "Integer:42",
      "Float:3.5",
      "Float:1e-3",
      "Float:2.5E+4",
      "Duration:250ms",
      "Duration:5s",
      "Duration:2m",
      "Duration:1h",
    ]);
  });

  it("merge operators and comparisons, longest first", () => {
    expect(types("<= <+ <- <+- <~ < <= >= > == != = ! && || ++ + -")).toEqual([
      "LessEqual:<=",
      "MergeNext:<+",
      "DeleteNext:<-",
      "UpsertNext:<+-",
      "Send:<~",
      "Less:<",
      "LessEqual:<=",
      "GreaterEqual:>=",
      "Greater:>",
      "EqualEqual:==",
      "NotEqual:!=",
      "Equal:=",
      "Bang:!",
      "AndAnd:&&",
      "OrOr:||",
      "PlusPlus:++",
      "Plus:+",
      "Minus:-",
    ]);
  });

  it("`>>` is two tokens, so nested type arguments close", () => {
    expect(types("set<set<int>>").slice(-2)).toEqual(["Greater:>", "Greater:>"]);
  });

  it("comments are kept apart from the tokens", () => {
    const result = lex("a // line\n/* block\n */ b / c");
    expect(result.tokens.map((t) => t.image)).toEqual(["a", "b", "/", "c"]);
    expect(result.comments.map((t) => t.image)).toEqual(["// line", "/* block\n */"]);
  });

  it("strings with JSON escapes", () => {
    expect(decodeString('"a\\"b\\n\\t\\\\\\/\\u00e9"').value).toBe('a"b\n\t\\/\u00e9');
    expect(decodeString('"plain"').badEscapes).toEqual([]);
  });
});

describe("lexical diagnostics", () => {
  const codes = (text: string) => lex(text).diagnostics.map((d) => `${d.code}@${d.span.line}:${d.span.column} ${d.message}`);

  it("HY1001 unexpected character", () => {
    expect(codes("a $ b")).toEqual(["HY1001@1:3 unexpected character `$`"]);
    expect(codes("a\n  #?")).toEqual(["HY1001@2:3 unexpected characters `#?`"]);
  });

  it("HY1002 unterminated string and comment", () => {
    expect(codes('x("abc);\ny')).toEqual(['HY1002@1:3 unterminated string: a string must close with `"` on the same line']);
    expect(codes("x /* never closed\n\n")).toEqual(["HY1002@1:3 unterminated comment: `/*` has no closing `*/`"]);
  });

  it("HY1003 invalid number", () => {
    expect(codes("x(12abc)")).toEqual(["HY1003@1:3 invalid number `12abc`"]);
    expect(codes("periodic p(5sec);")).toEqual(["HY1003@1:12 invalid number `5sec`"]);
    expect(codes("x(99999999999999999999)")).toEqual(["HY1003@1:3 integer `99999999999999999999` is too large"]);
  });

  it("HY1005 invalid escape, located at the backslash", () => {
    expect(codes('s("ok\\q", "\\u12")')).toEqual(["HY1005@1:6 invalid escape `\\q` in a string", "HY1005@1:12 invalid escape `\\u12` in a string"]);
  });
});
