// The CheckedProgram the type checker builds: variable slots and types, atom column patterns,
// the binding order's decisions (binding, comparison, membership), head columns with lifts and
// aggregates, rule names, nondeterminism flags, facts; and the built-in signatures.

import { describe, expect, it } from "vitest";
import { parseProgram } from "../compiler/build-ast.ts";
import type { Diagnostic } from "../compiler/diagnostics.ts";
import { memoryHost } from "../compiler/host.ts";
import type { CheckedProgram, CheckedRule, IrExpression } from "../compiler/ir.ts";
import { resolveProgram } from "../compiler/resolve.ts";
import { makeSource } from "../compiler/source.ts";
import { typecheck } from "../compiler/typecheck.ts";
import { FLOAT, INT, STRING, type Type } from "../compiler/types.ts";
import {
  BUILTIN_NAMES,
  builtinMonotonicity,
  builtinResultOrder,
  isNondeterministicBuiltin,
  typeBuiltinCall,
} from "../stdlib/builtins.ts";

function run(text: string, files: Record<string, string> = {}): { program: CheckedProgram | null; diagnostics: Diagnostic[] } {
  const file = makeSource("main.hydro", text);
  const parsed = parseProgram(file);
  expect(parsed.diagnostics).toEqual([]);
  const resolved = resolveProgram({ file, program: parsed.program }, memoryHost(files));
  expect(resolved.diagnostics).toEqual([]);
  return typecheck(resolved.program);
}

function check(text: string, files: Record<string, string> = {}): CheckedProgram {
  const { program, diagnostics } = run(text, files);
  expect(diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`)).toEqual([]);
  return program!;
}

function errors(text: string): Diagnostic[] {
  const { program, diagnostics } = run(text);
  expect(program).toBeNull();
  return diagnostics.filter((d) => d.severity === "error");
}

/** The rule's IR without spans, for compact comparisons. */
function strip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === "span" || key.endsWith("Span") ? undefined : v)));
}

function lastRule(program: CheckedProgram): CheckedRule {
  return strip(program.rules.at(-1)!);
}

const variable = (slot: number, type: Type): IrExpression => ({ kind: "variable", variable: slot, type }) as IrExpression;
const constant = (value: number | string | boolean, type: Type): IrExpression => ({ kind: "constant", value, type }) as IrExpression;

describe("variables and atoms", () => {
  it("binds plain variables, matches constants and expressions, ignores _", () => {
    const rule = lastRule(check("table e(a: int, b: int, c: string);\nscratch p(a: int);\np(x) <= e(x, 3, _), e(y, x + 1, \"s\"), x < y;"));
    expect(rule.variables).toEqual([
      { name: "x", type: INT, wildcard: false },
      { name: "y", type: INT, wildcard: false },
    ]);
    expect(rule.atoms).toEqual([
      { collection: "e", negated: false, columns: [{ kind: "bind", variable: 0 }, { kind: "match", value: constant(3, INT) }, { kind: "ignore" }], columnVariables: [0, null, null] },
      {
        collection: "e",
        negated: false,
        columns: [
          { kind: "bind", variable: 1 },
          { kind: "match", value: { kind: "binary", operator: "+", left: variable(0, INT), right: constant(1, INT), type: INT } },
          { kind: "match", value: constant("s", STRING) },
        ],
        columnVariables: [1, null, null],
      },
    ]);
    expect(rule.literals.map((l) => l.kind)).toEqual(["atom", "atom", "condition"]);
  });

  it("keeps a lattice column's type on its variable, and reads it as its value", () => {
    const rule = lastRule(check("lattice best(k: string; cost: min<int>);\nscratch cheap(k: string, c: int);\ncheap(k, c) <= best(k, c), c < 10;"));
    expect(rule.variables[1]).toEqual({ name: "c", type: { kind: "min", element: INT }, wildcard: false });
    expect(rule.headColumns[1]).toEqual(variable(1, { kind: "min", element: INT }));
    expect(rule.literals[1]).toMatchObject({ kind: "condition", predicate: { operator: "<", left: variable(1, { kind: "min", element: INT }) } });
  });

  it("records where a variable is first bound", () => {
    const program = check("table e(a: int);\nscratch p(a: int);\np(x) <= x = y * 2, e(y);");
    expect(program.rules[0]!.variables.map((v) => [v.name, v.span.line, v.span.column])).toEqual([
      ["x", 3, 9],
      ["y", 3, 22],
    ]);
  });

  it("makes each _ of an aggregating rule a variable of its own, omitted named columns too", () => {
    const rule = lastRule(check("table path(a: int, b: int, c: int);\nscratch n(c: int);\nn(count()) <= path(c: 1);"));
    expect(rule.variables).toEqual([
      { name: "_", type: INT, wildcard: true },
      { name: "_", type: INT, wildcard: true },
    ]);
    expect(rule.atoms[0]!.columns).toEqual([
      { kind: "bind", variable: 0 },
      { kind: "bind", variable: 1 },
      { kind: "match", value: constant(1, INT) },
    ]);
  });

  it("leaves _ in a negated atom ignored even when the rule aggregates", () => {
    const rule = lastRule(check("table a(x: int, y: int);\nscratch n(c: int);\nn(count(x)) <= a(x, _), !a(_, x);"));
    expect(rule.atoms[1]).toMatchObject({ negated: true, columns: [{ kind: "ignore" }, { kind: "bind", variable: 0 }] });
    expect(rule.variables.filter((v) => v.wildcard)).toHaveLength(1);
  });

  it("rejects a join of differently typed columns, pointing at the binding", () => {
    const [error] = errors("table a(x: int);\ntable b(x: string);\nscratch c(x: int);\nc(x) <= a(x), b(x);");
    expect(error).toMatchObject({ code: "HY3002", span: { line: 4, column: 17 } });
    expect(error!.message).toBe("expected int (the type of `x`), found string (column `x` of `b`)");
    expect(error!.related[0]!.span!.column).toBe(11);
  });
});

describe("the binding order", () => {
  it("binds with `=` in either direction, through a chain, in source order", () => {
    const rule = lastRule(check("table e(a: int);\nscratch p(a: int, b: int, c: int);\np(x, y, z) <= y = z + 1, x * 2 = z, e(x);"));
    const slot = (name: string) => rule.variables.findIndex((v) => v.name === name);
    expect(rule.literals).toEqual([
      { kind: "binding", variable: slot("y"), value: { kind: "binary", operator: "+", left: variable(slot("z"), INT), right: constant(1, INT), type: INT } },
      { kind: "binding", variable: slot("z"), value: { kind: "binary", operator: "*", left: variable(slot("x"), INT), right: constant(2, INT), type: INT } },
      { kind: "atom", atom: 0 },
    ]);
  });

  it("compares with `=` when both sides are bound, preferring atoms to bind", () => {
    const rule = lastRule(check("table e(a: int);\nscratch p(a: int);\np(x) <= x = y, e(x), e(y);"));
    expect(rule.literals[0]).toEqual({ kind: "condition", predicate: { kind: "binary", operator: "==", left: variable(0, INT), right: variable(1, INT), type: { kind: "bool" } } });
  });

  it("binds with `in` over sets, map keys and ranges, and tests when already bound", () => {
    const program = check(`
      lattice s(k: string; v: set<int>);
      lattice m(k: string; v: map<string, max<int>>);
      table n(x: int);
      scratch out(k: string, x: int);
      out(k, x) <= s(k, v), x in v;
      out(j, x) <= m(_, mm), j in keys(mm), x in range(0, 3);
      out(k, x) <= s(k, v), n(x), x in v, x in range(0, 10);
    `);
    const [sets, keys, tests] = program.rules.map(strip);
    expect(sets!.literals[1]).toEqual({ kind: "membership", variable: 2, mode: "set", sources: [variable(1, { kind: "set", element: INT })] });
    expect(sets!.variables[2]!.type).toEqual(INT);
    expect(keys!.literals[1]).toMatchObject({ kind: "membership", mode: "keys" });
    expect(keys!.literals[2]).toMatchObject({ kind: "membership", mode: "range", sources: [constant(0, INT), constant(3, INT)] });
    expect(keys!.variables.find((v) => v.name === "j")!.type).toEqual(STRING);
    expect(tests!.literals[2]).toMatchObject({ kind: "condition", predicate: { kind: "call", function: "contains" } });
    expect(tests!.literals[3]).toMatchObject({ kind: "condition", predicate: { kind: "binary", operator: "&&" } });
  });

  it("reports each unbound variable once, at its first occurrence", () => {
    const found = errors("table a(x: int);\nscratch b(x: int, y: int);\nb(x, y) <= a(x), z = y + 1, !a(y);");
    expect(found.map((d) => `${d.code} ${d.span.line}:${d.span.column}`)).toEqual(["HY3003 3:6"]);
    expect(found[0]!.message).toContain("`y`");
  });

  it("accepts a rule with no positive atom", () => {
    const rule = lastRule(check("input heartbeat(n: addr);\nscratch alarm();\nalarm() <= !heartbeat(_);"));
    expect(rule.atoms).toEqual([{ collection: "heartbeat", negated: true, columns: [{ kind: "ignore" }], columnVariables: [null] }]);
    expect(rule.headColumns).toEqual([]);
  });
});

describe("head columns", () => {
  it("lifts base values into lattice columns and passes lattice values as they are", () => {
    const rule = lastRule(
      check(`
        table t(k: string, n: int, b: bool);
        lattice l(k: string; s: set<int>, hi: max<int>, c: counter, any_true: bool_or, m: map<string, min<float>>);
        lattice copy(k: string; s: set<int>);
        l(k, n, n, n, b, entry(k, n)) <= t(k, n, b);
      `),
    );
    const n = variable(1, INT);
    expect(rule.headColumns.slice(1)).toEqual([
      { kind: "lift", value: n, type: { kind: "set", element: INT } },
      { kind: "lift", value: n, type: { kind: "max", element: INT } },
      { kind: "lift", value: n, type: { kind: "counter" } },
      { kind: "lift", value: variable(2, { kind: "bool" }), type: { kind: "bool_or" } },
      {
        kind: "call",
        function: "entry",
        extern: false,
        nondeterministic: false,
        args: [variable(0, STRING), { kind: "lift", value: n, type: { kind: "min", element: FLOAT } }],
        type: { kind: "map", key: STRING, value: { kind: "min", element: FLOAT } },
      },
    ]);
    const copy = lastRule(check("lattice l(k: string; s: set<int>);\nlattice copy(k: string; s: set<int>);\ncopy(k, s) <= l(k, s);"));
    expect(copy.headColumns[1]).toEqual(variable(1, { kind: "set", element: INT }));
  });

  it("writes lww registers with entry_lww, and rejects a bare value", () => {
    const rule = lastRule(check('lattice store(k: string; v: lww<string>);\ntable w(k: string, t: int, v: string);\nstore(k, entry_lww(t, "n1", v)) <= w(k, t, v);'));
    expect(rule.headColumns[1]).toMatchObject({ kind: "call", function: "entry_lww", type: { kind: "lww", element: STRING } });
    const [error] = errors("lattice store(k: string; v: lww<string>);\ntable w(k: string, v: string);\nstore(k, v) <= w(k, v);");
    expect(error).toMatchObject({ code: "HY3002", span: { line: 3, column: 10 } });
    expect(error!.message).toContain("entry_lww(timestamp, node, value)");
  });

  it("turns aggregates into aggregate results, lifted into lattice columns", () => {
    const rule = lastRule(
      check("table t(k: string, n: int);\nlattice best(k: string; top: max<int>, all: set<int>, avg: max<float>);\nbest(k, max(n), collect(n), avg(n)) <= t(k, n);"),
    );
    expect(rule.aggregates).toEqual([
      { function: "max", argument: variable(1, INT), type: INT },
      { function: "collect", argument: variable(1, INT), type: { kind: "set", element: INT } },
      { function: "avg", argument: variable(1, INT), type: FLOAT },
    ]);
    expect(rule.headColumns).toEqual([
      variable(0, STRING),
      { kind: "lift", value: { kind: "aggregateResult", index: 0, type: INT }, type: { kind: "max", element: INT } },
      { kind: "aggregateResult", index: 1, type: { kind: "set", element: INT } },
      { kind: "lift", value: { kind: "aggregateResult", index: 2, type: FLOAT }, type: { kind: "max", element: FLOAT } },
    ]);
  });

  it("takes a head's named form in any order", () => {
    const rule = lastRule(check("table t(a: int, b: string);\ntable u(a: int, b: string);\nu(b: y, a: x) <= t(x, y);"));
    expect(rule.headColumns).toEqual([variable(0, INT), variable(1, STRING)]);
  });

  it("accepts strings as addrs and ints as floats", () => {
    const program = check('channel c(@to: addr, v: float);\ntable t(who: string, n: int);\nc(who, n) <~ t(who, n);\nc("node", 1) <~ t(_, _);');
    expect(program.rules[1]!.headColumns.map((c) => strip(c))).toEqual([constant("node", { kind: "addr" }), constant(1, FLOAT)]);
  });
});

describe("expressions", () => {
  it("types arithmetic: int with int is int, a float makes a float", () => {
    const rule = lastRule(check("table t(i: int, f: float);\nscratch o(a: int, b: float, c: float);\no(i / 2 % 3, i * f, -f) <= t(i, f);"));
    expect(rule.headColumns.map((c) => (c as { type: Type }).type)).toEqual([INT, FLOAT, FLOAT]);
  });

  it("joins strings with ++ only, and says how to convert", () => {
    const [error] = errors("table t(i: int);\nscratch o(s: string);\no(\"n\" ++ i) <= t(i);");
    expect(error).toMatchObject({ code: "HY3002", span: { line: 3, column: 10 }, help: "`++` joins strings; convert other values with to_string(x)" });
  });

  it("uses sets and maps only through their functions", () => {
    const [arithmetic] = errors("lattice s(k: int; v: set<int>);\nscratch o(n: int);\no(v + 1) <= s(_, v);");
    expect(arithmetic).toMatchObject({ code: "HY3002", message: "expected a number before `+`, found set<int>" });
    const [overMap] = errors("lattice m(k: int; v: map<int, max<int>>);\nscratch o(n: int);\no(x) <= m(_, v), x in v;");
    expect(overMap).toMatchObject({ code: "HY3002", help: "to range over a map's keys, write `k in keys(m)`" });
  });

  it("keeps entry and range where they mean something", () => {
    expect(errors("table t(i: int);\nscratch o(n: int);\no(i) <= t(i), e = entry(i, i);")[0]).toMatchObject({ code: "HY3002", span: { column: 19 } });
    expect(errors("table t(i: int);\nscratch o(n: int);\no(size(range(0, i))) <= t(i);")[0]).toMatchObject({ code: "HY3002", span: { column: 8 } });
  });

  it("marks nondeterministic calls: built-ins and @nondet externs", () => {
    const program = check(
      'extern fn roll(n: int): int from "./dice.ts";\n@nondet("random") extern fn roll2(n: int): int from "./dice.ts";\ntable t(i: int);\nscratch o(a: int, b: int, c: float, d: string);\no(roll(i), roll2(i), random(), uuid()) <= t(i), now() > 0;',
      { "dice.ts": "" },
    );
    const rule = lastRule(program);
    expect(rule.headColumns.map((c) => (c as { nondeterministic: boolean }).nondeterministic)).toEqual([false, true, true, true]);
    expect(rule.headColumns[0]).toMatchObject({ kind: "call", function: "roll", extern: true });
    expect(rule.literals[1]).toMatchObject({ predicate: { left: { function: "now", nondeterministic: true } } });
    expect(program.externs.map((e) => [e.name, e.nondeterministic])).toEqual([
      ["roll", false],
      ["roll2", true],
    ]);
  });

  it("checks extern arguments against their parameters", () => {
    const found = run('extern fn f(n: int): int from "./f.ts";\ntable t(s: string);\nscratch o(n: int);\no(f(s)) <= t(s);\no(f(1, 2)) <= t(_);', { "f.ts": "" }).diagnostics;
    expect(found.map((d) => `${d.code} ${d.span.line}:${d.span.column}`)).toEqual(["HY3002 4:5", "HY3009 5:3"]);
  });
});

describe("rules and facts", () => {
  it("names rules head#n, or by @name, and keeps the acknowledgements", () => {
    const program = check(
      'table e(a: int);\nscratch p(a: int);\np(x) <= e(x);\n@name("second") @coordinated("why")\np(x) <+ e(x);\n@nondet("clock")\np(x) <= e(x), now() > x;\ne(x) <= p(x);',
    );
    expect(program.rules.map((r) => [r.id, r.name, r.head, r.operator, r.acknowledged])).toEqual([
      [0, "p#1", "p", "<=", {}],
      [1, "second", "p", "<+", { coordinated: "why" }],
      [2, "p#3", "p", "<=", { nondet: "clock" }],
      [3, "e#1", "e", "<=", {}],
    ]);
  });

  it("rejects two rules of the same name", () => {
    const [error] = errors('table e(a: int);\n@name("x")\ne(1) <= e(_);\n@name("x")\ne(2) <= e(_);');
    expect(error).toMatchObject({ code: "HY2002", span: { line: 4, column: 1 } });
  });

  it("builds facts as constants, lifted into lattice columns, into any collection", () => {
    const program = check(
      'lattice best(k: string; c: min<int>);\nlattice total: max<int>;\nchannel ping(@to: addr, n: float);\nbest("a", 3);\ntotal(7);\nping("peer", 2);\nping(me(), -1.5);',
    );
    expect(program.facts.map((f) => strip(f))).toEqual([
      { collection: "best", values: [constant("a", STRING), { kind: "lift", value: constant(3, INT), type: { kind: "min", element: INT } }] },
      { collection: "total", values: [{ kind: "lift", value: constant(7, INT), type: { kind: "max", element: INT } }] },
      { collection: "ping", values: [constant("peer", { kind: "addr" }), constant(2, FLOAT)] },
      {
        collection: "ping",
        values: [
          { kind: "call", function: "me", extern: false, nondeterministic: false, args: [], type: { kind: "addr" } },
          expect.objectContaining({ type: FLOAT }),
        ],
      },
    ]);
  });
});

describe("schemas", () => {
  it("builds collections: keys, channel destinations, periodics, scalar lattices", () => {
    const program = check("table t(a: int, b: string, c: int) key(c, a);\ntable one(x: int) key();\nchannel c(x: int, @to: addr);\nperiodic tick(250ms);\nlattice total: counter;");
    expect(program.collections.map((c) => strip(c))).toEqual([
      { name: "t", kind: "table", columns: [{ name: "a", type: INT, lattice: false }, { name: "b", type: STRING, lattice: false }, { name: "c", type: INT, lattice: false }], key: [2, 0], addressColumn: null, periodMs: null, scalar: false },
      { name: "one", kind: "table", columns: [{ name: "x", type: INT, lattice: false }], key: [], addressColumn: null, periodMs: null, scalar: false },
      { name: "c", kind: "channel", columns: [{ name: "x", type: INT, lattice: false }, { name: "to", type: { kind: "addr" }, lattice: false }], key: null, addressColumn: 1, periodMs: null, scalar: false },
      { name: "tick", kind: "periodic", columns: [{ name: "n", type: INT, lattice: false }], key: null, addressColumn: null, periodMs: 250, scalar: false },
      { name: "total", kind: "lattice", columns: [{ name: "value", type: { kind: "counter" }, lattice: true }], key: null, addressColumn: null, periodMs: null, scalar: true },
    ]);
  });

  it("resolves nested lattice types", () => {
    const program = check("lattice l(k: string; v: map<string, pair<max<int>, set<addr>>>);");
    expect(program.collections[0]!.columns[1]!.type).toEqual({
      kind: "map",
      key: STRING,
      value: { kind: "pair", first: { kind: "max", element: INT }, second: { kind: "set", element: { kind: "addr" } } },
    });
  });
});

describe("built-in signatures", () => {
  it("lists every built-in of LANGUAGE.md §4, and which are nondeterministic", () => {
    for (const name of ["len", "lower", "upper", "substr", "contains", "matches", "abs", "min2", "max2", "pow", "to_string", "to_int", "to_float", "hash", "me", "size", "entry", "at", "keys", "range", "now", "random", "uuid"]) {
      expect(BUILTIN_NAMES).toContain(name);
    }
    expect(BUILTIN_NAMES.filter(isNondeterministicBuiltin)).toEqual(["now", "random", "uuid"]);
    expect(typeBuiltinCall("nope", [])).toBeUndefined();
  });

  it("types calls by their arguments", () => {
    expect(typeBuiltinCall("pow", [INT, INT])).toEqual({ type: INT });
    expect(typeBuiltinCall("pow", [INT, FLOAT])).toEqual({ type: FLOAT });
    expect(typeBuiltinCall("min2", [STRING, { kind: "addr" }])).toEqual({ type: STRING });
    expect(typeBuiltinCall("contains", [{ kind: "set", element: INT }, INT])).toEqual({ type: { kind: "bool" } });
    expect(typeBuiltinCall("contains", [{ kind: "set", element: INT }, STRING])).toMatchObject({ code: "HY3002", argument: 1 });
    expect(typeBuiltinCall("at", [{ kind: "map", key: STRING, value: { kind: "counter" } }, STRING])).toEqual({ type: { kind: "counter" } });
    expect(typeBuiltinCall("len", [{ kind: "lww", element: STRING }])).toEqual({ type: INT });
    expect(typeBuiltinCall("len", [])).toMatchObject({ code: "HY3009" });
    expect(typeBuiltinCall("entry", [STRING, INT])).toMatchObject({ code: "HY3002" });
  });

  it("tags how results move as lattice arguments grow", () => {
    const set: Type = { kind: "set", element: INT };
    expect(builtinMonotonicity("size", [set])).toBe("grows-like-max");
    expect(builtinResultOrder("size", [set])).toEqual({ kind: "max", element: INT });
    expect(builtinMonotonicity("contains", [set, INT])).toBe("grows-like-bool_or");
    expect(builtinMonotonicity("contains", [STRING, STRING])).toBe("pure");
    expect(builtinMonotonicity("now", [])).toBe("nondeterministic");
    expect(builtinMonotonicity("keys", [{ kind: "map", key: INT, value: set }])).toBe("lattice-part");
  });
});
