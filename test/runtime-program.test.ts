// The node API a host (a service, a simulator, an embedding program) drives: push and
// validation, ticks and their numbering, pending work, subscriptions, reads, and snapshots
// that restore a node to exactly where it was between two ticks.

import { describe, expect, it } from "vitest";
import { compileProgram, nodeOf, outputsOf, tickWith } from "./semantics-harness.ts";

const STORE = `
  module store;
  input put(key: string, value: string);
  input get(client: addr, key: string);
  table kv(key: string, value: string) key(key);
  lattice versions(key: string; n: max<int>);
  lattice seen(key: string; values: set<string>);
  channel reply(@to: addr, key: string, value: string);
  output answered(client: addr);
  kv(k, v) <+- put(k, v);
  versions(k, len(v)) <= put(k, v);
  seen(k, v) <= put(k, v);
  reply(c, k, v) <~ get(c, k), kv(k, v);
  answered(c) <= get(c, k), kv(k, _);
`;

describe("the node API", () => {
  it("validates pushed tuples and rejects wrong shapes with a TypeError", async () => {
    const node = await nodeOf(STORE);
    expect(() => node.push("put", [["a"]])).toThrow(TypeError);
    expect(() => node.push("kv", [["a", "b"]])).toThrow(/is a table/);
    expect(() => node.push("nope", [])).toThrow(/unknown collection/);
    expect(node.pushArrivals({ put: [["a", 1]] })).toEqual({ ok: false, message: "put, tuple 1: column 2: expected a string, got 1" });
    expect(node.hasPending()).toBe(false);
    node.push("put", [["a", "1"]]);
    expect(node.hasPending()).toBe(true);
  });

  it("numbers ticks from 0 and runs until quiet", async () => {
    const node = await nodeOf(STORE);
    expect(node.tickNumber).toBe(0);
    node.push("put", [["a", "1"]]);
    const results = node.runUntilQuiet();
    expect(results.map((result) => result.tick)).toEqual([0, 1]);
    expect(node.tickNumber).toBe(2);
    expect(node.read("kv")).toEqual([["a", "1"]]);
  });

  it("is not pending when deferred work would change nothing", async () => {
    const node = await nodeOf(`
      input add(n: int);
      table t(n: int);
      t(n) <+ add(n);
      t(n) <+ t(n);
    `);
    tickWith(node, { add: [[1]] });
    expect(node.hasPending()).toBe(true);
    node.tick();
    expect(node.read("t")).toEqual([[1]]);
    expect(node.hasPending()).toBe(false);
  });

  it("calls output, send and tick subscribers after each committed tick", async () => {
    const node = await nodeOf(STORE, { me: "server" });
    const answered: unknown[] = [];
    const sent: unknown[] = [];
    const ticks: unknown[] = [];
    const stop = node.onOutput("answered", (tuples) => answered.push(tuples));
    node.onSend((messages) => sent.push(messages));
    node.onTick((result) => ticks.push(result.tick));
    tickWith(node, { put: [["a", "1"]] });
    tickWith(node, { get: [["c1", "a"]] });
    stop();
    tickWith(node, { get: [["c2", "a"]] });
    tickWith(node, { put: [["b", "1"], ["b", "2"]] });
    expect(answered).toEqual([[["c1"]]]);
    expect(sent).toEqual([
      [{ to: "c1", channel: "reply", tuple: ["c1", "a", "1"] }],
      [{ to: "c2", channel: "reply", tuple: ["c2", "a", "1"] }],
    ]);
    expect(ticks).toEqual([0, 1, 2, 3]);
    expect(() => node.onOutput("kv" as never, () => {})).toThrow(/not an output/);
  });

  it("restores a snapshot into a fresh node: tables, lattices, pending work and the tick number", async () => {
    const Program = await compileProgram(STORE);
    const first = new Program({ me: "server" });
    tickWith(first, { put: [["a", "1"], ["b", "22"]] });
    tickWith(first, { put: [["a", "333"]] });
    first.push("get", [["c", "a"]]);
    const snapshot = JSON.parse(JSON.stringify(first.snapshot()));
    expect(snapshot.nextTick).toBe(2);
    expect(snapshot.pending.upserts).toEqual({ kv: [["a", "333"]] });

    const second = new Program({ me: "server" });
    second.restore(snapshot);
    expect(second.tickNumber).toBe(2);
    expect(second.hasPending()).toBe(true);
    for (const name of ["kv", "versions", "seen"] as const) expect(second.read(name)).toEqual(first.read(name));
    const a = first.tick();
    const b = second.tick();
    expect(b).toEqual(a);
    expect(outputsOf(b)).toEqual({ answered: [["c"]] });
    expect(second.read("kv")).toEqual([["a", "333"], ["b", "22"]]);
    expect(second.read("seen")).toEqual([["a", ["1", "333"]], ["b", ["22"]]]);
  });

  it("refuses a snapshot of another program", async () => {
    const node = await nodeOf(STORE);
    const other = await nodeOf("module other;\ntable t(n: int);\n");
    expect(() => node.restore(other.snapshot())).toThrow(/snapshot of module other/);
  });

  it("lists its collections and reads each sorted", async () => {
    const node = await nodeOf(STORE);
    expect(node.collectionNames).toEqual(["put", "get", "kv", "versions", "seen", "reply", "answered"]);
    tickWith(node, { put: [["b", "x"], ["a", "yy"]] });
    expect(node.read("versions")).toEqual([["a", 2], ["b", 1]]);
  });
});
