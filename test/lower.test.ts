import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { IrProgram } from "../compiler/ir.ts";
import { printPlan } from "../compiler/ir-print.ts";
import { planProgram } from "../compiler/lower.ts";
import { variablesOf } from "../compiler/plan-rule.ts";
import { stratify } from "../compiler/stratify.ts";
import { agg, atom, bin, bind, call, collection, k, member, not, program, rule, where, type BuiltProgram } from "./ir-builders.ts";

const r = collection("r", "input", "a: int, b: int");
const s = collection("s", "input", "c: int, d: int");
const t = collection("t", "input", "e: int, f: int");
const one = collection("one", "input", "x: int");
const done = collection("done", "table", "x: int");
const q = collection("q", "table", "x: int, y: int");
const q1 = collection("q1", "table", "x: int");
const edge = collection("edge", "input", "from: int, to: int");
const path = collection("path", "table", "from: int, to: int");
const sets = collection("sets", "input", "id: int; members: set<int>");

function lower(built: BuiltProgram): IrProgram {
  const stratification = stratify(built.program, built.edges);
  expect(stratification.diagnostics).toEqual([]);
  return planProgram(built.program, built.edges, stratification);
}

/** The plans of one rule, as printed lines. */
function plans(built: BuiltProgram, ruleIndex = 0): string[][] {
  const ir = lower(built);
  const rule = ir.rules[ruleIndex]!;
  return rule.plans.map((plan) => printPlan(ir, rule, plan));
}

describe("join order", () => {
  it("follows shared variables and avoids a cross product", () => {
    const built = program([r, s, t, q], [rule("q", "<=", ["x", "z"], [atom("r", "x", "y"), atom("s", "z", "w"), atom("t", "y", "z")])]);
    expect(plans(built)).toEqual([
      ["plan", "scan r (x, y)", "join t on (e: y) → (f: z)", "join s on (c: z) → (d: w)", "sink merge q (x, z)"],
    ]);
  });

  it("starts from the atom with a constant", () => {
    const built = program([r, s, q1], [rule("q1", "<=", ["x"], [atom("r", "x", "y"), atom("s", 1, "y")])]);
    expect(plans(built)).toEqual([["plan", "scan s (1, y)", "join r on (b: y) → (a: x)", "sink merge q1 (x)"]]);
  });

  it("prefers the atom sharing more bound variables, in source order on ties", () => {
    const built = program(
      [r, s, t, q],
      [rule("q", "<=", ["x", "y"], [atom("r", "x", "y"), atom("s", "x", "z"), atom("t", "x", "y")])],
    );
    expect(plans(built)[0]).toEqual([
      "plan",
      "scan r (x, y)",
      "join t on (e: x, f: y)",
      "join s on (c: x) → (d: z)",
      "sink merge q (x, y)",
    ]);
  });

  it("makes a cross product only when nothing is shared", () => {
    const built = program([r, s, q], [rule("q", "<=", ["x", "z"], [atom("r", "x", "_"), atom("s", "z", "_")])]);
    expect(plans(built)[0]).toEqual(["plan", "scan r (x, _)", "join s on () → (c: z)", "sink merge q (x, z)"]);
  });

  it("waits for the variables of a written column value", () => {
    const built = program([r, one, q1], [rule("q1", "<=", ["x"], [atom("r", "x", bin("+", "y", 1)), atom("one", "y")])]);
    expect(plans(built)[0]).toEqual(["plan", "scan one (y)", "join r on (b: y + 1) → (a: x)", "sink merge q1 (x)"]);
  });

  it("binds a helper when two written values wait for each other", () => {
    const built = program(
      [r, s, q],
      [rule("q", "<=", ["x", "y"], [atom("r", "x", bin("+", "y", 1)), atom("s", "y", bin("+", "x", 1))])],
    );
    const ir = lower(built);
    // q is a growing table: its incremental plan starting from s needs a helper of its own.
    expect(ir.rules[0]!.variables.map((variable) => variable.name)).toEqual(["x", "y", "r.b", "s.d"]);
    expect(printPlan(ir, ir.rules[0]!, ir.rules[0]!.plans[0]!)).toEqual([
      "plan",
      "scan r (x, r.b)",
      "join s on (d: x + 1) → (c: y)",
      "filter r.b == y + 1",
      "sink merge q (x, y)",
    ]);
  });

  it("turns a variable bound before the first atom into a join key", () => {
    const built = program([r, q1], [rule("q1", "<=", ["y"], [bind("x", 5), atom("r", "x", "y")])]);
    expect(plans(built)[0]).toEqual(["plan", "map x = 5", "join r on (a: x) → (b: y)", "sink merge q1 (y)"]);
  });
});

describe("placement of filters, bindings, memberships and negations", () => {
  it("places each step right after its variables are bound", () => {
    const built = program(
      [r, s, q, done],
      [
        rule("q", "<=", ["x", "z"], [
          atom("r", "x", "y"),
          where(bin("!=", "z", "x")),
          atom("s", "y", "z"),
          where(bin(">", "x", 3)),
          bind("w", bin("*", "x", 2)),
          not("done", "w"),
        ]),
      ],
    );
    expect(plans(built)[0]).toEqual([
      "plan",
      "scan r (x, y)",
      "filter x > 3",
      "map w = x * 2",
      "antijoin done on (x: w)",
      "join s on (c: y) → (d: z)",
      "filter z != x",
      "sink merge q (x, z)",
    ]);
  });

  it("flattens a set once the set is bound, and compares when the element is bound already", () => {
    const built = program(
      [sets, one, q],
      [
        rule("q", "<=", ["i", "x"], [atom("sets", "i", "m"), member("x", "set", "m")]),
        rule("q", "<=", ["i", "x"], [atom("one", "x"), atom("sets", "i", "m"), member("x", "set", "m")]),
      ],
    );
    expect(plans(built, 0)[0]).toEqual(["plan", "scan sets (i, m)", "flatten x in m", "sink merge q (i, x)"]);
    expect(plans(built, 1)[0]).toEqual([
      "plan",
      "scan one (x)",
      "join sets on () → (id: i, members: m)",
      "flatten x' in m",
      "filter x' == x",
      "sink merge q (i, x)",
    ]);
  });

  it("compares a binding whose variable an atom bound first", () => {
    const built = program([r, q1], [rule("q1", "<=", ["x"], [atom("r", "x", "y"), bind("y", bin("+", "x", 1))])]);
    expect(plans(built)[0]).toEqual(["plan", "scan r (x, y)", "filter y == x + 1", "sink merge q1 (x)"]);
  });

  it("plans rules without a positive atom from one empty binding", () => {
    const alarm = collection("alarm", "output", "");
    const heartbeat = collection("heartbeat", "input", "n: int");
    const built = program(
      [alarm, heartbeat, q1],
      [rule("alarm", "<=", [], [not("heartbeat", "_")]), rule("q1", "<=", ["x"], [member("x", "range", 0, 3)])],
    );
    expect(plans(built, 0)).toEqual([["plan", "antijoin heartbeat on ()", "sink merge alarm ()"]]);
    expect(plans(built, 1)).toEqual([["plan", "flatten x in range(0, 3)", "sink merge q1 (x)"]]);
  });

  it("runs a negation that needs no variable before the first scan", () => {
    const stop = collection("stop", "input", "");
    const built = program([stop, one, q1], [rule("q1", "<=", ["x"], [atom("one", "x"), not("stop")])]);
    expect(plans(built)[0]).toEqual(["plan", "antijoin stop on ()", "scan one (x)", "sink merge q1 (x)"]);
  });
});

describe("nondeterministic steps", () => {
  it("keeps a nondeterministic binding after the atoms written before it", () => {
    const stamped = collection("stamped", "table", "x: int, id: string");
    const built = program(
      [one, stamped],
      [rule("stamped", "<=", ["x", "i"], [atom("one", "x"), bind("i", call("uuid", [], { nondeterministic: true, type: "string" }))])],
    );
    expect(plans(built)[0]).toEqual(["plan", "scan one (x)", "map i = uuid()", "sink merge stamped (x, i)"]);
  });

  it("hoists a deterministic constant binding before the first atom", () => {
    const built = program([one, q1], [rule("q1", "<=", ["x"], [atom("one", "x"), bind("y", call("len", [k("abc")])), where(bin("<", "x", "y"))])]);
    expect(plans(built)[0]).toEqual(["plan", 'map y = len("abc")', "scan one (x)", "filter x < y", "sink merge q1 (x)"]);
  });
});

describe("column patterns", () => {
  it("binds the first occurrence of a repeated variable and matches the next", () => {
    const built = program([edge, one, q1], [
      rule("q1", "<=", ["x"], [atom("edge", "x", "x")]),
      rule("q1", "<=", ["x"], [atom("one", "y"), atom("edge", "x", "x")]),
    ]);
    const ir = lower(built);
    expect(ir.rules[0]!.plans[0]!.operators[0]).toMatchObject({
      kind: "scan",
      columns: [
        { kind: "bind", variable: 0 },
        { kind: "match", value: { kind: "variable", variable: 0 } },
      ],
    });
    expect(plans(built, 1)[0]).toEqual(["plan", "scan one (y)", "join edge on () → (from: x) where (to: x)", "sink merge q1 (x)"]);
  });

  it("keeps the wildcards an aggregate counts as bound columns", () => {
    const degree = collection("degree", "table", "id: int, n: int");
    const built = program([edge, degree], [rule("degree", "<=", ["x", agg("count")], [atom("edge", "x", "_")])]);
    const ir = lower(built);
    expect(ir.rules[0]!.plans[0]!.operators[0]).toMatchObject({
      kind: "scan",
      columns: [{ kind: "bind", variable: 0 }, { kind: "bind", variable: 1 }],
    });
    expect(plans(built)[0]).toEqual(["plan", "scan edge (x, _)", "aggregate group (x) count()", "sink merge degree (x, count())"]);
  });

  it("groups by every non-aggregate head expression", () => {
    const totals = collection("totals", "table", "k: int, n: int, s: int");
    const built = program([r, totals], [rule("totals", "<=", [bin("+", "x", 1), agg("count"), agg("sum", "y")], [atom("r", "x", "y")])]);
    expect(plans(built)[0]).toEqual(["plan", "scan r (x, y)", "aggregate group (x + 1) count(), sum(y)", "sink merge totals (x + 1, count(), sum(y))"]);
  });
});

describe("semi-naive variants", () => {
  it("gives a recursive rule one first-round plan and one delta plan per recursive atom", () => {
    const built = program(
      [edge, path],
      [
        rule("path", "<=", ["x", "y"], [atom("edge", "x", "y")]),
        rule("path", "<=", ["x", "z"], [atom("path", "x", "y"), atom("edge", "y", "z")]),
        rule("path", "<=", ["x", "z"], [atom("path", "x", "y"), atom("path", "y", "z")]),
      ],
    );
    expect(plans(built, 0)).toEqual([["plan", "scan edge (x, y)", "sink merge path (x, y)"]]);
    expect(plans(built, 1)).toEqual([
      ["plan", "scan path (x, y)", "join edge on (from: y) → (to: z)", "sink merge path (x, z)"],
      ["plan delta path (atom 0)", "scan path[delta] (x, y)", "join edge on (from: y) → (to: z)", "sink merge path (x, z)"],
    ]);
    expect(plans(built, 2)).toEqual([
      ["plan", "scan path (x, y)", "join path on (from: y) → (to: z)", "sink merge path (x, z)"],
      ["plan delta path (atom 0)", "scan path[delta] (x, y)", "join path on (from: y) → (to: z)", "sink merge path (x, z)"],
      ["plan delta path (atom 1)", "scan path[delta] (y, z)", "join path on (to: y) → (from: x)", "sink merge path (x, z)"],
    ]);
    const ir = lower(built);
    expect(ir.rules[2]!.plans.map((plan) => plan.deltaAtom)).toEqual([null, 0, 1]);
    expect(ir.rules.map((rule) => rule.stratum)).toEqual([0, 0, 0]);
  });

  it("folds min from deltas but re-reads in full for count", () => {
    const dist = collection("dist", "lattice", "node: int; d: min<int>");
    const reached = collection("reached", "lattice", "node: int; n: max<int>");
    const built = program(
      [edge, dist, reached],
      [
        rule("dist", "<=", ["y", agg("min", bin("+", "d", 1))], [atom("dist", "x", "d"), atom("edge", "x", "y")], { monotone: true }),
        rule("reached", "<=", ["x", agg("count", "y")], [atom("dist", "x", "_"), atom("edge", "x", "y"), atom("reached", "x", "_")], {
          monotone: true,
        }),
      ],
    );
    expect(plans(built, 0)).toEqual([
      ["plan", "scan dist (x, d)", "join edge on (from: x) → (to: y)", "aggregate group (y) min(d + 1)", "sink merge dist (y, min(d + 1))"],
      [
        "plan delta dist (atom 0)",
        "scan dist[delta] (x, d)",
        "join edge on (from: x) → (to: y)",
        "aggregate group (y) min(d + 1)",
        "sink merge dist (y, min(d + 1))",
      ],
    ]);
    const ir = lower(built);
    expect(ir.rules[1]!.plans.map((plan) => plan.deltaAtom)).toEqual([null, 0, 2]);
    for (const plan of ir.rules[1]!.plans) {
      expect(plan.operators.flatMap((operator) => ("source" in operator ? [operator.source] : []))).toEqual(["full", "full", "full"]);
    }
  });

  it("gives rules of non-recursive strata and temporal rules one plan", () => {
    const built = program(
      [edge, path, q],
      [
        rule("path", "<=", ["x", "y"], [atom("edge", "x", "y")]),
        rule("q", "<=", ["x", "y"], [atom("path", "x", "y")]),
        rule("path", "<+", ["y", "x"], [atom("path", "x", "y")]),
      ],
    );
    const ir = lower(built);
    expect(ir.rules.map((rule) => rule.plans.length)).toEqual([1, 1, 1]);
    expect(ir.rules.map((rule) => rule.stratum)).toEqual([0, 0, 1]);
    expect(plans(built, 2)[0]).toEqual(["plan", "scan path (x, y)", "sink defer path (y, x)"]);
  });
});

describe("sinks and rule facts", () => {
  it("maps each merge operator to its sink", () => {
    const box = collection("box", "table", "x: int");
    const net = collection("net", "channel", "@to: addr, x: int");
    const built = program(
      [one, box, net],
      [
        rule("box", "<+", ["x"], [atom("one", "x")]),
        rule("box", "<-", ["x"], [atom("one", "x")]),
        rule("box", "<+-", ["x"], [atom("one", "x")]),
        rule("net", "<~", [k("peer", "addr"), "x"], [atom("one", "x")]),
      ],
    );
    const ir = lower(built);
    expect(ir.rules.map((rule) => rule.plans[0]!.operators.at(-1)!.kind === "sink" && rule.plans[0]!.operators.at(-1))).toMatchObject([
      { sink: "defer", collection: "box" },
      { sink: "delete", collection: "box" },
      { sink: "upsert", collection: "box" },
      { sink: "send", collection: "net" },
    ]);
  });

  it("lists the nondeterministic calls of a rule in source order", () => {
    const stamped = collection("stamped", "table", "x: int, at: int, r: float");
    const built = program(
      [one, stamped],
      [
        rule("stamped", "<=", ["x", "t", call("random", [], { nondeterministic: true, type: "float", column: 30 })], [
          atom("one", "x"),
          bind("t", call("now", [], { nondeterministic: true, column: 20 })),
          where(bin(">", call("len", [k("a")], { column: 25 }), 0)),
        ]),
      ],
    );
    const ir = lower(built);
    expect(ir.rules[0]!.nondeterministicCalls.map((found) => [found.function, found.span.column])).toEqual([
      ["now", 20],
      ["random", 30],
    ]);
  });

  it("keeps the program's declarations and the given edges and strata", () => {
    const built = program([edge, path], [rule("path", "<=", ["x", "y"], [atom("edge", "x", "y")])]);
    const stratification = stratify(built.program, built.edges);
    const ir = planProgram(built.program, built.edges, stratification);
    expect(ir.collections).toBe(built.program.collections);
    expect(ir.edges).toBe(built.edges);
    // The strata as given, marked where a stratum's tables may be evaluated incrementally.
    expect(ir.strata).toEqual(stratification.strata.map((stratum) => ({ ...stratum, incremental: true })));
    expect(ir.rules[0]).toMatchObject({ id: 0, name: "path#1", head: "path", operator: "<=" });
  });
});

describe("plan invariants over generated rules", () => {
  const names = ["a", "b", "c", "d"];
  const wide = collection("wide", "input", "p: int, q: int, r: int");
  const pair = collection("pair", "input", "p: int, q: int");
  const target = collection("target", "table", "x: int, y: int");
  const gone = collection("gone", "table", "p: int, q: int");
  const argument = fc.oneof(fc.constantFrom(...names), fc.constant("_"), fc.integer({ min: 0, max: 3 }));
  const positive = fc.oneof(
    fc.tuple(argument, argument).map(([x, y]) => ({ collection: "pair", args: [x, y] })),
    fc.tuple(argument, argument, argument).map(([x, y, z]) => ({ collection: "wide", args: [x, y, z] })),
  );
  const ruleShape = fc.record({
    atoms: fc.array(positive, { minLength: 1, maxLength: 4 }),
    conditions: fc.array(fc.tuple(fc.constantFrom(...names), fc.constantFrom(...names)), { maxLength: 2 }),
    negations: fc.array(fc.tuple(fc.constantFrom(...names), fc.constantFrom(...names, "_")), { maxLength: 2 }),
    binding: fc.boolean(),
    recursive: fc.boolean(),
  });

  it("reads only bound variables, binds each once, and uses every literal once", () => {
    fc.assert(
      fc.property(ruleShape, (shape) => {
        const bound = new Set(shape.atoms.flatMap((atom) => atom.args.filter((arg): arg is string => typeof arg === "string" && arg !== "_")));
        if (bound.size === 0) return;
        const [first] = [...bound];
        const body = [
          ...shape.atoms.map((atom) => atomSpec(atom.collection, atom.args)),
          ...(shape.recursive ? [atomSpec("target", [first!, "e2"])] : []),
          ...shape.conditions.filter(([x, y]) => bound.has(x) && bound.has(y)).map(([x, y]) => where(bin("<=", x, y))),
          ...shape.negations.filter(([x, y]) => bound.has(x) && (y === "_" || bound.has(y))).map(([x, y]) => not("gone", x, y)),
          ...(shape.binding ? [bind("e", bin("+", first!, 1))] : []),
        ];
        const built = program([wide, pair, target, gone], [rule("target", "<=", [first!, shape.binding ? "e" : first!], body)]);
        const ir = lower(built);
        const checked = ir.rules[0]!;
        const expectedPlans = shape.recursive ? 2 : 1;
        expect(checked.plans).toHaveLength(expectedPlans);
        for (const plan of checked.plans) checkPlan(checked, plan);
      }),
      { numRuns: 300 },
    );
  });

  function atomSpec(collectionName: string, args: readonly (string | number)[]) {
    return atom(collectionName, ...args);
  }

  function checkPlan(checked: IrProgram["rules"][number], plan: IrProgram["rules"][number]["plans"][number]): void {
    const bound = new Set<number>();
    const readsBound = (expression: Parameters<typeof variablesOf>[0], extra: ReadonlySet<number> = new Set()) => {
      for (const variable of variablesOf(expression)) expect(bound.has(variable) || extra.has(variable)).toBe(true);
    };
    const bindOnce = (variable: number) => {
      expect(bound.has(variable)).toBe(false);
      bound.add(variable);
    };
    const atomsSeen: number[] = [];
    plan.operators.forEach((operator, position) => {
      switch (operator.kind) {
        case "scan":
        case "join":
        case "antijoin": {
          atomsSeen.push(operator.atom);
          if (operator.kind === "scan") expect(plan.operators.slice(0, position).some((o) => o.kind === "scan" || o.kind === "join")).toBe(false);
          if (operator.kind !== "scan") {
            const keys = operator.columns.flatMap((column, index) =>
              column.kind === "match" && [...variablesOf(column.value)].every((variable) => bound.has(variable)) ? [index] : [],
            );
            expect(operator.keyColumns).toEqual(keys);
          }
          if (plan.deltaAtom !== null && operator.kind !== "antijoin") {
            expect(operator.source).toBe(operator.atom === plan.deltaAtom ? "delta" : "full");
          }
          const own = new Set<number>();
          if (operator.kind !== "antijoin") {
            for (const column of operator.columns) {
              if (column.kind === "bind") {
                bindOnce(column.variable);
                own.add(column.variable);
              }
            }
          }
          for (const column of operator.columns) if (column.kind === "match") readsBound(column.value, own);
          break;
        }
        case "filter":
          readsBound(operator.predicate);
          break;
        case "map":
          readsBound(operator.value);
          bindOnce(operator.variable);
          break;
        case "flatten":
          operator.sources.forEach((source) => readsBound(source));
          bindOnce(operator.variable);
          break;
        case "aggregate":
          break;
        case "sink":
          operator.columns.forEach((column) => readsBound(column));
          expect(position).toBe(plan.operators.length - 1);
          break;
      }
    });
    expect([...atomsSeen].sort()).toEqual(checked.atoms.map((_, index) => index));
    if (plan.deltaAtom !== null) {
      const firstAtom = plan.operators.find((operator) => operator.kind === "scan" || operator.kind === "join");
      expect(firstAtom && "atom" in firstAtom ? firstAtom.atom : -1).toBe(plan.deltaAtom);
    }
    const steps = checked.literals.filter((literal) => literal.kind !== "atom").length;
    expect(plan.operators.filter((operator) => operator.kind === "filter" || operator.kind === "map" || operator.kind === "flatten").length).toBeGreaterThanOrEqual(steps);
  }
});
