// Every compile error of name resolution and type checking, each on a small program, with its
// code and the line and column it points at; and the constructs of LANGUAGE.md §3–4 checking
// cleanly (the declaration block of §3 compiles against a real extern module in test/fixtures).

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseProgram } from "../compiler/build-ast.ts";
import type { Diagnostic } from "../compiler/diagnostics.ts";
import { memoryHost, nodeHost, type CompilerHost } from "../compiler/host.ts";
import type { CheckedProgram } from "../compiler/ir.ts";
import { resolveProgram } from "../compiler/resolve.ts";
import { makeSource } from "../compiler/source.ts";
import { typecheck } from "../compiler/typecheck.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "typecheck");

function compile(text: string, files: Record<string, string> = {}, path = "main.hydro", host?: CompilerHost) {
  const file = makeSource(path, text);
  const parsed = parseProgram(file);
  expect(parsed.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  const resolved = resolveProgram({ file, program: parsed.program }, host ?? memoryHost(files));
  const checked = typecheck(resolved.program);
  const diagnostics: Diagnostic[] = [...resolved.diagnostics, ...checked.diagnostics];
  return { program: checked.program, diagnostics };
}

/** "HY2001 3:9" for each diagnostic, warnings included. */
function positions(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code} ${d.span.file}:${d.span.line}:${d.span.column}`);
}

function expectOnly(text: string, expected: string[], files: Record<string, string> = {}): Diagnostic[] {
  const { program, diagnostics } = compile(text, files);
  expect(positions(diagnostics)).toEqual(expected);
  if (diagnostics.some((d) => d.severity === "error")) expect(program).toBeNull();
  return diagnostics;
}

function expectClean(text: string, files: Record<string, string> = {}): CheckedProgram {
  const { program, diagnostics } = compile(text, files);
  expect(diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`)).toEqual([]);
  expect(program).not.toBeNull();
  return program!;
}

describe("names, imports and declarations (HY2xxx)", () => {
  it("HY2001 unknown collection, with a suggestion", () => {
    const [error] = expectOnly("table edge(x: int);\nscratch b(x: int);\nb(x) <= edgee(x);", ["HY2001 main.hydro:3:9"]);
    expect(error!.message).toContain("`edgee`");
    expect(error!.help).toBe("did you mean `edge`?");
  });

  it("HY2002 duplicate declaration, pointing back at the first", () => {
    const [error] = expectOnly("table a(x: int);\ntable a(y: int);", ["HY2002 main.hydro:2:7"]);
    expect(error!.related[0]!.span!.line).toBe(1);
  });

  it("HY2003 unknown module alias", () => {
    expectOnly("table a(x: int);\na(x) <= q.b(x);", ["HY2003 main.hydro:2:9"]);
  });

  it("HY2004 imported module not found, at the path", () => {
    expectOnly('import "./nope" as n;', ["HY2004 main.hydro:1:8"]);
  });

  it("HY2005 cyclic import, naming the chain", () => {
    const files = { "lib/b.hydro": 'import "../main" as m;\ntable y(x: int);' };
    const [error] = expectOnly('import "lib/b" as b;\ntable x(v: int);', ["HY2005 lib/b.hydro:1:8"], files);
    expect(error!.message).toBe("cyclic import: main.hydro -> lib/b.hydro -> main.hydro");
  });

  it("HY2006 unknown column in the named form", () => {
    const [error] = expectOnly("table a(x: int, y: int);\nscratch b(x: int);\nb(v) <= a(z: v);", ["HY2006 main.hydro:3:11"]);
    expect(error!.help).toBe("did you mean `x`?");
  });

  it("HY2007 unknown function, with a suggestion", () => {
    const [error] = expectOnly("table a(x: string);\nscratch b(x: int);\nb(lenn(v)) <= a(v);", ["HY2007 main.hydro:3:3"]);
    expect(error!.help).toBe("did you mean `len`?");
  });

  it("HY2008 duplicate column, declared or given twice", () => {
    expectOnly("table a(x: int, x: int);", ["HY2008 main.hydro:1:17"]);
    expectOnly("table a(x: int, y: int);\nscratch b(x: int);\nb(v) <= a(x: v, x: 1);", ["HY2008 main.hydro:3:17"]);
  });

  it("HY2009 invalid key: unknown column, lattice column, not a table", () => {
    expectOnly("table a(x: int) key(y);", ["HY2009 main.hydro:1:21"]);
    expectOnly("table a(x: int; v: max<int>) key(v);", ["HY2009 main.hydro:1:34"]);
    expectOnly("scratch s(x: int) key(x);", ["HY2009 main.hydro:1:19"]);
  });

  it("HY2010 invalid seal: not a channel, unknown column", () => {
    expectOnly("table t(x: int);\nseal t on (x);", ["HY2010 main.hydro:2:6"]);
    expectOnly("channel c(@to: addr, id: int);\nseal c on (nope);", ["HY2010 main.hydro:2:12"]);
  });

  it("HY2011 invalid channel: no @ column, @ not an addr, @ outside a channel", () => {
    expectOnly("channel c(to: addr, id: int);", ["HY2011 main.hydro:1:9"]);
    expectOnly("channel d(@to: string);", ["HY2011 main.hydro:1:16"]);
    expectOnly("table t(@to: addr);", ["HY2011 main.hydro:1:9"]);
  });

  it("HY2012 unknown annotation", () => {
    const [error] = expectOnly('table a(x: int);\n@nam("x")\na(x) <= a(x);', ["HY2012 main.hydro:2:2"]);
    expect(error!.help).toBe("did you mean `@name`?");
  });

  it("HY2013 a second module declaration", () => {
    expectOnly("module a;\nmodule b;", ["HY2013 main.hydro:2:1"]);
  });

  it("HY2014 invalid extern: lattice parameter, hiding a built-in, missing module", () => {
    const files = { "udfs.ts": "export const f = (x: number) => x;" };
    expectOnly('extern fn f(x: set<int>): int from "./udfs.ts";', ["HY2014 main.hydro:1:16"], files);
    expectOnly('extern fn len(s: string): int from "./udfs.ts";', ["HY2014 main.hydro:1:11"], files);
    expectOnly('extern fn g(x: int): int from "./missing.ts";', ["HY2014 main.hydro:1:31"], files);
  });

  it("HY2015 invalid collection: a lattice without lattice column", () => {
    expectOnly("lattice l(x: int);", ["HY2015 main.hydro:1:9"]);
  });
});

describe("types and variables (HY3xxx)", () => {
  const ab = "table a(x: int);\nscratch b(x: int);\n";

  it("HY3001 arity mismatch: positional, and a head's named form missing a column", () => {
    expectOnly(`${ab}b(x) <= a(x, 1);`, ["HY3001 main.hydro:3:9"]);
    expectOnly("table a(x: int, y: int);\ntable c(x: int);\na(x: v) <= c(v);", ["HY3001 main.hydro:3:1"]);
  });

  it("HY3002 type mismatch, saying what was expected and found", () => {
    const [error] = expectOnly(`${ab}b(x) <= a(x), x == "s";`, ["HY3002 main.hydro:3:20"]);
    expect(error!.message).toBe("expected int to compare with `==`, found string");
    const [head] = expectOnly('table a(x: int);\nscratch s(v: string);\ns(x) <= a(x);', ["HY3002 main.hydro:3:3"]);
    expect(head!.message).toBe("expected string for column `v` of `s`, found int");
  });

  it("HY3003 unbound variable in the head, at the variable", () => {
    const [error] = expectOnly(`${ab}b(y) <= a(_);`, ["HY3003 main.hydro:3:3"]);
    expect(error!.message).toContain("`y`");
  });

  it("HY3004 unbound variable in a negated atom", () => {
    expectOnly(`${ab}b(x) <= a(x), !a(y);`, ["HY3004 main.hydro:3:18"]);
  });

  it("HY3005 unbound variable in a condition", () => {
    expectOnly(`${ab}b(x) <= a(x), y > 1;`, ["HY3005 main.hydro:3:15"]);
  });

  it("HY3006 unknown type", () => {
    expectOnly("table a(x: integer);", ["HY3006 main.hydro:1:12"]);
  });

  it("HY3007 invalid lattice type: before `;`, base type after `;`, bad element", () => {
    expectOnly("table a(x: max<int>);", ["HY3007 main.hydro:1:12"]);
    expectOnly("lattice l(k: int; v: int);", ["HY3007 main.hydro:1:22"]);
    expectOnly("lattice m(k: int; v: max<bool>);", ["HY3007 main.hydro:1:22"]);
    expectOnly("lattice m(k: int; v: map<int, int>);", ["HY3007 main.hydro:1:22"]);
  });

  it("HY3008 invalid aggregate: inside an expression, in a body, collect into a plain column", () => {
    expectOnly(`${ab}b(count() + 1) <= a(_);`, ["HY3008 main.hydro:3:3"]);
    expectOnly(`${ab}b(x) <= a(x), count() > 1;`, ["HY3008 main.hydro:3:15"]);
    expectOnly(`${ab}b(collect(x)) <= a(x);`, ["HY3008 main.hydro:3:3"]);
  });

  it("HY3009 wrong number of arguments", () => {
    expectOnly("table a(x: string);\nscratch b(x: int);\nb(len(s, 1)) <= a(s);", ["HY3009 main.hydro:3:3"]);
  });

  it("HY3010 a fact that is not constant", () => {
    expectOnly("table a(x: int);\na(x);", ["HY3010 main.hydro:2:3"]);
    expectOnly("table a(x: int);\na(now());", ["HY3010 main.hydro:2:3"]);
  });

  it("HY3011 a wildcard outside a body atom", () => {
    expectOnly(`${ab}b(_) <= a(_);`, ["HY3011 main.hydro:3:3"]);
  });

  it("HY3012 (warning) a variable used once", () => {
    const { program, diagnostics } = compile("table a(x: int, y: int);\nscratch b(x: int);\nb(x) <= a(x, y);");
    expect(positions(diagnostics)).toEqual(["HY3012 main.hydro:3:14"]);
    expect(diagnostics[0]!.severity).toBe("warning");
    expect(program).not.toBeNull();
  });
});

describe("rule placement (HY4002–HY4006)", () => {
  it("HY4002 writing to an input or a periodic", () => {
    expectOnly("input put(x: int);\ntable a(x: int);\nput(x) <= a(x);", ["HY4002 main.hydro:3:8"]);
    expectOnly("periodic tick(1s);\ntable a(x: int);\ntick(x) <+ a(x);", ["HY4002 main.hydro:3:9"]);
  });

  it("HY4003 deleting from or upserting into a lattice", () => {
    expectOnly("lattice l(k: int; v: max<int>);\ntable a(x: int);\nl(x, x) <- a(x);", ["HY4003 main.hydro:3:9"]);
    expectOnly("lattice l(k: int; v: max<int>);\ntable a(x: int);\nl(x, x) <+- a(x);", ["HY4003 main.hydro:3:9"]);
  });

  it("HY4004 sending into a non-channel", () => {
    expectOnly("table t(x: int);\ntable a(x: int);\nt(x) <~ a(x);", ["HY4004 main.hydro:3:6"]);
  });

  it("HY4005 merging into a channel", () => {
    expectOnly('channel c(@to: addr, x: int);\ntable a(x: int);\nc("n", x) <= a(x);', ["HY4005 main.hydro:3:11"]);
    expectOnly('channel c(@to: addr, x: int);\ntable a(x: int);\nc("n", x) <- a(x);', ["HY4005 main.hydro:3:11"]);
  });

  it("HY4006 deleting from or upserting into a non-table", () => {
    expectOnly("scratch s(x: int);\ntable a(x: int);\ns(x) <- a(x);", ["HY4006 main.hydro:3:6"]);
    expectOnly("output o(x: int);\ntable a(x: int);\no(x) <+- a(x);", ["HY4006 main.hydro:3:6"]);
  });

  it("reports every error of a file in one run", () => {
    const { diagnostics } = compile("table a(x: int);\nb(x) <= a(x);\na(y) <= a(_);\nc(1);");
    expect(positions(diagnostics)).toEqual(["HY2001 main.hydro:2:1", "HY2001 main.hydro:4:1", "HY3003 main.hydro:3:3"]);
  });
});

describe("the constructs of LANGUAGE.md §3–4 check cleanly", () => {
  it("the §3 declaration block, with its extern module on disk", () => {
    const host = nodeHost();
    const path = join(FIXTURES, "cart.hydro");
    const text = host.readFile(path)!;
    const { program, diagnostics } = compile(text, {}, path, host);
    expect(diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`)).toEqual([]);
    expect(program!.moduleName).toBe("cart");
    expect(program!.externs).toEqual([
      expect.objectContaining({ name: "classify", from: "./udfs.ts", resolvedFrom: join(FIXTURES, "udfs.ts"), nondeterministic: false }),
    ]);
    expect(program!.collections.map((c) => c.name)).toContain("d.pipe_in");
    expect(program!.seals).toEqual([expect.objectContaining({ collection: "ack", columns: [1] })]);
    const total = program!.collections.find((c) => c.name === "total")!;
    expect(total).toMatchObject({ scalar: true, columns: [{ name: "value", type: { kind: "max", element: { kind: "int" } }, lattice: true }] });
    const every = program!.collections.find((c) => c.name === "every_second")!;
    expect(every).toMatchObject({ kind: "periodic", periodMs: 1000, columns: [{ name: "n", type: { kind: "int" } }] });
    expect(program!.facts).toEqual([expect.objectContaining({ collection: "edge" })]);
  });

  it("every operator into the collection kinds it allows", () => {
    expectClean(`
      table t(k: string, v: int) key(k);
      scratch s(k: string);
      output o(k: string);
      channel c(@to: addr, k: string);
      lattice l(k: string; n: max<int>);
      input i(k: string, v: int);
      t(k, v) <= i(k, v);
      t(k, v) <+ i(k, v);
      t(k, v) <- i(k, v);
      t(k, v) <+- i(k, v);
      s(k) <= i(k, _);
      s(k) <+ i(k, _);
      o(k) <= s(k);
      c("peer", k) <~ s(k);
      l(k, v) <= i(k, v);
      l(k, v) <+ i(k, v);
    `);
  });

  it("body literals: named atoms, negation with _, no positive atom, empty collections, memberships", () => {
    expectClean(`
      input heartbeat(node: addr);
      scratch alarm();
      scratch ready();
      alarm() <= !heartbeat(_);
      ready() <= heartbeat(node: "n1");
      table put(client: addr, key: string, value: string, id: int);
      lattice sets(k: string; v: set<int>);
      lattice maps(k: string; v: map<string, max<int>>);
      output seen(k: string, n: int);
      sets(k, id) <= put(key: k, id: id);
      seen(k, x) <= sets(k, s), x in s, contains(s, x), x + 1 < 10;
      maps(k, entry(c, id)) <= put(c, k, _, id);
      seen(k, at(m, j)) <= maps(k, m), j in keys(m), size(m) >= 1;
      seen(k, x) <= ready(), k = "r", x in range(0, 3);
    `);
  });

  it("expressions and built-ins, nondeterministic ones allowed", () => {
    expectClean(`
      table words(w: string, n: int, f: float);
      output o(s: string, i: int, f: float, b: bool, a: addr);
      o(lower(w) ++ upper(w) ++ substr(w, 0, 2), len(w) % 3 + abs(-n) * max2(n, 1) - min2(n, 2) / 2,
        pow(f, 2) + to_float(n) + n, matches(w, "^a") && !contains(w, "z") || n >= 2, me()) <= words(w, n, f);
      o(to_string(n), to_int("4") + hash(w), random(), true, "node") <= words(w, n, _), t = now(), t > 0, u = uuid(), u != w;
    `);
  });

  it("aggregates of every kind, including into lattice and any columns", () => {
    expectClean(`
      table t(k: string, n: int);
      output stats(k: string, c: int, d: int, s: int, lo: int, hi: int, a: float, one: int);
      lattice best(k: string; top: max<int>, all: set<int>);
      output json(k: string, all: any);
      channel report(@to: addr, total: int);
      stats(k, count(), count(n), sum(n), min(n), max(n), avg(n), choose(n)) <= t(k, n);
      best(k, max(n), collect(n)) <= t(k, n);
      json(k, collect(n)) <= t(k, n);
      report("collector", sum(n)) <~ t(_, n);
    `);
  });

  it("annotations, and a stdlib module's names", () => {
    expectClean(`
      import "std/delivery" as d;
      table inbox(src: addr, ident: int);
      @name("receive") @coordinated("one owner")
      inbox(s, i) <= d.pipe_out(_, s, i, _);
      @nondet("a clock")
      inbox(me(), now()) <= d.pipe_out(_, _, _, _);
    `);
  });
});
