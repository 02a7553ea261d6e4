// LANGUAGE.md §5, collection lifetimes: which collections persist across ticks, which hold only
// this tick's tuples, and when `<+` tuples, facts and self-sends become visible.

import { describe, expect, it } from "vitest";
import { nodeOf, outputsOf, tickWith } from "./semantics-harness.ts";

describe("collection lifetimes", () => {
  it("keeps table tuples across ticks and scratch tuples for one tick only", async () => {
    const node = await nodeOf(`
      input add(x: int);
      table kept(x: int);
      scratch now(x: int);
      kept(x) <= add(x);
      now(x) <= add(x);
    `);
    tickWith(node, { add: [[1]] });
    expect(node.read("kept")).toEqual([[1]]);
    expect(node.read("now")).toEqual([[1]]);
    expect(node.read("add")).toEqual([[1]]);
    tickWith(node, { add: [[2]] });
    expect(node.read("kept")).toEqual([[1], [2]]);
    expect(node.read("now")).toEqual([[2]]);
    expect(node.read("add")).toEqual([[2]]);
    tickWith(node, {});
    expect(node.read("kept")).toEqual([[1], [2]]);
    expect(node.read("now")).toEqual([]);
    expect(node.read("add")).toEqual([]);
  });

  it("emits outputs in the tick that derives them only", async () => {
    const node = await nodeOf(`
      input ping(n: int);
      output pong(n: int);
      pong(n) <= ping(n);
    `);
    expect(outputsOf(tickWith(node, { ping: [[7]] }))).toEqual({ pong: [[7]] });
    expect(outputsOf(tickWith(node, {}))).toEqual({});
  });

  it("gives a scratch its <+ tuples in the next tick only", async () => {
    const node = await nodeOf(`
      input go(n: int);
      scratch later(n: int);
      output seen(n: int);
      later(n) <+ go(n);
      seen(n) <= later(n);
    `);
    expect(outputsOf(tickWith(node, { go: [[1]] }))).toEqual({});
    expect(node.read("later")).toEqual([]);
    expect(node.hasPending()).toBe(true);
    expect(outputsOf(node.tick())).toEqual({ seen: [[1]] });
    expect(node.hasPending()).toBe(false);
    expect(outputsOf(node.tick())).toEqual({});
    expect(node.read("later")).toEqual([]);
  });

  it("makes <+ into a table visible from the next tick on, and <= visible within the tick", async () => {
    const node = await nodeOf(`
      input go(n: int);
      table deferred(n: int);
      table immediate(n: int);
      output deferred_seen(n: int);
      output immediate_seen(n: int);
      deferred(n) <+ go(n);
      immediate(n) <= go(n);
      deferred_seen(n) <= deferred(n);
      immediate_seen(n) <= immediate(n);
    `);
    expect(outputsOf(tickWith(node, { go: [[1]] }))).toEqual({ immediate_seen: [[1]] });
    expect(outputsOf(node.tick())).toEqual({ deferred_seen: [[1]], immediate_seen: [[1]] });
    expect(outputsOf(node.tick())).toEqual({ deferred_seen: [[1]], immediate_seen: [[1]] });
  });

  it("inserts facts at tick 0: tables keep them, scratches, inputs and outputs only in tick 0", async () => {
    const node = await nodeOf(`
      table t(n: int);
      scratch s(n: int);
      input i(n: int);
      output o(n: int);
      output from_s(n: int);
      output from_i(n: int);
      t(1);
      s(2);
      i(3);
      o(4);
      from_s(n) <= s(n);
      from_i(n) <= i(n);
    `);
    expect(outputsOf(node.tick())).toEqual({ o: [[4]], from_s: [[2]], from_i: [[3]] });
    expect(node.read("t")).toEqual([[1]]);
    expect(outputsOf(node.tick())).toEqual({});
    expect(node.read("t")).toEqual([[1]]);
    expect(node.read("s")).toEqual([]);
    expect(node.read("i")).toEqual([]);
  });

  it("delivers a message sent to this node in the next tick and reports it among the sends", async () => {
    const node = await nodeOf(
      `
      input start(n: int);
      channel msg(@to: addr, n: int);
      output got(n: int);
      msg(me(), n) <~ start(n);
      msg("other", n + 100) <~ start(n);
      got(n) <= msg(_, n);
    `,
      { me: "n1" },
    );
    const first = tickWith(node, { start: [[5]] });
    expect(first.failed).toBeUndefined();
    if (first.failed) return;
    expect(first.sent).toEqual([
      { to: "n1", channel: "msg", tuple: ["n1", 5] },
      { to: "other", channel: "msg", tuple: ["other", 105] },
    ]);
    expect(first.outputs).toEqual({});
    expect(node.hasPending()).toBe(true);
    expect(outputsOf(node.tick())).toEqual({ got: [[5]] });
    expect(node.hasPending()).toBe(false);
  });

  it("takes channel tuples pushed from outside as arrivals of one tick", async () => {
    const node = await nodeOf(`
      channel vote(@to: addr, voter: string);
      output voters(v: string);
      voters(v) <= vote(_, v);
    `);
    expect(outputsOf(tickWith(node, { vote: [["self", "a"], ["self", "b"]] }))).toEqual({ voters: [["a"], ["b"]] });
    expect(outputsOf(tickWith(node, {}))).toEqual({});
  });

  it("fires a periodic only with the tuples given to it", async () => {
    const node = await nodeOf(`
      periodic every_second(1s);
      output fired(n: int);
      fired(n) <= every_second(n);
    `);
    expect(outputsOf(tickWith(node, {}))).toEqual({});
    expect(outputsOf(tickWith(node, { every_second: [[7]] }))).toEqual({ fired: [[7]] });
    expect(outputsOf(tickWith(node, {}))).toEqual({});
  });
});
