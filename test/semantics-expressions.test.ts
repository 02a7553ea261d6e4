// LANGUAGE.md §4/§5 expressions: arithmetic (truncating int division, `%` with the dividend's
// sign, float promotion, precedence, unary minus), string operations, every built-in, `in`
// over sets, maps and ranges, bindings that compare when already bound, and me().

import { describe, expect, it } from "vitest";
import { FIXED_CONTEXT, nodeOf, outputsOf, tickWith } from "./semantics-harness.ts";
import { hashValue } from "../runtime/values.ts";

async function evaluate(head: string, expression: string, arrivals: Record<string, unknown[][]> = { go: [[1]] }) {
  const node = await nodeOf(
    `
      input go(n: int);
      output result(${head});
      result(${expression}) <= go(_);
    `,
    { me: "node-a", context: FIXED_CONTEXT },
  );
  return outputsOf(tickWith(node, arrivals as never)).result;
}

describe("arithmetic", () => {
  it("truncates int division toward zero and gives % the dividend's sign", async () => {
    expect(await evaluate("a: int, b: int, c: int, d: int", "7 / 2, -7 / 2, 7 % 3, -7 % 3")).toEqual([[3, -3, 1, -1]]);
  });

  it("promotes to float when an operand is a float", async () => {
    expect(await evaluate("a: float, b: float", "7 / 2.0, 1.5 + 1")).toEqual([[3.5, 2.5]]);
  });

  it("binds * / % tighter than + - ++, and applies unary minus to any expression", async () => {
    expect(await evaluate("a: int, b: int, c: string", '1 + 2 * 3, -(2 + 3) * 2, "n" ++ to_string(1 + 2)')).toEqual([[7, -10, "n3"]]);
  });
});

describe("built-ins", () => {
  it("works on strings", async () => {
    const result = await evaluate(
      "a: int, b: string, c: string, d: string, e: string, f: bool, g: bool, h: bool",
      'len("héllo"), lower("AbC"), upper("AbC"), substr("abcdef", 2, 3), substr("abc", 1, 10), contains("haystack", "st"), matches("a1b2", "^[a-z0-9]+$"), "B" < "a"',
    );
    expect(result).toEqual([[5, "abc", "ABC", "cde", "bc", true, true, true]]);
  });

  it("works on numbers and conversions", async () => {
    const result = await evaluate(
      "a: int, b: float, c: int, d: int, e: int, f: float, g: int, h: float, i: string",
      'abs(-4), abs(-1.5), min2(3, 9), max2(3, 9), pow(2, 10), pow(2.0, 0.5), to_int("42"), to_float("1e-3"), to_string(2.5)',
    );
    expect(result).toEqual([[4, 1.5, 3, 9, 1024, Math.SQRT2, 42, 0.001, "2.5"]]);
  });

  it("hashes deterministically and knows this node's address", async () => {
    const result = await evaluate("h: int, me: addr, t: int", 'hash("abc"), me(), now()');
    expect(result).toEqual([[hashValue("abc"), "node-a", FIXED_CONTEXT.now()]]);
  });
});

describe("bindings and memberships", () => {
  it("binds with = when unbound and compares when bound", async () => {
    const node = await nodeOf(`
      input pair(a: int, b: int);
      output doubled(a: int, d: int);
      output equal_double(a: int);
      doubled(a, d) <= pair(a, _), d = a * 2;
      equal_double(a) <= pair(a, b), b = a * 2;
    `);
    const outputs = outputsOf(tickWith(node, { pair: [[1, 2], [2, 5]] }));
    expect(outputs.doubled).toEqual([[1, 2], [2, 4]]);
    expect(outputs.equal_double).toEqual([[1]]);
  });

  it("binds each int of a range", async () => {
    const node = await nodeOf(`
      input upto(n: int);
      output each(i: int);
      each(i) <= upto(n), i in range(0, n);
    `);
    expect(outputsOf(tickWith(node, { upto: [[3]] })).each).toEqual([[0], [1], [2]]);
  });

  it("compares strings by code unit and joins string columns by value", async () => {
    const node = await nodeOf(`
      input person(name: string, city: string);
      input city(name: string, country: string);
      output lives(name: string, country: string);
      output early(name: string);
      lives(p, c) <= person(p, t), city(t, c);
      early(p) <= person(p, _), p < "b";
    `);
    const outputs = outputsOf(
      tickWith(node, { person: [["ann", "Oslo"], ["bob", "Lima"], ["Zed", "Oslo"]], city: [["Oslo", "NO"], ["Lima", "PE"]] }),
    );
    expect(outputs.lives).toEqual([["Zed", "NO"], ["ann", "NO"], ["bob", "PE"]]);
    expect(outputs.early).toEqual([["Zed"], ["ann"]]);
  });

  it("matches constants in atoms, including strings and bools", async () => {
    const node = await nodeOf(`
      input flag(name: string, on: bool);
      output on_names(name: string);
      output is_x(on: bool);
      on_names(n) <= flag(n, true);
      is_x(b) <= flag("x", b);
    `);
    const outputs = outputsOf(tickWith(node, { flag: [["x", false], ["y", true]] }));
    expect(outputs.on_names).toEqual([["y"]]);
    expect(outputs.is_x).toEqual([[false]]);
  });

  it("stores and compares any values structurally", async () => {
    const node = await nodeOf(`
      input doc(id: int, body: any);
      input wanted(body: any);
      output hits(id: int);
      hits(i) <= doc(i, b), wanted(b);
    `);
    const outputs = outputsOf(tickWith(node, { doc: [[1, { a: 1, b: [2] }], [2, { a: 2 }]], wanted: [[{ b: [2], a: 1 }]] }));
    expect(outputs.hits).toEqual([[1]]);
  });
});
