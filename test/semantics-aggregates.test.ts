// LANGUAGE.md §4 aggregates: over the distinct bindings of all body variables (each `_` its
// own variable), grouped by the non-aggregate head columns; the empty-group rule; several
// rules into one head give the union.

import { describe, expect, it } from "vitest";
import { nodeOf, outputsOf, tickWith } from "./semantics-harness.ts";

const SALES = {
  sale: [
    ["north", "apple", 3],
    ["north", "pear", 5],
    ["north", "plum", 3],
    ["south", "apple", 10],
  ],
};

describe("aggregates", () => {
  it("computes every aggregate per group", async () => {
    const node = await nodeOf(`
      input sale(region: string, item: string, amount: int);
      output stats(region: string, n: int, distinct_amounts: int, total: int, low: int, high: int, mean: float, first: string);
      output items(region: string; names: set<string>);
      stats(r, count(), count(a), sum(a), min(a), max(a), avg(a), choose(i)) <= sale(r, i, a);
      items(r, collect(i)) <= sale(r, i, _);
    `);
    const outputs = outputsOf(tickWith(node, SALES));
    expect(outputs.stats).toEqual([
      ["north", 3, 2, 11, 3, 5, 11 / 3, "apple"],
      ["south", 1, 1, 10, 10, 10, 10, "apple"],
    ]);
    expect(outputs.items).toEqual([
      ["north", ["apple", "pear", "plum"]],
      ["south", ["apple"]],
    ]);
  });

  it("ranges over distinct bindings, not over derivations", async () => {
    const node = await nodeOf(`
      input order(id: int, customer: string, amount: int);
      scratch paid(customer: string, amount: int);
      output per_customer(c: string, total: int);
      output named(total: int);
      output distinct_amounts(total: int);
      output orders(n: int);
      per_customer(c, sum(a)) <= order(_, c, a);
      named(sum(a)) <= order(customer: c, amount: a);
      paid(c, a) <= order(_, c, a);
      distinct_amounts(sum(a)) <= paid(_, a);
      orders(count()) <= order(_, _, _);
    `);
    const outputs = outputsOf(tickWith(node, { order: [[1, "x", 5], [2, "x", 5], [3, "y", 7]] }));
    // `_` counts as a variable of its own: both orders of 5 by x count.
    expect(outputs.per_customer).toEqual([["x", 10], ["y", 7]]);
    // Columns the named form leaves out are wildcards too.
    expect(outputs.named).toEqual([[17]]);
    // Projected into a set first, (x, 5) is one tuple.
    expect(outputs.distinct_amounts).toEqual([[12]]);
    expect(outputs.orders).toEqual([[3]]);
  });

  it("gives count and sum 0 and collect the empty set over nothing, and no row for the others", async () => {
    const node = await nodeOf(`
      input item(n: int);
      output n_items(n: int);
      output total(n: int);
      output all(s: any);
      output all_set(k: int; s: set<int>);
      output smallest(n: int);
      output largest(n: int);
      output mean(x: float);
      output any_one(n: int);
      output grouped(k: int, n: int);
      n_items(count()) <= item(_);
      total(sum(n)) <= item(n);
      all(collect(n)) <= item(n);
      all_set(0, collect(n)) <= item(n);
      smallest(min(n)) <= item(n);
      largest(max(n)) <= item(n);
      mean(avg(n)) <= item(n);
      any_one(choose(n)) <= item(n);
      grouped(n, count()) <= item(n);
    `);
    // An empty set merged into a set<int> column is bottom: the key holds no tuple.
    expect(outputsOf(tickWith(node, {}))).toEqual({ n_items: [[0]], total: [[0]], all: [[[]]] });
    expect(outputsOf(tickWith(node, { item: [[4], [2]] }))).toEqual({
      n_items: [[2]],
      total: [[6]],
      all: [[[2, 4]]],
      all_set: [[0, [2, 4]]],
      smallest: [[2]],
      largest: [[4]],
      mean: [[3]],
      any_one: [[2]],
      grouped: [[2, 1], [4, 1]],
    });
  });

  it("unions several aggregating rules into one head, each aggregating on its own", async () => {
    const node = await nodeOf(`
      input a(n: int);
      input b(n: int);
      output counts(source: string, n: int);
      counts("a", count()) <= a(_);
      counts("b", count()) <= b(_);
    `);
    expect(outputsOf(tickWith(node, { a: [[1], [2]], b: [[5]] })).counts).toEqual([["a", 2], ["b", 1]]);
  });

  it("aggregates strings and floats with the language's order", async () => {
    const node = await nodeOf(`
      input word(w: string, weight: float);
      output first(w: string);
      output last(w: string);
      output total(x: float);
      first(min(w)) <= word(w, _);
      last(max(w)) <= word(w, _);
      total(sum(x)) <= word(_, x);
    `);
    const outputs = outputsOf(tickWith(node, { word: [["b", 0.5], ["B", 1.25], ["a", 0.25]] }));
    expect(outputs.first).toEqual([["B"]]);
    expect(outputs.last).toEqual([["b"]]);
    expect(outputs.total).toEqual([[2]]);
  });

  it("aggregates after negation and joins, in a later stratum", async () => {
    const node = await nodeOf(`
      input edge(x: int, y: int);
      scratch hop3(x: int, w: int);
      scratch open3(x: int, w: int);
      output fanout(x: int, c: int);
      hop3(x, w) <= edge(x, y), edge(y, z), edge(z, w);
      open3(x, w) <= hop3(x, w), !edge(x, w), x != w;
      fanout(x, count()) <= open3(x, _);
    `);
    const edges = [[1, 2], [2, 3], [3, 4], [2, 5], [5, 4], [1, 4], [4, 6]];
    // 3-walks: 1→2→3→4, 1→2→5→4, 2→3→4→6, 2→5→4→6, 1→4→6→? none. 1-4 is an edge; 2-6 is not.
    expect(outputsOf(tickWith(node, { edge: edges })).fanout).toEqual([[2, 1]]);
  });

  it("collects into an any column as a JSON array", async () => {
    const node = await nodeOf(`
      input tag(item: string, t: string);
      output tags(item: string, all: any);
      tags(i, collect(t)) <= tag(i, t);
    `);
    expect(outputsOf(tickWith(node, { tag: [["x", "b"], ["x", "a"]] })).tags).toEqual([["x", ["a", "b"]]]);
  });
});

describe("aggregates over lattice values", () => {
  it("groups by a set value and counts per group", async () => {
    const node = await nodeOf(`
      input member(team: string, person: string);
      lattice teams(team: string; people: set<string>);
      output same_people(teams: int; people: set<string>);
      teams(t, p) <= member(t, p);
      same_people(count(), s) <= teams(_, s);
    `);
    const outputs = outputsOf(tickWith(node, { member: [["a", "x"], ["a", "y"], ["b", "y"], ["b", "x"], ["c", "z"]] }));
    expect(outputs.same_people).toEqual([[1, ["z"]], [2, ["x", "y"]]]);
  });
});
