// buildEdges (compiler/edges.ts): one edge per (rule, body atom) with the facts of ANALYSIS.md §1
// — polarity, M/N and the reason, temporal, gate, lineage, operator text and span. Programs are
// written in Hydrolog and taken through the real front end up to the CheckedProgram; one test
// builds the CheckedProgram by hand, to pin the contract independently of the type checker.

import { describe, expect, it } from "vitest";
import { parseProgram } from "../compiler/build-ast.ts";
import { hasErrors } from "../compiler/diagnostics.ts";
import { buildEdges } from "../compiler/edges.ts";
import { memoryHost } from "../compiler/host.ts";
import type { CheckedProgram, IrEdge, NonMonotoneReason } from "../compiler/ir.ts";
import { resolveProgram } from "../compiler/resolve.ts";
import { makeSource } from "../compiler/source.ts";
import { typecheck } from "../compiler/typecheck.ts";
import { agg, atom, bin, collection, k, not, program, rule, v, where } from "./ir-builders.ts";

function checked(text: string): CheckedProgram {
  const file = makeSource("/edges/test.hydro", text);
  const host = memoryHost({ "/edges/test.hydro": text });
  const parsed = parseProgram(file);
  expect(parsed.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const resolved = resolveProgram({ file, program: parsed.program }, host);
  expect(resolved.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const typed = typecheck(resolved.program);
  if (hasErrors(typed.diagnostics) || typed.program === null) {
    throw new Error(typed.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  }
  return typed.program;
}

/** The edges of the rule named `name` (or with that head's first rule). */
function edgesOf(text: string, name: string): IrEdge[] {
  const program = checked(text);
  const target = program.rules.find((r) => r.name === name);
  if (target === undefined) throw new Error(`no rule ${name}: ${program.rules.map((r) => r.name).join(", ")}`);
  return buildEdges(program).filter((e) => e.rule === target.id);
}

const VOTES = `
channel vote(@to: addr, tx: int, voter: string, yes: bool);
table votes(tx: int, voter: string, yes: bool);
votes(t, v, y) <= vote(_, t, v, y);
`;

function reasonKinds(edge: IrEdge): string[] {
  return edge.reasons.map((r) => (r.kind === "lattice-read" ? `lattice-read:${r.use}` : r.kind === "aggregate" ? `aggregate:${r.into}` : r.kind));
}

describe("edges: one per (rule, atom)", () => {
  it("a positive atom is M, with lineage of the columns copied unchanged", () => {
    const [edge] = edgesOf(VOTES, "votes#1");
    expect(edge).toMatchObject({
      from: "vote",
      to: "votes",
      polarity: "positive",
      monotone: true,
      reasons: [],
      temporal: false,
      operator: "<=",
      gate: null,
      operatorText: "vote(_, t, v, y)",
    });
    expect(edge!.lineage).toEqual([
      { head: 0, body: 1 },
      { head: 1, body: 2 },
      { head: 2, body: 3 },
    ]);
    expect(edge!.span.line).toBe(4);
  });

  it("marks every rule operator but <= as temporal", () => {
    const text = `
      input put(key: string, value: string);
      table t(key: string, value: string) key(key);
      channel c(@to: addr, key: string);
      t(k, v) <= put(k, v);
      t(k, v) <+ put(k, v);
      t(k, v) <- put(k, v);
      t(k, v) <+- put(k, v);
      c("n1", k) <~ put(k, _);`;
    const edges = buildEdges(checked(text));
    expect(edges.map((e) => [e.operator, e.temporal])).toEqual([
      ["<=", false],
      ["<+", true],
      ["<-", true],
      ["<+-", true],
      ["<~", true],
    ]);
  });

  it("a rule with several atoms has one edge each, lineage only from the atom holding the variable", () => {
    const edges = edgesOf(
      `table a(x: int, y: int); table b(y: int, z: int); table j(x: int, z: int);
       j(x, z) <= a(x, y), b(y, z);`,
      "j#1",
    );
    expect(edges.map((e) => e.from)).toEqual(["a", "b"]);
    expect(edges[0]!.lineage).toEqual([{ head: 0, body: 0 }]);
    expect(edges[1]!.lineage).toEqual([{ head: 1, body: 1 }]);
    expect(edges.every((e) => e.monotone)).toBe(true);
  });
});

describe("edges: negation", () => {
  it("is N, gated on the bound columns (not on wildcards), with no lineage", () => {
    const edges = edgesOf(
      `input r(c: string, n: int); table banned(c: string, why: string); table ok(c: string);
       ok(c) <= r(c, _), !banned(c, _);`,
      "ok#1",
    );
    expect(edges[0]!.monotone).toBe(true);
    const negated = edges[1]!;
    expect(negated).toMatchObject({ polarity: "negative", monotone: false, gate: [0], lineage: [], operatorText: "!banned(c, _)" });
    expect(reasonKinds(negated)).toEqual(["negation"]);
  });
});

describe("edges: aggregates", () => {
  const counts = (head: string, body = "seen(i)", extra = "") => `
    channel ping(@to: addr, id: int);
    table seen(id: int);
    scratch recent(id: int);
    ${extra}
    seen(i) <= ping(_, i);
    recent(i) <= ping(_, i);
    ${head} <= ${body};`;

  it("into a plain column: every body edge N, gated on the group columns and matched constants", () => {
    const edges = edgesOf(VOTES + "scratch tally(tx: int, n: int);\ntally(t, count(v)) <= votes(t, v, true);", "tally#1");
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({ monotone: false, gate: [0, 2], operatorText: "count(v)", lineage: [{ head: 0, body: 0 }] });
    expect(edges[0]!.reasons).toEqual([{ kind: "aggregate", function: "count", into: "plain" }]);
  });

  it("count into max<int> over a persistent grow-only table is M", () => {
    const [edge] = edgesOf(counts("total(count(i))", "seen(i)", "lattice total: max<int>;"), "total#1");
    expect(edge!.monotone).toBe(true);
  });

  it("count into max<int> over a channel, a scratch or a table touched by <- is N (non-persistent-count)", () => {
    const channel = edgesOf(counts("total(count(i))", "ping(_, i)", "lattice total: max<int>;"), "total#1");
    const scratch = edgesOf(counts("total(count(i))", "recent(i)", "lattice total: max<int>;"), "total#1");
    const mutated = edgesOf(
      counts("total(count(i))", "seen(i)", "lattice total: max<int>; input forget(id: int);\nseen(i) <- seen(i), forget(i);"),
      "total#1",
    );
    for (const edges of [channel, scratch, mutated]) {
      expect(edges[0]!.reasons).toEqual([{ kind: "aggregate", function: "count", into: "non-persistent-count" }]);
    }
  });

  it("max into max<T>, min into min<T> and collect into set<T> respect the lattice; sum into max does not", () => {
    const text = `
      channel bid(@to: addr, who: string, price: int);
      lattice hi: max<int>; lattice lo: min<int>; lattice who: set<string>; lattice spent: max<int>;
      hi(max(p)) <= bid(_, _, p);
      lo(min(p)) <= bid(_, _, p);
      who(collect(w)) <= bid(_, w, _);
      spent(sum(p)) <= bid(_, _, p);`;
    const edges = buildEdges(checked(text));
    expect(edges.map((e) => e.monotone)).toEqual([true, true, true, false]);
    expect(edges[3]!.reasons).toEqual([{ kind: "aggregate", function: "sum", into: "mismatched-lattice" }]);
  });

  it("a negated atom in an aggregate rule carries both reasons and the intersection of gates", () => {
    const edges = edgesOf(
      `table a(g: int, x: int); table b(g: int, x: int); scratch n(g: int, c: int);
       n(g, count(x)) <= a(g, x), !b(g, x);`,
      "n#1",
    );
    expect(reasonKinds(edges[1]!)).toEqual(["negation", "aggregate:plain"]);
    expect(edges[1]!.gate).toEqual([0]);
    expect(edges[1]!.operatorText).toBe("!b(g, x)");
  });
});

describe("edges: <- and <+-", () => {
  it("every body edge is N, gated on the target's key as copied from the atom", () => {
    const edges = edgesOf(
      `channel put(@to: addr, key: string, value: string); input who(key: string);
       table kvs(key: string, value: string) key(key);
       kvs(k, v) <+- put(_, k, v), who(k);`,
      "kvs#1",
    );
    expect(edges.map((e) => reasonKinds(e))).toEqual([["upsert"], ["upsert"]]);
    expect(edges[0]!.gate).toEqual([1]);
    expect(edges[1]!.gate).toEqual([0]);
    expect(edges[0]!.operatorText).toBe("kvs(k, v) <+-");
  });

  it("a delete without a key is gated on every column it copies", () => {
    const [edge] = edgesOf(
      `table cache(key: string, value: string); input evict(key: string);
       cache(k, v) <- cache(k, v), evict(k);`,
      "cache#1",
    );
    expect(reasonKinds(edge!)).toEqual(["delete"]);
    expect(edge!.gate).toEqual([0, 1]);
  });
});

describe("edges: reads of lattice values", () => {
  const LATTICES = `
    channel bid(@to: addr, item: string, price: int);
    lattice high(item: string; price: max<int>);
    lattice best(item: string; cost: min<int>);
    lattice members(item: string; who: set<string>);
    lattice any_fire(item: string; on: bool_or);
    lattice all_ok(item: string; ok: bool_and);
    table out(item: string);
    table priced(item: string, price: int);
    lattice mirror(item: string; price: max<int>);
    lattice low(item: string; price: min<int>);
    table reserve(item: string, price: int);
  `;
  const read = (rule: string): IrEdge => edgesOf(LATTICES + rule, rule.slice(0, rule.indexOf("(")) + "#1")[0]!;
  const use = (edge: IrEdge): string | null => {
    const reason = edge.reasons.find((r): r is Extract<NonMonotoneReason, { kind: "lattice-read" }> => r.kind === "lattice-read");
    return reason?.use ?? null;
  };

  it.each([
    ["out(i) <= high(i, p), p >= 100;"],
    ["out(i) <= high(i, p), p > 100;"],
    ["out(i) <= high(i, p), 100 <= p;"],
    ["out(i) <= best(i, c), c <= 10;"],
    ["out(i) <= best(i, c), c < 10;"],
    ["out(i) <= members(i, s), size(s) >= 2;"],
    ["out(i) <= members(i, s), contains(s, \"ann\");"],
    ["out(i) <= any_fire(i, b), b;"],
    ["out(i) <= any_fire(i, b), b == true;"],
    ["out(i) <= all_ok(i, b), !b;"],
    ["out(i) <= all_ok(i, b), b == false;"],
    ["out(w) <= members(_, s), w in s;"],
    ["mirror(i, p) <= high(i, p);"],
    ["mirror(i, p + 1) <= high(i, p);"],
    ["mirror(i, max2(p, 3)) <= high(i, p);"],
    ["low(i, -p) <= high(i, p);"],
    ["out(i) <= high(i, p), p - 5 >= 100;"],
  ])("monotone: %s", (text) => {
    const edge = read(text);
    expect(edge.reasons, text).toEqual([]);
    expect(edge.monotone).toBe(true);
  });

  it.each([
    ["out(i) <= high(i, p), p < 100;", "against-direction"],
    ["out(i) <= high(i, p), p <= 100;", "against-direction"],
    ["out(i) <= best(i, c), c > 10;", "against-direction"],
    ["out(i) <= best(i, c), c >= 10;", "against-direction"],
    ["out(i) <= members(i, s), size(s) < 2;", "against-direction"],
    ["out(i) <= members(i, s), !contains(s, \"ann\");", "against-direction"],
    ["out(i) <= any_fire(i, b), !b;", "against-direction"],
    ["out(i) <= any_fire(i, b), b == false;", "against-direction"],
    ["out(i) <= all_ok(i, b), b;", "against-direction"],
    ["out(i) <= high(i, p), p == 100;", "equality"],
    ["out(i) <= members(i, s), size(s) == 3;", "equality"],
    ["out(i) <= high(i, p), reserve(i, p);", "join-on-value"],
    ["out(i) <= high(i, 100);", "constant"],
    ["priced(i, p) <= high(i, p);", "copy-to-plain"],
    ["priced(i, p % 7) <= high(i, p);", "copy-to-plain"],
    ["low(i, p) <= high(i, p);", "against-direction"],
  ])("non-monotone: %s (%s)", (text, expected) => {
    const edge = read(text);
    expect(edge.monotone, text).toBe(false);
    expect(use(edge)).toBe(expected);
    expect(edge.gate).toEqual([0]);
  });

  it("names the offending expression and points at it", () => {
    const edge = read("out(i) <= high(i, p), p < 100;");
    expect(edge.operatorText).toBe("p < 100");
    expect(edge.span.line).toBe(edge.span.line);
    expect(edge.span.endColumn - edge.span.column).toBe("p < 100".length);
  });

  it("an extern over a lattice value is N (extern)", () => {
    const text = `extern fn bucket(p: int): string from "./b.ts";
      lattice high(item: string; price: max<int>); table labelled(item: string, b: string);
      labelled(i, bucket(p)) <= high(i, p);`;
    const file = makeSource("/edges/test.hydro", text);
    const parsed = parseProgram(file);
    const resolved = resolveProgram({ file, program: parsed.program }, memoryHost({ "/edges/test.hydro": text, "/edges/b.ts": "export const bucket = (p: number) => String(p);" }));
    const typed = typecheck(resolved.program);
    expect(typed.program).not.toBeNull();
    const [edge] = buildEdges(typed.program!);
    expect(use(edge!)).toBe("extern");
    expect(edge!.operatorText).toBe("bucket(p)");
  });
});

describe("edges: hand-built CheckedProgram", () => {
  it("reads only the CheckedProgram contract", () => {
    const built = program(
      [
        collection("vote", "channel", "@to: addr, tx: int, voter: string"),
        collection("votes", "table", "tx: int, voter: string"),
        collection("done", "table", "tx: int"),
        collection("tally", "scratch", "tx: int, n: int"),
        collection("open", "table", "tx: int"),
      ],
      [
        rule("votes", "<=", ["t", "p"], [atom("vote", "_", "t", "p")]),
        rule("tally", "<=", ["t", agg("count", "p")], [atom("votes", "t", "p")]),
        rule("open", "<=", ["t"], [atom("votes", "t", "_"), not("done", "t"), where(bin(">", v("t"), k(0)))]),
      ],
    );
    const edges = buildEdges(built.program);
    expect(edges.map((e) => `${e.from}->${e.to} ${e.monotone ? "M" : "N"} ${e.gate === null ? "-" : e.gate.join(",")}`)).toEqual([
      "vote->votes M -",
      "votes->tally N 0",
      "votes->open M -",
      "done->open N 0",
    ]);
  });
});
