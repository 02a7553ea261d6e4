// LANGUAGE.md §5, the tick: deferred deletes, upserts and inserts in that order at step 1;
// exact-tuple deletes; key constraints checked at the end of the producing tick (its contents
// and its deferred operations against the table as it will be); atomic, rolled-back failures.

import { describe, expect, it } from "vitest";
import { nodeOf, nodeOnDisk, outputsOf, tickWith } from "./semantics-harness.ts";

const KVS = `
  input put(key: string, value: string);
  input del(key: string, value: string);
  input ins(key: string, value: string);
  table kv(key: string, value: string) key(key);
  kv(k, v) <+- put(k, v);
  kv(k, v) <- del(k, v);
  kv(k, v) <+ ins(k, v);
`;

describe("deferred operations", () => {
  it("deletes only the exact tuple", async () => {
    const node = await nodeOf(KVS);
    tickWith(node, { put: [["a", "1"]] });
    tickWith(node, {});
    expect(node.read("kv")).toEqual([["a", "1"]]);
    tickWith(node, { del: [["a", "2"]] });
    tickWith(node, {});
    expect(node.read("kv")).toEqual([["a", "1"]]);
    tickWith(node, { del: [["a", "1"]] });
    expect(node.read("kv")).toEqual([["a", "1"]]);
    tickWith(node, {});
    expect(node.read("kv")).toEqual([]);
  });

  it("upserts replace the tuple holding the key", async () => {
    const node = await nodeOf(KVS);
    tickWith(node, { put: [["a", "1"], ["b", "1"]] });
    tickWith(node, { put: [["a", "2"]] });
    expect(node.read("kv")).toEqual([["a", "1"], ["b", "1"]]);
    tickWith(node, {});
    expect(node.read("kv")).toEqual([["a", "2"], ["b", "1"]]);
  });

  it("applies a delete and an insert of the same tuple from one tick as delete, then insert", async () => {
    const node = await nodeOf(KVS);
    tickWith(node, { ins: [["a", "1"]] });
    tickWith(node, { del: [["a", "1"]], ins: [["a", "1"]] });
    tickWith(node, {});
    expect(node.read("kv")).toEqual([["a", "1"]]);
  });

  it("applies deletes before upserts before inserts", async () => {
    const node = await nodeOf(KVS);
    tickWith(node, { ins: [["a", "1"]] });
    // Replace a's value by upsert and delete the old tuple in one tick: the upsert wins.
    tickWith(node, { del: [["a", "1"]], put: [["a", "2"]] });
    tickWith(node, {});
    expect(node.read("kv")).toEqual([["a", "2"]]);
    // A delete of the tuple an upsert writes does not remove it: the delete runs first.
    tickWith(node, { del: [["a", "3"]], put: [["a", "3"]] });
    tickWith(node, {});
    expect(node.read("kv")).toEqual([["a", "3"]]);
  });

  it("accepts a deferred insert whose key's old tuple is deleted in the same tick", async () => {
    const node = await nodeOf(KVS);
    tickWith(node, { ins: [["a", "1"]] });
    const result = tickWith(node, { del: [["a", "1"]], ins: [["a", "2"]] });
    expect(result.failed).toBeUndefined();
    tickWith(node, {});
    expect(node.read("kv")).toEqual([["a", "2"]]);
  });
});

describe("key constraints and atomic ticks", () => {
  it("fails a tick whose deferred insert would collide with the table, keeping the earlier state", async () => {
    const node = await nodeOf(KVS);
    tickWith(node, { ins: [["a", "1"]] });
    const failed = tickWith(node, { ins: [["a", "2"]] });
    expect(failed).toMatchObject({ tick: 1, failed: true });
    if (!failed.failed) return;
    expect(failed.error.message).toContain("key violation in kv");
    expect(failed.error.tuples).toEqual([["a", "1"], ["a", "2"]]);
    // The state after a failed tick is the state after its step 1 (tick 0's insert applied).
    expect(node.read("kv")).toEqual([["a", "1"]]);
    expect(node.hasPending()).toBe(false);
    expect(tickWith(node, {}).tick).toBe(2);
    expect(node.read("kv")).toEqual([["a", "1"]]);
  });

  it("fails a tick with two upserts of one key", async () => {
    const node = await nodeOf(KVS);
    const failed = tickWith(node, { put: [["a", "1"], ["a", "2"]] });
    expect(failed.failed).toBe(true);
    tickWith(node, {});
    expect(node.read("kv")).toEqual([]);
  });

  it("fails a tick whose <= derivations break a key, discarding its outputs, sends, state and deferred work", async () => {
    const node = await nodeOf(`
      input set(k: string, v: int);
      table current(k: string, v: int) key(k);
      table log(k: string, v: int);
      scratch later(k: string);
      channel note(@to: addr, k: string);
      output accepted(k: string, v: int);
      current(k, v) <= set(k, v);
      log(k, v) <= set(k, v);
      later(k) <+ set(k, _);
      note("peer", k) <~ set(k, _);
      accepted(k, v) <= set(k, v);
    `);
    const ok = tickWith(node, { set: [["a", 1]] });
    expect(outputsOf(ok)).toEqual({ accepted: [["a", 1]] });
    const failed = tickWith(node, { set: [["b", 1], ["b", 2]] });
    expect(failed.failed).toBe(true);
    if (!failed.failed) return;
    expect(failed.tick).toBe(1);
    expect(failed.error.tuples).toEqual([["b", 1], ["b", 2]]);
    expect(node.read("current")).toEqual([["a", 1]]);
    expect(node.read("log")).toEqual([["a", 1]]);
    // The arrivals of the failed tick are rejected, and what it deferred is dropped; what tick 0
    // deferred (later("a")) was applied in the failed tick's step 1.
    expect(node.read("set")).toEqual([]);
    expect(node.read("later")).toEqual([["a"]]);
    expect(node.hasPending()).toBe(false);
    const next = tickWith(node, {});
    expect(next).toEqual({ tick: 2, outputs: {}, sent: [] });
  });

  it("rolls back lattice values grown by a failing tick", async () => {
    const node = await nodeOf(`
      input bump(k: string, v: int);
      input boom(k: string, v: int);
      lattice best(k: string; v: max<int>);
      table unique(k: string, v: int) key(k);
      best(k, v) <= bump(k, v);
      unique(k, v) <= boom(k, v);
    `);
    tickWith(node, { bump: [["a", 1]] });
    const failed = tickWith(node, { bump: [["a", 9], ["b", 3]], boom: [["x", 1], ["x", 2]] });
    expect(failed.failed).toBe(true);
    expect(node.read("best")).toEqual([["a", 1]]);
    tickWith(node, { bump: [["a", 2]] });
    expect(node.read("best")).toEqual([["a", 2]]);
  });

  it("fails the tick on to_int of a non-number and on division by zero", async () => {
    const node = await nodeOf(`
      input text(s: string);
      input pair(a: int, b: int);
      output number(n: int);
      output quotient(q: int);
      number(to_int(s)) <= text(s);
      quotient(a / b) <= pair(a, b);
    `);
    expect(outputsOf(tickWith(node, { text: [["42"]] }))).toEqual({ number: [[42]] });
    const bad = tickWith(node, { text: [["forty"]] });
    expect(bad.failed).toBe(true);
    if (bad.failed) expect(bad.error.message).toContain("to_int");
    const zero = tickWith(node, { pair: [[1, 0]] });
    expect(zero.failed).toBe(true);
    expect(outputsOf(tickWith(node, { pair: [[7, 2]] }))).toEqual({ quotient: [[3]] });
  });

  it("fails the tick when an extern function throws, naming the function", async () => {
    const node = await nodeOnDisk(
      `
      extern fn check(n: int): int from "./udfs.ts";
      input n(x: int);
      output checked(x: int);
      checked(check(x)) <= n(x);
    `,
      { "udfs.ts": "export function check(n: number): number { if (n < 0) throw new Error('negative'); return n * 10; }\n" },
    );
    expect(outputsOf(tickWith(node, { n: [[2]] }))).toEqual({ checked: [[20]] });
    const failed = tickWith(node, { n: [[3], [-1]] });
    expect(failed.failed).toBe(true);
    if (failed.failed) expect(failed.error.message).toBe("extern function check failed: negative");
    expect(outputsOf(tickWith(node, { n: [[4]] }))).toEqual({ checked: [[40]] });
  });

  it("keeps the facts when tick 0 fails after them", async () => {
    const node = await nodeOf(`
      input set(k: string, v: int);
      table config(k: string, v: int) key(k);
      config("a", 1);
      config(k, v) <= set(k, v);
    `);
    const failed = tickWith(node, { set: [["a", 2]] });
    expect(failed.failed).toBe(true);
    expect(node.read("config")).toEqual([["a", 1]]);
    expect(tickWith(node, { set: [["b", 2]] }).failed).toBeUndefined();
    expect(node.read("config")).toEqual([["a", 1], ["b", 2]]);
  });

  it("holds at most one tuple under an empty key", async () => {
    const node = await nodeOf(`
      input set(v: int);
      table current(v: int) key();
      current(v) <+- set(v);
    `);
    tickWith(node, { set: [[1]] });
    tickWith(node, { set: [[2]] });
    tickWith(node, {});
    expect(node.read("current")).toEqual([[2]]);
    expect(tickWith(node, { set: [[3], [4]] }).failed).toBe(true);
  });

  it("checks keys of deferred inserts against the table after deferred deletes", async () => {
    const node = await nodeOf(`
      input move(k: string, old: string, new: string);
      table kv(key: string, value: string) key(key);
      kv("a", "1");
      kv(k, n) <+ move(k, _, n);
      kv(k, o) <- move(k, o, _);
    `);
    tickWith(node, {});
    const wrongOld = tickWith(node, { move: [["a", "9", "2"]] });
    expect(wrongOld.failed).toBe(true);
    const right = tickWith(node, { move: [["a", "1", "2"]] });
    expect(right.failed).toBeUndefined();
    tickWith(node, {});
    expect(node.read("kv")).toEqual([["a", "2"]]);
  });
});
