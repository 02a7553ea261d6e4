// The AST that parseProgram builds for every construct of LANGUAGE.md §2–4.
// Shapes are compared with spans removed; a few tests check spans against the text itself.

import { describe, expect, it } from "vitest";
import type { BodyLiteral, Expression, Item, RuleItem } from "../compiler/ast.ts";
import { BUILTIN_FUNCTIONS, parseProgram } from "../compiler/build-ast.ts";
import { makeSource, type Span } from "../compiler/source.ts";

function parse(text: string) {
  return parseProgram(makeSource("test.hydro", text));
}

/** Drops spans so shapes can be written by hand. */
function shape(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === "span" || key.endsWith("Span") ? undefined : v)));
}

function items(text: string): Item[] {
  const result = parse(text);
  expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return [...result.program.items];
}

function item(text: string): any {
  const all = items(text);
  expect(all).toHaveLength(1);
  return shape(all[0]);
}

function rule(text: string): RuleItem {
  const all = items(text);
  expect(all[0]!.kind).toBe("rule");
  return all[0] as RuleItem;
}

function body(text: string): any[] {
  return shape(rule(text).body) as any[];
}

function condition(expression: string): any {
  const [literal] = body(`r() <= ${expression};`);
  expect(literal.kind).toBe("condition");
  return literal.expression;
}

const id = (name: string) => ({ name });
const qn = (name: string) => ({ name: id(name) });
const v = (name: string) => ({ kind: "variable", name });
const int = (value: number) => ({ kind: "int", value });
const str = (value: string) => ({ kind: "string", value });
const type = (name: string, ...args: unknown[]) => ({ kind: "type", name: id(name), args });
const bin = (operator: string, left: unknown, right: unknown) => ({ kind: "binary", operator, left, right });
const arg = (value: unknown, name?: string) => (name ? { name: id(name), value } : { value });

describe("declarations", () => {
  it("module and import", () => {
    expect(item("module cart;")).toEqual({ kind: "module", name: id("cart") });
    expect(item('import "std/delivery" as d;')).toEqual({ kind: "import", path: "std/delivery", alias: id("d") });
  });

  it("extern functions, plain and @nondet", () => {
    expect(item('extern fn classify(s: string, n: int): string from "./udfs.ts";')).toEqual({
      kind: "extern",
      annotations: [],
      name: id("classify"),
      params: [
        { name: id("s"), type: type("string") },
        { name: id("n"), type: type("int") },
      ],
      returnType: type("string"),
      from: "./udfs.ts",
    });
    const nondet = item('@nondet("reads the clock") extern fn stamp(): int from "./clock.ts";');
    expect(nondet.annotations).toEqual([{ kind: "annotation", name: id("nondet"), argument: { value: "reads the clock" } }]);
    expect(nondet.params).toEqual([]);
  });

  it("all seven collection kinds", () => {
    for (const kind of ["table", "scratch", "input", "output", "channel", "lattice"]) {
      const decl = item(`${kind} c(a: int; b: max<int>);`);
      expect(decl.collectionKind).toBe(kind);
      expect(decl.columns).toEqual([
        { name: id("a"), type: type("int"), lattice: false, address: false },
        { name: id("b"), type: type("max", type("int")), lattice: true, address: false },
      ]);
    }
    expect(item("periodic every_second(1s);")).toEqual({
      kind: "collection",
      collectionKind: "periodic",
      name: id("every_second"),
      columns: [],
      period: { milliseconds: 1000, text: "1s" },
    });
  });

  it("durations in every unit", () => {
    const period = (text: string) => item(`periodic p(${text});`).period.milliseconds;
    expect([period("250ms"), period("5s"), period("2m"), period("1h")]).toEqual([250, 5000, 120_000, 3_600_000]);
  });

  it("address columns, keys and empty keys", () => {
    const channel = item("channel ack(@to: addr, id: int);");
    expect(channel.columns[0]).toEqual({ name: id("to"), type: type("addr"), lattice: false, address: true });
    expect(item("table kvs(key: string, value: string) key(key);").key).toEqual({ columns: [id("key")] });
    expect(item("table one(v: int) key();").key).toEqual({ columns: [] });
    expect(item("table t(a: int);").key).toBeUndefined();
    expect(item("scratch ready();").columns).toEqual([]);
  });

  it("scalar lattices and nested lattice types (`>>` closes two lists)", () => {
    expect(item("lattice total: max<int>;")).toEqual({
      kind: "collection",
      collectionKind: "lattice",
      name: id("total"),
      columns: [],
      scalar: type("max", type("int")),
    });
    const decl = item("lattice m(k: string; v: map<string, pair<max<int>, set<addr>>>);");
    expect(decl.columns[1].type).toEqual(type("map", type("string"), type("pair", type("max", type("int")), type("set", type("addr")))));
  });

  it("seals, plain and qualified", () => {
    expect(item("seal ack on (id);")).toEqual({ kind: "seal", collection: qn("ack"), columns: [id("id")] });
    expect(item("seal d.c on (k, j);")).toEqual({
      kind: "seal",
      collection: { module: id("d"), name: id("c") },
      columns: [id("k"), id("j")],
    });
  });

  it("facts, with negative numbers and strings", () => {
    expect(item('edge(1, -7, -2.5, "a\\"b\\n", true, 1e-3);')).toEqual({
      kind: "fact",
      target: qn("edge"),
      args: [arg(int(1)), arg(int(-7)), arg({ kind: "float", value: -2.5 }), arg(str('a"b\n')), arg({ kind: "bool", value: true }), arg({ kind: "float", value: 0.001 })],
    });
    expect(item("ready();")).toEqual({ kind: "fact", target: qn("ready"), args: [] });
  });
});

describe("contextual keywords", () => {
  it("name collections, columns and variables", () => {
    const all = items(`
      table input(key: int, on: string, in: int, table: bool);
      input(1, "a", 2, true);
      seal input on (key);
      output(key, on) <= input(key, on, _, _), on != "x";
      lattice(x) <= table(x), module(y), x in y;
      table.x(1);
    `);
    expect(all.map((i) => i.kind)).toEqual(["collection", "fact", "seal", "rule", "rule", "fact"]);
    const decl = shape(all[0]) as any;
    expect(decl.name).toEqual(id("input"));
    expect(decl.columns.map((c: any) => c.name.name)).toEqual(["key", "on", "in", "table"]);
    const second = shape(all[4]) as any;
    expect(second.head.target).toEqual(qn("lattice"));
    expect(second.body[2]).toEqual({ kind: "membership", variable: id("x"), source: v("y") });
    expect((shape(all[5]) as any).target).toEqual({ module: id("table"), name: id("x") });
  });
});

describe("rules", () => {
  it("every merge operator", () => {
    for (const operator of ["<=", "<+", "<-", "<+-", "<~"]) {
      const r = rule(`h(x) ${operator} b(x);`);
      expect(r.operator).toBe(operator);
    }
  });

  it("head arguments: expressions, aggregates and named columns", () => {
    const r = shape(rule("n(g, count(), count(x), sum(x + 1), min(x), max(x), avg(x), collect(x), choose(x), total: x * 2) <= p(g, x);")) as any;
    expect(r.head.target).toEqual(qn("n"));
    expect(r.head.args[0]).toEqual(arg(v("g")));
    expect(r.head.args[1]).toEqual(arg({ kind: "aggregate", function: "count" }));
    expect(r.head.args[2]).toEqual(arg({ kind: "aggregate", function: "count", arg: v("x") }));
    expect(r.head.args[3]).toEqual(arg({ kind: "aggregate", function: "sum", arg: bin("+", v("x"), int(1)) }));
    expect(r.head.args.slice(4, 9).map((a: any) => a.value.function)).toEqual(["min", "max", "avg", "collect", "choose"]);
    expect(r.head.args[9]).toEqual(arg(bin("*", v("x"), int(2)), "total"));
  });

  it("aggregates anywhere become aggregate expressions", () => {
    expect(condition("sum(x) > 3")).toEqual(bin(">", { kind: "aggregate", function: "sum", arg: v("x") }, int(3)));
  });

  it("qualified heads", () => {
    expect(shape(rule("d.pipe_out(m) <~ send(m);").head.target)).toEqual({ module: id("d"), name: id("pipe_out") });
  });

  it("annotations", () => {
    const r = shape(rule('@name("checkout_total") @coordinated("why") @nondet("why not") t(x) <= s(x);')) as any;
    expect(r.annotations.map((a: any) => [a.name.name, a.argument.value])).toEqual([
      ["name", "checkout_total"],
      ["coordinated", "why"],
      ["nondet", "why not"],
    ]);
  });

  it("body atoms: positive, negated, named, qualified, zero-column", () => {
    expect(body("h(x) <= edge(x, y), !done(x), !heartbeat(_), put(key: k), d.pipe_in(m), ready();")).toEqual([
      { kind: "atom", negated: false, target: qn("edge"), args: [arg(v("x")), arg(v("y"))], named: false },
      { kind: "atom", negated: true, target: qn("done"), args: [arg(v("x"))], named: false },
      { kind: "atom", negated: true, target: qn("heartbeat"), args: [arg({ kind: "wildcard" })], named: false },
      { kind: "atom", negated: false, target: qn("put"), args: [arg(v("k"), "key")], named: true },
      { kind: "atom", negated: false, target: { module: id("d"), name: id("pipe_in") }, args: [arg(v("m"))], named: false },
      { kind: "atom", negated: false, target: qn("ready"), args: [], named: false },
    ]);
  });

  it("a rule with no positive atom", () => {
    expect(body("alarm() <= !heartbeat(_);")).toHaveLength(1);
  });

  it("conditions: comparisons, bindings, calls, bare true", () => {
    for (const operator of ["==", "!=", "<", "<=", ">", ">=", "="]) {
      expect(condition(`x ${operator} y`)).toEqual(bin(operator, v("x"), v("y")));
    }
    expect(condition("z = x * 2")).toEqual(bin("=", v("z"), bin("*", v("x"), int(2))));
    expect(condition("contains(s, x)")).toEqual({ kind: "call", callee: id("contains"), args: [v("s"), v("x")] });
    expect(condition("!contains(s, x)")).toEqual({ kind: "unary", operator: "!", operand: { kind: "call", callee: id("contains"), args: [v("s"), v("x")] } });
    expect(condition("true")).toEqual({ kind: "bool", value: true });
    expect(condition("len(s) > 3")).toEqual(bin(">", { kind: "call", callee: id("len"), args: [v("s")] }, int(3)));
  });

  it("a call of any built-in function is a condition", () => {
    for (const name of BUILTIN_FUNCTIONS) {
      expect([name, body(`r() <= ${name}(x);`)[0].kind]).toEqual([name, "condition"]);
    }
  });

  it("a call of a declared extern is a condition, of an unknown name an atom", () => {
    const all = items('extern fn ok(s: string): bool from "./x.ts"; r(s) <= p(s), ok(s), q(s);');
    const r = shape(all[1]) as any;
    expect(r.body.map((l: BodyLiteral) => l.kind)).toEqual(["atom", "condition", "atom"]);
  });

  it("membership", () => {
    expect(body("r(x) <= x in s, k in keys(m), i in range(a, b);")).toEqual([
      { kind: "membership", variable: id("x"), source: v("s") },
      { kind: "membership", variable: id("k"), source: { kind: "call", callee: id("keys"), args: [v("m")] } },
      { kind: "membership", variable: id("i"), source: { kind: "call", callee: id("range"), args: [v("a"), v("b")] } },
    ]);
  });
});

describe("expressions", () => {
  it("precedence: || < && < comparison < + - ++ < * / % < unary", () => {
    expect(condition("a || b && c")).toEqual(bin("||", v("a"), bin("&&", v("b"), v("c"))));
    expect(condition("a == 1 && b < 2")).toEqual(bin("&&", bin("==", v("a"), int(1)), bin("<", v("b"), int(2))));
    expect(condition("a + b * c < d")).toEqual(bin("<", bin("+", v("a"), bin("*", v("b"), v("c"))), v("d")));
    expect(condition("a - b - c == a % b / c")).toEqual(bin("==", bin("-", bin("-", v("a"), v("b")), v("c")), bin("/", bin("%", v("a"), v("b")), v("c"))));
    expect(condition('s ++ "x" == t')).toEqual(bin("==", bin("++", v("s"), str("x")), v("t")));
    expect(condition("-a * b == !c")).toEqual(
      bin("==", bin("*", { kind: "unary", operator: "-", operand: v("a") }, v("b")), { kind: "unary", operator: "!", operand: v("c") }),
    );
    expect(condition("(a + b) * c == 0")).toEqual(bin("==", bin("*", bin("+", v("a"), v("b")), v("c")), int(0)));
  });

  it("a minus before a literal in a rule is unary minus", () => {
    expect(condition("x == -7")).toEqual(bin("==", v("x"), { kind: "unary", operator: "-", operand: int(7) }));
  });

  it("`x<-5` in a comparison is `x < -5`", () => {
    expect(condition("x<-5")).toEqual(bin("<", v("x"), { kind: "unary", operator: "-", operand: int(5) }));
    expect(condition("x<-5+y")).toEqual(bin("<", v("x"), bin("+", { kind: "unary", operator: "-", operand: int(5) }, v("y"))));
  });

  it("literals", () => {
    expect(condition('x == "tab\\tquote\\"u\\u00e9"').right).toEqual(str('tab\tquote"u\u00e9'));
    expect(condition("x == 3.5").right).toEqual({ kind: "float", value: 3.5 });
    expect(condition("x == 1e-3").right).toEqual({ kind: "float", value: 0.001 });
    expect(condition("x == false").right).toEqual({ kind: "bool", value: false });
  });
});

describe("comments", () => {
  it("line and block comments are skipped", () => {
    const all = items("// a\ntable t(a: int); /* b\n c */ t(1); // end");
    expect(all.map((i) => i.kind)).toEqual(["collection", "fact"]);
  });
});

describe("spans", () => {
  const text = '@name("r")\nhead(x, count(y)) <= edge(x, y),\n  !done(x), x + 1 < y;\ntable kvs(key: string) key(key);\n';
  const result = parse(text);
  const slice = (span: Span) => text.slice(span.start, span.end);

  it("cover the text of each node", () => {
    expect(result.diagnostics).toEqual([]);
    const r = result.program.items[0] as RuleItem;
    expect(slice(r.span)).toBe("head(x, count(y)) <= edge(x, y),\n  !done(x), x + 1 < y;");
    expect(slice(r.annotations[0]!.span)).toBe('@name("r")');
    expect(slice(r.head.span)).toBe("head(x, count(y))");
    expect(slice(r.operatorSpan)).toBe("<=");
    expect(r.body.map((l) => slice(l.span))).toEqual(["edge(x, y)", "!done(x)", "x + 1 < y"]);
    const comparison = (r.body[2] as { expression: Expression }).expression;
    expect(comparison.kind === "binary" && slice(comparison.operatorSpan)).toBe("<");
    expect([r.body[1]!.span.line, r.body[1]!.span.column]).toEqual([3, 3]);
    const aggregate = r.head.args[1]!.value;
    expect(aggregate.kind === "aggregate" && slice(aggregate.functionSpan)).toBe("count");
    const decl = result.program.items[1]!;
    expect(slice(decl.span)).toBe("table kvs(key: string) key(key);");
    expect(decl.kind === "collection" && slice(decl.key!.span)).toBe("key(key)");
    expect(decl.kind === "collection" && slice(decl.columns[0]!.span)).toBe("key: string");
    expect(result.program.span).toMatchObject({ start: 0, end: text.length });
  });
});
