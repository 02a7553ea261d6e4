import { describe, expect, it } from "vitest";
import { stratify, stronglyConnectedComponents } from "../compiler/stratify.ts";
import { agg, atom, collection, member, not, program, rule } from "./ir-builders.ts";

const edge = collection("edge", "input", "from: int, to: int");
const node = collection("node", "input", "id: int");
const path = collection("path", "table", "from: int, to: int");
const unreachable = collection("unreachable", "table", "from: int, to: int");
const degree = collection("degree", "table", "id: int, n: int");

describe("stratify", () => {
  it("puts a negation of a recursive collection in a later stratum", () => {
    const { program: p, edges } = program(
      [edge, node, path, unreachable],
      [
        rule("path", "<=", ["x", "y"], [atom("edge", "x", "y")]),
        rule("path", "<=", ["x", "z"], [atom("path", "x", "y"), atom("edge", "y", "z")]),
        rule("unreachable", "<=", ["x", "y"], [atom("node", "x"), atom("node", "y"), not("path", "x", "y")]),
      ],
    );
    const result = stratify(p, edges);
    expect(result.diagnostics).toEqual([]);
    expect(result.strata).toEqual([
      { index: 0, rules: [0, 1], collections: ["path"], recursive: true },
      { index: 1, rules: [2], collections: ["unreachable"], recursive: false },
    ]);
    expect(result.ruleStrata).toEqual([0, 0, 1]);
  });

  it("puts an aggregate strictly after its input and a monotone reader of it in the same stratum", () => {
    const copy = collection("copy", "table", "id: int, n: int");
    const { program: p, edges } = program(
      [edge, path, degree, copy],
      [
        rule("degree", "<=", ["x", agg("count")], [atom("path", "x", "_")]),
        rule("path", "<=", ["x", "y"], [atom("edge", "x", "y")]),
        rule("copy", "<=", ["x", "n"], [atom("degree", "x", "n")]),
      ],
    );
    const result = stratify(p, edges);
    expect(result.diagnostics).toEqual([]);
    expect(result.strata).toEqual([
      { index: 0, rules: [1], collections: ["path"], recursive: false },
      { index: 1, rules: [0, 2], collections: ["degree", "copy"], recursive: false },
    ]);
  });

  it("gives mutually recursive collections one stratum and merges independent ones into it", () => {
    const a = collection("a", "table", "x: int");
    const b = collection("b", "table", "x: int");
    const c = collection("c", "table", "x: int");
    const other = collection("other", "table", "x: int");
    const { program: p, edges } = program(
      [node, a, b, c, other],
      [
        rule("a", "<=", ["x"], [atom("b", "x")]),
        rule("b", "<=", ["x"], [atom("a", "x")]),
        rule("a", "<=", ["x"], [atom("node", "x")]),
        rule("c", "<=", ["x"], [atom("a", "x")]),
        rule("other", "<=", ["x"], [atom("node", "x")]),
      ],
    );
    const result = stratify(p, edges);
    expect(result.diagnostics).toEqual([]);
    expect(result.strata).toEqual([{ index: 0, rules: [0, 1, 2, 3, 4], collections: ["a", "b", "c", "other"], recursive: true }]);
  });

  it("orders the rules of a stratum so one pass in that order reads complete inputs", () => {
    const first = collection("first", "scratch", "x: int");
    const second = collection("second", "scratch", "x: int");
    const { program: p, edges } = program(
      [node, second, first],
      [rule("second", "<=", ["x"], [atom("first", "x")]), rule("first", "<=", ["x"], [atom("node", "x")])],
    );
    const result = stratify(p, edges);
    expect(result.strata).toEqual([{ index: 0, rules: [1, 0], collections: ["first", "second"], recursive: false }]);
  });

  it("marks a self-loop as recursive", () => {
    const { program: p, edges } = program([edge, path], [rule("path", "<=", ["x", "z"], [atom("path", "x", "y"), atom("edge", "y", "z")])]);
    expect(stratify(p, edges).strata[0]!.recursive).toBe(true);
  });

  it("reports a cycle of three rules through a negation at its first rule, naming every rule", () => {
    const a = collection("a", "table", "x: int");
    const b = collection("b", "table", "x: int");
    const c = collection("c", "table", "x: int");
    const { program: p, edges } = program(
      [node, a, b, c],
      [
        rule("c", "<=", ["x"], [atom("node", "x"), not("b", "x")], { line: 9 }),
        rule("a", "<=", ["x"], [atom("c", "x")], { line: 3 }),
        rule("b", "<=", ["x"], [atom("a", "x")], { line: 5 }),
      ],
    );
    const result = stratify(p, edges);
    expect(result.diagnostics).toHaveLength(1);
    const [error] = result.diagnostics;
    expect(error!.code).toBe("HY4001");
    expect(error!.severity).toBe("error");
    expect(error!.message).toBe(
      "cycle through a non-monotone use: `a#1` (line 3) → `b#1` (line 5) → `c#1` (line 9, negation of `b`) → `a#1`",
    );
    expect(error!.span.line).toBe(3);
    expect(error!.span.column).toBe(1);
    expect(error!.related.map((related) => [related.message, related.span?.line])).toEqual([
      ["`a#1` reads `c`", 3],
      ["`b#1` reads `a`", 5],
      ["`c#1` reads `b` (negation of `b`)", 9],
    ]);
  });

  it("reports a rule that negates its own head", () => {
    const a = collection("a", "table", "x: int");
    const { program: p, edges } = program([node, a], [rule("a", "<=", ["x"], [atom("node", "x"), not("a", "x")], { line: 4 })]);
    const [error] = stratify(p, edges).diagnostics;
    expect(error!.message).toBe("cycle through a non-monotone use: `a#1` (line 4, negation of `a`) → `a#1`");
  });

  it("reports an aggregate inside a recursion", () => {
    const a = collection("a", "table", "x: int, n: int");
    const { program: p, edges } = program(
      [node, a],
      [rule("a", "<=", ["x", agg("count")], [atom("a", "x", "_")], { line: 2 })],
    );
    const [error] = stratify(p, edges).diagnostics;
    expect(error!.message).toBe("cycle through a non-monotone use: `a#1` (line 2, aggregate `count` over `a`) → `a#1`");
  });

  it("does not report a recursion that is monotone", () => {
    const { program: p, edges } = program(
      [edge, path],
      [
        rule("path", "<=", ["x", "y"], [atom("edge", "x", "y")]),
        rule("path", "<=", ["x", "z"], [atom("path", "x", "y"), atom("path", "y", "z")]),
      ],
    );
    expect(stratify(p, edges).diagnostics).toEqual([]);
  });

  it("lets a temporal edge break a cycle and puts temporal rules in one last stratum", () => {
    const a = collection("a", "table", "x: int");
    const b = collection("b", "table", "x: int");
    const out = collection("out", "channel", "@to: addr, x: int");
    const { program: p, edges } = program(
      [node, a, b, out],
      [
        rule("a", "<=", ["x"], [atom("node", "x"), not("b", "x")]),
        rule("b", "<+", ["x"], [atom("a", "x")]),
        rule("out", "<~", ["\"peer\"", "x"], [atom("a", "x")]),
        rule("b", "<-", ["x"], [atom("b", "x"), atom("a", "x")]),
      ],
    );
    const result = stratify(p, edges);
    expect(result.diagnostics).toEqual([]);
    expect(result.strata).toEqual([
      { index: 0, rules: [0], collections: ["a"], recursive: false },
      { index: 1, rules: [1, 2, 3], collections: [], recursive: false },
    ]);
    expect(result.ruleStrata).toEqual([0, 1, 1, 1]);
  });

  it("gives a program of only temporal rules a single temporal stratum", () => {
    const a = collection("a", "table", "x: int");
    const { program: p, edges } = program([node, a], [rule("a", "<+", ["x"], [atom("node", "x")])]);
    const result = stratify(p, edges);
    expect(result.strata).toEqual([{ index: 0, rules: [0], collections: [], recursive: false }]);
    expect(result.ruleStrata).toEqual([0]);
  });

  it("places rules without positive atoms", () => {
    const alarm = collection("alarm", "output", "");
    const heartbeat = collection("heartbeat", "input", "n: int");
    const ready = collection("ready", "scratch", "x: int");
    const later = collection("later", "scratch", "x: int");
    const { program: p, edges } = program(
      [alarm, heartbeat, ready, later],
      [
        rule("alarm", "<=", [], [not("heartbeat", "_")]),
        rule("ready", "<=", ["x"], [member("x", "range", 0, 3)]),
        rule("later", "<=", [], [not("ready", "_")]),
      ],
    );
    const result = stratify(p, edges);
    expect(result.strata).toEqual([
      { index: 0, rules: [0, 1], collections: ["alarm", "ready"], recursive: false },
      { index: 1, rules: [2], collections: ["later"], recursive: false },
    ]);
  });

  it("has no strata for a program without rules", () => {
    const { program: p, edges } = program([node], []);
    expect(stratify(p, edges)).toEqual({ strata: [], ruleStrata: [], diagnostics: [] });
  });
});

describe("strongly connected components", () => {
  it("finds components without recursion on a long chain", () => {
    const count = 200_000;
    const successors = Array.from({ length: count }, (_, i) => (i + 1 < count ? [i + 1] : [0]));
    const components = stronglyConnectedComponents(count, successors);
    expect(components).toHaveLength(1);
    expect(components[0]).toHaveLength(count);
  });

  it("separates components and returns them sinks first", () => {
    const components = stronglyConnectedComponents(5, [[1], [2, 3], [1], [4], []]);
    expect(components).toEqual([[4], [3], [1, 2], [0]]);
  });
});
