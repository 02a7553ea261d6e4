// `pair(a, b)`: the constructor of pair<L1, L2> values. Its typing (each side lifted into its
// lattice by the column it is written into, as `entry(k, v)` for maps), the runtime value (a
// 2-element array merged side by side), the CALM reading of lattice values passed through it,
// and that a collection the program names `pair` still reads as an atom.

import { describe, expect, it } from "vitest";
import { parseProgram } from "../compiler/build-ast.ts";
import type { Diagnostic } from "../compiler/diagnostics.ts";
import { buildEdges } from "../compiler/edges.ts";
import { formatProgram } from "../compiler/format/printer.ts";
import { memoryHost } from "../compiler/host.ts";
import type { CheckedProgram, IrEdge } from "../compiler/ir.ts";
import { resolveProgram } from "../compiler/resolve.ts";
import { makeSource } from "../compiler/source.ts";
import { typecheck } from "../compiler/typecheck.ts";
import { builtinImplementations, pair, systemContext } from "../runtime/builtins.ts";
import { builtinMonotonicity, typeBuiltinCall } from "../stdlib/builtins.ts";
import { INT, STRING } from "../compiler/types.ts";
import { nodeOf, outputsOf, tickWith } from "./semantics-harness.ts";

function typed(text: string): { program: CheckedProgram | null; diagnostics: Diagnostic[] } {
  const file = makeSource("/pair/main.hydro", text);
  const parsed = parseProgram(file);
  expect(parsed.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const resolved = resolveProgram({ file, program: parsed.program }, memoryHost({ "/pair/main.hydro": text }));
  expect(resolved.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return typecheck(resolved.program);
}

function errors(text: string): string[] {
  return typed(text)
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`);
}

const DECLARATIONS = `input obs(k: string, n: int, tag: string);
lattice best(k: string; p: pair<max<int>, set<string>>);
`;

describe("pair(a, b): typing", () => {
  it("lifts each side into the pair column's lattices", () => {
    const { program, diagnostics } = typed(`${DECLARATIONS}best(k, pair(n, t)) <= obs(k, n, t);\n`);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const column = program!.rules[0]!.headColumns[1]!;
    expect(column).toMatchObject({
      kind: "call",
      function: "pair",
      extern: false,
      type: { kind: "pair", first: { kind: "max", element: INT }, second: { kind: "set", element: STRING } },
      args: [
        { kind: "lift", type: { kind: "max", element: INT }, value: { kind: "variable" } },
        { kind: "lift", type: { kind: "set", element: STRING }, value: { kind: "variable" } },
      ],
    });
  });

  it("passes lattice values of the right type as they are, and types nested constructors", () => {
    const { program, diagnostics } = typed(
      `lattice hi(k: string; v: max<int>);
lattice tags(k: string; s: set<string>);
lattice per(k: string; p: pair<map<string, max<int>>, set<string>>);
lattice best(k: string; p: pair<max<int>, set<string>>);
best(k, pair(v, s)) <= hi(k, v), tags(k, s);
per(k, pair(entry(k, v), s)) <= hi(k, v), tags(k, s);
`,
    );
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const [copy, nested] = program!.rules;
    expect(copy!.headColumns[1]).toMatchObject({ kind: "call", function: "pair", args: [{ kind: "variable" }, { kind: "variable" }] });
    expect(nested!.headColumns[1]).toMatchObject({
      kind: "call",
      function: "pair",
      args: [{ kind: "call", function: "entry", type: { kind: "map" } }, { kind: "variable" }],
    });
  });

  it("rejects a side that does not lift, a pair where no pair is expected, and a wrong count", () => {
    expect(errors(`${DECLARATIONS}best(k, pair(t, t)) <= obs(k, _, t);\n`)).toEqual([
      "HY3002 3:14 pair: expected a max<int> (a int value) or a value that lifts into it, found string",
    ]);
    expect(errors(`${DECLARATIONS}best(k, pair(n, n)) <= obs(k, n, _);\n`)).toEqual([
      "HY3002 3:17 pair: expected a set<string> or a value that lifts into it, found int",
    ]);
    expect(errors(`${DECLARATIONS}scratch o(k: string);\no(k) <= obs(k, n, t), p = pair(n, t);\n`)[0]).toMatch(
      /^HY3002 4:27 pair: pair\(a, b\) builds a pair value/,
    );
    expect(errors(`${DECLARATIONS}best(k, pair(n)) <= obs(k, n, _);\n`)).toEqual([
      "HY3009 3:9 pair takes 2 arguments, found 1 argument: pair(a: L1, b: L2): pair<L1, L2>",
    ]);
  });

  it("tells what a pair column takes when a plain value is written into it", () => {
    expect(errors(`${DECLARATIONS}best(k, n) <= obs(k, n, _);\n`).join("\n")).toContain("(write pair(a, b))");
  });

  it("is a constructor for the analysis and typed only with an expected pair", () => {
    expect(builtinMonotonicity("pair", [INT, STRING])).toBe("constructor");
    expect(typeBuiltinCall("pair", [INT, STRING])).toMatchObject({ code: "HY3002" });
    const expected = { kind: "pair", first: { kind: "max", element: INT }, second: { kind: "set", element: STRING } } as const;
    expect(typeBuiltinCall("pair", [INT, STRING], expected)).toEqual({ type: expected });
  });

  it("leaves a collection named pair an atom, and formats it back as one", () => {
    const text = "input pair(a: int, b: int);\noutput doubled(a: int);\ndoubled(a) <= pair(a, _), !pair(_, a);\n";
    const { program, diagnostics } = typed(text);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(program!.rules[0]!.atoms.map((a) => a.collection)).toEqual(["pair", "pair"]);
    const file = makeSource("/pair/atoms.hydro", text);
    expect(formatProgram(parseProgram(file).program, file)).toBe(text);
  });
});

describe("pair(a, b): the CALM reading", () => {
  function pairEdges(body: string): IrEdge[] {
    const { program } = typed(
      `lattice hi(k: string; v: max<int>);
lattice lo(k: string; v: min<int>);
lattice tags(k: string; s: set<string>);
lattice best(k: string; p: pair<max<int>, set<string>>);
${body}
`,
    );
    return buildEdges(program!).filter((edge) => edge.rule === program!.rules.length - 1);
  }

  it("keeps lattice values written into the matching sides monotone", () => {
    const edges = pairEdges("best(k, pair(v, s)) <= hi(k, v), tags(k, s);");
    expect(edges.map((edge) => edge.monotone)).toEqual([true, true]);
  });

  it("marks a side read against its lattice's order, and only that atom", () => {
    const edges = pairEdges("best(k, pair(0 - v, s)) <= lo(k, v), tags(k, s);");
    expect(edges.map((edge) => edge.monotone)).toEqual([true, true]);
    const against = pairEdges("best(k, pair(v, s)) <= lo(k, v), tags(k, s);");
    expect(against.map((edge) => edge.monotone)).toEqual([false, true]);
    expect(against[0]!.reasons).toMatchObject([{ kind: "lattice-read", use: "against-direction" }]);
  });
});

describe("pair(a, b): runtime", () => {
  it("builds the 2-element array the pair lattice merges", () => {
    expect(pair(3, "x")).toEqual([3, "x"]);
    expect(builtinImplementations["pair"]!(systemContext("n1"), 1, 2)).toEqual([1, 2]);
  });

  it("merges a pair<max<int>, set<string>> column side by side from two rules", async () => {
    const node = await nodeOf(`
      input score(k: string, n: int);
      input tag(k: string, t: string);
      lattice best(k: string; p: pair<max<int>, set<string>>);
      output seen(k: string, top: int, tags: int);
      lattice hi(k: string; v: max<int>);
      lattice tags(k: string; s: set<string>);
      best(k, pair(n, "scored")) <= score(k, n);
      best(k, pair(0, t)) <= tag(k, t);
      hi(k, n) <= score(k, n);
      tags(k, t) <= tag(k, t);
      seen(k, v, size(s)) <= hi(k, v), tags(k, s), v >= 5;
    `);
    tickWith(node, { score: [["a", 3], ["a", 9], ["b", 1]], tag: [["a", "red"]] });
    expect(node.read("best")).toEqual([
      ["a", [9, ["red", "scored"]]],
      ["b", [1, ["scored"]]],
    ]);
    expect(outputsOf(tickWith(node, { score: [["b", 4]], tag: [["b", "blue"], ["a", "red"]] }))).toEqual({ seen: [["a", 9, 1]] });
    expect(node.read("best")).toEqual([
      ["a", [9, ["red", "scored"]]],
      ["b", [4, ["blue", "scored"]]],
    ]);
  });
});
