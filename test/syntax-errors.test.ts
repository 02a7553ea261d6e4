// One test per kind of lexical or syntax error: its code and where it points, plus a golden file
// of the rendered messages (`file:line:col code message`, then any help; regenerate with
// UPDATE_GOLDEN=1).
// Also: every error of a file is reported in one run, and the items between errors still parse.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseProgram } from "../compiler/build-ast.ts";
import { makeSource } from "../compiler/source.ts";

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "golden", "syntax", "errors.txt");

interface Case {
  readonly name: string;
  readonly text: string;
  /** code, line, column of the one diagnostic expected. */
  readonly expect: readonly [string, number, number];
}

const cases: readonly Case[] = [
  { name: "missing-rule-semicolon", text: "a(x) <= b(x)\nc(x) <= d(x);\n", expect: ["HY1004", 2, 1] },
  { name: "missing-comma-between-literals", text: "path(x) <= edge(x, y) foo(y);\n", expect: ["HY1004", 1, 23] },
  { name: "missing-column-type", text: "table t(a: int, b: );\n", expect: ["HY1004", 1, 20] },
  { name: "missing-column-colon", text: "table kvs(key string);\n", expect: ["HY1004", 1, 15] },
  { name: "unclosed-type-arguments", text: "lattice l(k: int; v: max<int);\n", expect: ["HY1004", 1, 29] },
  { name: "missing-closing-parenthesis", text: "a(x <= b(x);\n", expect: ["HY1004", 1, 12] },
  { name: "empty-body-literal", text: "r(x) <= a(x), ;\n", expect: ["HY1004", 1, 15] },
  { name: "empty-body", text: "r(x) <= ;\n", expect: ["HY1004", 1, 9] },
  { name: "chained-comparison", text: "q(x) <= r(x, y, z), x < y < z;\n", expect: ["HY1004", 1, 27] },
  { name: "module-without-name", text: "module ;\n", expect: ["HY1004", 1, 8] },
  { name: "import-without-path", text: "import delivery as d;\n", expect: ["HY1004", 1, 8] },
  { name: "import-without-alias", text: 'import "std/delivery";\n', expect: ["HY1004", 1, 22] },
  { name: "extern-without-return-type", text: 'extern fn f(a: int) int from "./f.ts";\n', expect: ["HY1004", 1, 21] },
  { name: "misspelled-declaration", text: "tabel foo(a: int);\n", expect: ["HY1004", 1, 1] },
  { name: "seal-without-on", text: "seal ack (id);\n", expect: ["HY1004", 1, 10] },
  { name: "key-without-parentheses", text: "table t(a: int) key a;\n", expect: ["HY1004", 1, 21] },
  { name: "annotation-on-declaration", text: '@name("x") table t(a: int);\n', expect: ["HY1004", 1, 1] },
  { name: "annotation-without-string", text: "@name(x) r(x) <= s(x);\n", expect: ["HY1004", 1, 7] },
  { name: "missing-semicolon-at-end", text: "table t(a: int);\nt(1)", expect: ["HY1004", 2, 5] },
  { name: "named-argument-in-function-call", text: "r(x) <= s(x), len(s: x) > 2;\n", expect: ["HY1004", 1, 19] },
  { name: "module-collection-as-value", text: "r(d.f(x)) <= s(x);\n", expect: ["HY1004", 1, 3] },
  { name: "mixed-named-and-positional", text: "r(x) <= s(x, key: y);\n", expect: ["HY1004", 1, 11] },
  { name: "aggregate-with-two-arguments", text: "r(sum(x, y)) <= s(x, y);\n", expect: ["HY3008", 1, 3] },
  { name: "unexpected-character", text: "r(x) <= s(x) # t(x);\n", expect: ["HY1001", 1, 14] },
  { name: "unterminated-string", text: 'f("abc);\ng(1);\n', expect: ["HY1002", 1, 3] },
  { name: "unterminated-comment", text: "g(1);\n/* open\ng(2);\n", expect: ["HY1002", 2, 1] },
  { name: "invalid-number", text: "f(12abc);\n", expect: ["HY1003", 1, 3] },
  { name: "invalid-duration", text: "periodic p(5sec);\n", expect: ["HY1003", 1, 12] },
  { name: "invalid-escape", text: 'f("a\\qb");\n', expect: ["HY1005", 1, 5] },
];

function render(name: string, text: string): string[] {
  return parseProgram(makeSource(`${name}.hydro`, text)).diagnostics.flatMap((d) => [
    `${d.span.file}:${d.span.line}:${d.span.column} ${d.code} ${d.message}`,
    ...(d.help === undefined ? [] : [`    help: ${d.help}`]),
  ]);
}

describe("one diagnostic per kind of error, at the offending token", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const { diagnostics } = parseProgram(makeSource(`${testCase.name}.hydro`, testCase.text));
      expect(diagnostics.map((d) => [d.code, d.span.line, d.span.column])).toEqual([testCase.expect]);
      for (const d of diagnostics) {
        // Plain words: never chevrotain's token names or its "Expecting: one of these" dumps.
        expect(d.message).not.toMatch(/Expecting|Semicolon|LParen|RParen|Identifier|-->|<--/);
      }
    });
  }
});

describe("golden messages", () => {
  it("match test/golden/syntax/errors.txt", () => {
    const rendered = cases.flatMap((c) => render(c.name, c.text)).join("\n") + "\n";
    if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(GOLDEN)) {
      if (process.env["UPDATE_GOLDEN"] !== "1") throw new Error(`missing ${GOLDEN}: run with UPDATE_GOLDEN=1`);
      mkdirSync(dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, rendered);
    }
    expect(rendered).toBe(readFileSync(GOLDEN, "utf8"));
  });
});

describe("every error of a file in one run", () => {
  it("reports three separate syntax errors and parses the items between them", () => {
    const text = [
      "table edge(a: int, b: int);",
      "table path(a: int, b: int);",
      "path(x, y) <= edge(x, y) edge(y, z);", // missing comma
      "scratch broken(a: );", // missing type
      "path(x, z) <= edge(x, y), path(y, z);",
      "periodic tick(1s)", // missing semicolon before the next declaration keyword…
      ";",
      "edge(1 2);", // missing comma in a fact
      "edge(2, 3);",
    ].join("\n");
    const { program, diagnostics } = parseProgram(makeSource("three.hydro", text));
    expect(diagnostics.map((d) => [d.code, d.span.line])).toEqual([
      ["HY1004", 3],
      ["HY1004", 4],
      ["HY1004", 8],
    ]);
    const names = program.items.map((item) =>
      item.kind === "collection" ? `${item.collectionKind} ${item.name.name}` : item.kind === "rule" ? `rule ${item.head.target.name.name}` : item.kind,
    );
    expect(names).toContain("rule path");
    expect(names).toContain("periodic tick");
    expect(names.filter((n) => n === "fact").length).toBeGreaterThanOrEqual(1);
    expect(names.slice(0, 2)).toEqual(["table edge", "table path"]);
  });

  it("reports lexical and syntax errors together, without a syntax error for the lexical one", () => {
    const text = 'f("a\\q");\ng(1 $);\nh(x) <= ;\n';
    const { diagnostics } = parseProgram(makeSource("mixed.hydro", text));
    expect(diagnostics.map((d) => `${d.code}@${d.span.line}`)).toEqual(["HY1005@1", "HY1001@2", "HY1004@3"]);
  });
});
