// LANGUAGE.md §3/§5 lattice columns: a collection with lattice columns maps its other columns to
// lattice values and merges what is derived; a key holds a tuple only once a value above bottom
// was merged; every lattice type's merge; thresholds in the lattice's direction; `<=` merges in
// the tick, `<+` at the next one; a scalar lattice shows as one tuple or none.

import { describe, expect, it } from "vitest";
import { FIXED_CONTEXT, nodeOf, outputsOf, tickWith } from "./semantics-harness.ts";

describe("lattice columns", () => {
  it("merges max, min, set, bool_or and bool_and per key", async () => {
    const node = await nodeOf(`
      input obs(k: string, n: int, flag: bool);
      lattice high(k: string; v: max<int>);
      lattice low(k: string; v: min<int>);
      lattice seen(k: string; v: set<int>);
      lattice any_flag(k: string; v: bool_or);
      lattice all_flags(k: string; v: bool_and);
      high(k, n) <= obs(k, n, _);
      low(k, n) <= obs(k, n, _);
      seen(k, n) <= obs(k, n, _);
      any_flag(k, f) <= obs(k, _, f);
      all_flags(k, f) <= obs(k, _, f);
    `);
    tickWith(node, { obs: [["a", 3, false], ["a", 7, false], ["b", 1, true]] });
    expect(node.read("high")).toEqual([["a", 7], ["b", 1]]);
    expect(node.read("low")).toEqual([["a", 3], ["b", 1]]);
    expect(node.read("seen")).toEqual([["a", [3, 7]], ["b", [1]]]);
    expect(node.read("any_flag")).toEqual([["b", true]]);
    // bool_and's bottom is true: "b" merged only true, so it holds no tuple yet.
    expect(node.read("all_flags")).toEqual([["a", false]]);
    tickWith(node, { obs: [["a", 5, true], ["b", 0, false]] });
    expect(node.read("high")).toEqual([["a", 7], ["b", 1]]);
    expect(node.read("low")).toEqual([["a", 3], ["b", 0]]);
    expect(node.read("seen")).toEqual([["a", [3, 5, 7]], ["b", [0, 1]]]);
    expect(node.read("any_flag")).toEqual([["a", true], ["b", true]]);
    expect(node.read("all_flags")).toEqual([["a", false], ["b", false]]);
  });

  it("holds a key only once a value above bottom was merged into it", async () => {
    const node = await nodeOf(`
      input put(k: string, flag: bool);
      lattice flags(k: string; v: bool_or);
      flags(k, f) <= put(k, f);
    `);
    tickWith(node, { put: [["a", false]] });
    expect(node.read("flags")).toEqual([]);
    tickWith(node, { put: [["a", true]] });
    expect(node.read("flags")).toEqual([["a", true]]);
  });

  it("shows a scalar lattice as one tuple holding its value, or none while unset", async () => {
    const node = await nodeOf(`
      input n(x: int);
      lattice total: max<int>;
      output reached(x: int);
      total(x) <= n(x);
      reached(v) <= total(v), v >= 10;
    `);
    tickWith(node, {});
    expect(node.read("total")).toEqual([]);
    expect(outputsOf(tickWith(node, { n: [[4], [2]] }))).toEqual({});
    expect(node.read("total")).toEqual([[4]]);
    expect(outputsOf(tickWith(node, { n: [[12]] }))).toEqual({ reached: [[12]] });
    expect(outputsOf(tickWith(node, { n: [[3]] }))).toEqual({ reached: [[12]] });
  });

  it("tests set thresholds with size and contains", async () => {
    const node = await nodeOf(`
      input vote(voter: addr, item: string);
      lattice votes(item: string; voters: set<addr>);
      output quorum(item: string);
      output alice_voted(item: string);
      votes(i, v) <= vote(v, i);
      quorum(i) <= votes(i, s), size(s) >= 2;
      alice_voted(i) <= votes(i, s), contains(s, "alice");
    `);
    expect(outputsOf(tickWith(node, { vote: [["alice", "x"], ["bob", "y"]] }))).toEqual({ alice_voted: [["x"]] });
    expect(outputsOf(tickWith(node, { vote: [["carol", "x"]] }))).toEqual({ quorum: [["x"]], alice_voted: [["x"]] });
  });

  it("merges with <= within the tick and with <+ at the next tick", async () => {
    const node = await nodeOf(`
      input add(k: string, n: int);
      lattice now_max(k: string; v: max<int>);
      lattice later_max(k: string; v: max<int>);
      output now_seen(k: string, v: int);
      output later_seen(k: string, v: int);
      now_max(k, n) <= add(k, n);
      later_max(k, n) <+ add(k, n);
      now_seen(k, v) <= now_max(k, v);
      later_seen(k, v) <= later_max(k, v);
    `);
    expect(outputsOf(tickWith(node, { add: [["a", 1]] }))).toEqual({ now_seen: [["a", 1]] });
    expect(outputsOf(tickWith(node, { add: [["a", 5]] }))).toEqual({ now_seen: [["a", 5]], later_seen: [["a", 1]] });
    expect(outputsOf(tickWith(node, {}))).toEqual({ now_seen: [["a", 5]], later_seen: [["a", 5]] });
  });

  it("iterates set elements with `in`, map keys with keys(), and reads map values with at()", async () => {
    const node = await nodeOf(`
      input score(player: string, game: string, points: int);
      lattice best(player: string; per_game: map<string, max<int>>);
      lattice games(player: string; names: set<string>);
      output flat(player: string, game: string, points: int);
      output names(player: string, game: string);
      best(p, entry(g, n)) <= score(p, g, n);
      games(p, g) <= score(p, g, _);
      flat(p, g, at(m, g)) <= best(p, m), g in keys(m);
      names(p, g) <= games(p, s), g in s;
    `);
    tickWith(node, { score: [["ann", "chess", 3], ["ann", "go", 5], ["ann", "chess", 9]] });
    expect(node.read("best")).toEqual([["ann", [["chess", 9], ["go", 5]]]]);
    expect(node.read("flat")).toEqual([["ann", "chess", 9], ["ann", "go", 5]]);
    expect(node.read("names")).toEqual([["ann", "chess"], ["ann", "go"]]);
  });

  it("keeps the last writer of an lww register and counts per node with a counter", async () => {
    const node = await nodeOf(
      `
      input write(k: string, ts: int, writer: addr, v: string);
      input local(k: string, v: string);
      lattice register(k: string; v: lww<string>);
      lattice hits(k: string; n: counter);
      output value(k: string, v: string);
      output total(k: string, n: int);
      register(k, entry_lww(ts, w, v)) <= write(k, ts, w, v);
      register(k, entry_lww(now(), me(), v)) <= local(k, v);
      hits(k, 1) <= write(k, _, _, _);
      value(k, v) <= register(k, v);
      total(k, n) <= hits(k, n);
    `,
      { me: "n1", context: FIXED_CONTEXT },
    );
    const first = outputsOf(tickWith(node, { write: [["a", 5, "x", "old"], ["a", 9, "y", "new"], ["a", 9, "x", "tie"]] }));
    // (9, "y") beats (9, "x"): ties on the timestamp go to the larger node.
    expect(first.value).toEqual([["a", "new"]]);
    expect(node.read("register")).toEqual([["a", [9, "y", "new"]]]);
    // A local write is stamped with now() and this node: it wins over timestamp 9.
    expect(outputsOf(tickWith(node, { local: [["a", "mine"]] })).value).toEqual([["a", "mine"]]);
    expect(node.read("register")).toEqual([["a", [FIXED_CONTEXT.now(), "n1", "mine"]]]);
    expect(first.total).toEqual([["a", 1]]);
  });

  it("merges pairs component-wise", async () => {
    const node = await nodeOf(`
      input obs(k: string; v: pair<max<int>, set<string>>);
      lattice summary(k: string; v: pair<max<int>, set<string>>);
      summary(k, v) <= obs(k, v);
    `);
    tickWith(node, { obs: [["a", [3, ["x"]]], ["a", [1, ["y"]]]] });
    expect(node.read("summary")).toEqual([["a", [3, ["x", "y"]]]]);
    tickWith(node, { obs: [["a", [5, []]]] });
    expect(node.read("summary")).toEqual([["a", [5, ["x", "y"]]]]);
  });
});
