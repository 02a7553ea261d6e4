// LANGUAGE.md §5 step 3: `<=` rules to a fixpoint, stratum by stratum; recursion (semi-naive),
// mutual recursion, stratified negation, recursion through lattices, and recursive tables that
// grow across ticks.

import { describe, expect, it } from "vitest";
import { nodeOf, outputsOf, tickWith } from "./semantics-harness.ts";

/** The transitive closure of `edges`, computed naively. */
function closure(edges: readonly (readonly [number, number])[]): number[][] {
  const reach = new Set(edges.map(([x, y]) => `${x},${y}`));
  let grew = true;
  while (grew) {
    grew = false;
    for (const pair of [...reach]) {
      const [x, y] = pair.split(",").map(Number);
      for (const [a, b] of edges) {
        if (a === y && !reach.has(`${x},${b}`)) {
          reach.add(`${x},${b}`);
          grew = true;
        }
      }
    }
  }
  return [...reach].map((pair) => pair.split(",").map(Number)).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
}

describe("recursion", () => {
  it("computes the closure of a random graph, left- and right-recursively", async () => {
    const edges: [number, number][] = [];
    let seed = 7;
    for (let i = 0; i < 60; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const x = seed % 25;
      seed = (seed * 1103515245 + 12345) % 2147483648;
      edges.push([x, seed % 25]);
    }
    const node = await nodeOf(`
      input edge(x: int, y: int);
      scratch left(x: int, y: int);
      scratch right(x: int, y: int);
      output l(x: int, y: int);
      output r(x: int, y: int);
      left(x, y) <= edge(x, y);
      left(x, z) <= left(x, y), edge(y, z);
      right(x, y) <= edge(x, y);
      right(x, z) <= edge(x, y), right(y, z);
      l(x, y) <= left(x, y);
      r(x, y) <= right(x, y);
    `);
    const outputs = outputsOf(tickWith(node, { edge: edges }));
    expect(outputs.l).toEqual(closure(edges));
    expect(outputs.r).toEqual(closure(edges));
  });

  it("handles non-linear recursion (path joined with path)", async () => {
    const node = await nodeOf(`
      input edge(x: int, y: int);
      scratch path(x: int, y: int);
      output out(x: int, y: int);
      path(x, y) <= edge(x, y);
      path(x, z) <= path(x, y), path(y, z);
      out(x, y) <= path(x, y);
    `);
    const chain = Array.from({ length: 30 }, (_, i) => [i, i + 1] as [number, number]);
    expect(outputsOf(tickWith(node, { edge: chain })).out).toEqual(closure(chain));
  });

  it("handles mutual recursion", async () => {
    const node = await nodeOf(`
      input next(x: int, y: int);
      scratch even(x: int);
      scratch odd(x: int);
      output evens(x: int);
      even(0) <= next(_, _);
      odd(y) <= even(x), next(x, y);
      even(y) <= odd(x), next(x, y);
      evens(x) <= even(x);
    `);
    const next = Array.from({ length: 10 }, (_, i) => [i, i + 1]);
    expect(outputsOf(tickWith(node, { next })).evens).toEqual([[0], [2], [4], [6], [8], [10]]);
  });

  it("stratifies negation: the negated collection is complete before it is read", async () => {
    const node = await nodeOf(`
      input edge(x: int, y: int);
      input node(x: int);
      scratch reach(x: int);
      output unreachable(x: int);
      reach(1) <= node(1);
      reach(y) <= reach(x), edge(x, y);
      unreachable(x) <= node(x), !reach(x);
    `);
    const result = tickWith(node, { node: [[1], [2], [3], [4], [5]], edge: [[1, 2], [2, 3], [4, 5]] });
    expect(outputsOf(result).unreachable).toEqual([[4], [5]]);
  });

  it("negates with wildcards and with no positive atom", async () => {
    const node = await nodeOf(`
      input heartbeat(from: string, n: int);
      input known(from: string);
      output alarm();
      output silent(from: string);
      alarm() <= !heartbeat(_, _);
      silent(f) <= known(f), !heartbeat(f, _);
    `);
    expect(outputsOf(tickWith(node, { known: [["a"], ["b"]], heartbeat: [["a", 1]] }))).toEqual({ silent: [["b"]] });
    expect(outputsOf(tickWith(node, { known: [["a"]] }))).toEqual({ alarm: [[]], silent: [["a"]] });
  });

  it("finds shortest paths through a min<int> lattice recursion", async () => {
    const node = await nodeOf(`
      input edge(from: string, to: string, cost: int);
      input source(node: string);
      lattice dist(node: string; cost: min<int>);
      dist(n, 0) <= source(n);
      dist(to, d + c) <= dist(from, d), edge(from, to, c);
    `);
    tickWith(node, {
      source: [["a"]],
      edge: [["a", "b", 4], ["a", "c", 1], ["c", "b", 1], ["b", "d", 1], ["c", "d", 5], ["d", "a", 1]],
    });
    expect(node.read("dist")).toEqual([["a", 0], ["b", 2], ["c", 1], ["d", 3]]);
  });

  it("extends a persistent recursive table with edges arriving in later ticks", async () => {
    const node = await nodeOf(`
      input edge(x: int, y: int);
      table link(x: int, y: int);
      table path(x: int, y: int);
      link(x, y) <= edge(x, y);
      path(x, y) <= link(x, y);
      path(x, z) <= path(x, y), link(y, z);
    `);
    tickWith(node, { edge: [[1, 2], [2, 3]] });
    expect(node.read("path")).toEqual([[1, 2], [1, 3], [2, 3]]);
    tickWith(node, { edge: [[3, 4]] });
    expect(node.read("path")).toEqual([[1, 2], [1, 3], [1, 4], [2, 3], [2, 4], [3, 4]]);
    tickWith(node, { edge: [[0, 1]] });
    expect(node.read("path")).toEqual(closure([[0, 1], [1, 2], [2, 3], [3, 4]]));
  });

  it("reads a delta after a binding and probes constants through an index", async () => {
    const node = await nodeOf(`
      input edge(x: int, y: int);
      scratch from_one(y: int);
      scratch path(x: int, y: int);
      output out(y: int);
      output tagged(k: int, x: int, y: int);
      from_one(y) <= edge(1, y);
      from_one(z) <= from_one(y), edge(y, z);
      path(x, y) <= edge(x, y);
      path(x, z) <= k = 1, path(x, y), edge(y, z), k > 0;
      out(y) <= from_one(y);
      tagged(k, x, y) <= path(x, y), k = x * 10, x = 1;
    `);
    const outputs = outputsOf(tickWith(node, { edge: [[1, 2], [2, 3], [3, 4], [7, 8]] }));
    expect(outputs.out).toEqual([[2], [3], [4]]);
    expect(outputs.tagged).toEqual([[10, 1, 2], [10, 1, 3], [10, 1, 4]]);
    expect(node.read("path")).toEqual(closure([[1, 2], [2, 3], [3, 4], [7, 8]]));
  });

  it("runs rules of one stratum in dependency order", async () => {
    const node = await nodeOf(`
      input edge(x: int, y: int);
      scratch hop2(x: int, z: int);
      scratch hop3(x: int, w: int);
      output out(x: int, w: int);
      out(x, w) <= hop3(x, w);
      hop3(x, w) <= hop2(x, z), edge(z, w);
      hop2(x, z) <= edge(x, y), edge(y, z);
    `);
    expect(outputsOf(tickWith(node, { edge: [[1, 2], [2, 3], [3, 4]] })).out).toEqual([[1, 4]]);
  });
});
