// The simulator's building blocks: the seeded generator, the event queue, the located JSON
// parser and the network model (delay bounds, FIFO links, loss, duplication, partitions).

import { describe, expect, it } from "vitest";
import { EventQueue } from "../runtime/sim/event-queue.ts";
import { parseLocatedJson, plainJson } from "../runtime/sim/located-json.ts";
import { Network } from "../runtime/sim/network.ts";
import { Random, streamSeed } from "../runtime/sim/random.ts";
import { DEFAULT_NETWORK, type NetworkModel } from "../runtime/sim/topology.ts";

describe("Random", () => {
  it("gives the same sequence for the same seed and another for another seed", () => {
    const draw = (seed: number) => {
      const random = new Random(seed);
      return Array.from({ length: 8 }, () => random.nextWord());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it("keeps integers within their closed range and reaches both ends", () => {
    const random = new Random(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const value = random.integer(3, 6);
      expect(value).toBeGreaterThanOrEqual(3);
      expect(value).toBeLessThanOrEqual(6);
      seen.add(value);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
    expect(random.integer(5, 5)).toBe(5);
  });

  it("flips coins with about the asked probability, and never or always at 0 and 1", () => {
    const random = new Random(1);
    let heads = 0;
    for (let i = 0; i < 10_000; i++) if (random.chance(0.3)) heads++;
    expect(heads).toBeGreaterThan(2700);
    expect(heads).toBeLessThan(3300);
    expect(Array.from({ length: 50 }, () => random.chance(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 50 }, () => random.chance(1)).every(Boolean)).toBe(true);
  });

  it("derives unrelated streams from one seed and a label", () => {
    expect(streamSeed(1, "network")).toBe(streamSeed(1, "network"));
    expect(streamSeed(1, "network")).not.toBe(streamSeed(2, "network"));
    expect(streamSeed(1, "node a 0")).not.toBe(streamSeed(1, "node b 0"));
  });
});

describe("EventQueue", () => {
  it("pops by time, and in insertion order among equal times", () => {
    const queue = new EventQueue<{ time: number; name: string }>();
    const events = [
      { time: 5, name: "a" },
      { time: 1, name: "b" },
      { time: 5, name: "c" },
      { time: 0, name: "d" },
      { time: 1, name: "e" },
      { time: 5, name: "f" },
    ];
    for (const event of events) queue.add(event);
    expect(queue.peek()?.name).toBe("d");
    const order: string[] = [];
    while (queue.size > 0) order.push(queue.pop()!.name);
    expect(order).toEqual(["d", "b", "e", "a", "c", "f"]);
    expect(queue.pop()).toBeUndefined();
  });

  it("stays ordered over many random insertions", () => {
    const random = new Random(3);
    const queue = new EventQueue<{ time: number; index: number }>();
    for (let index = 0; index < 500; index++) queue.add({ time: random.integer(0, 20), index });
    let last = { time: -1, index: -1 };
    while (queue.size > 0) {
      const next = queue.pop()!;
      expect(next.time > last.time || (next.time === last.time && next.index > last.index)).toBe(true);
      last = next;
    }
  });
});

describe("located JSON", () => {
  it("parses what JSON.parse parses and keeps each value's offsets", () => {
    const text = '{"a": [1, -2.5e1, "x\\n"], "b": {"c": true, "d": null}}';
    const parsed = parseLocatedJson(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(plainJson(parsed.value)).toEqual(JSON.parse(text));
    if (parsed.value.kind !== "object") throw new Error("not an object");
    const array = parsed.value.entries[0]!.value;
    expect(text.slice(array.start, array.end)).toBe('[1, -2.5e1, "x\\n"]');
    expect(text.slice(parsed.value.entries[1]!.keyStart, parsed.value.entries[1]!.keyEnd)).toBe('"b"');
  });

  it.each([
    ['{"a": 1,}', "trailing comma", 7],
    ['{"a": 1 "b": 2}', "expected ',' or '}'", 8],
    ['{"a": 1, "a": 2}', "duplicate key", 9],
    ['[1, 2', "expected ',' or ']'", 5],
    ['{"a": tru}', "expected a JSON value", 6],
    ['// x\n{}', "comments are not allowed", 0],
    ['{"a": "b', "unterminated string", 6],
    ["[] []", "after the JSON value", 3],
  ])("reports %s at its offset", (text, message, offset) => {
    const parsed = parseLocatedJson(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toContain(message);
    expect(parsed.offset).toBe(offset);
  });
});

describe("Network", () => {
  const network = (model: Partial<NetworkModel>, seed = 1) => new Network({ ...DEFAULT_NETWORK, ...model }, new Random(seed));

  it("delivers each message once within the delay bounds", () => {
    const net = network({ delay: [3, 9] });
    for (let i = 0; i < 200; i++) {
      const fate = net.send("a", "b", 100);
      expect(fate.kind).toBe("delivered");
      if (fate.kind !== "delivered") continue;
      expect(fate.arrivals).toHaveLength(1);
      expect(fate.arrivals[0]).toBeGreaterThanOrEqual(103);
      expect(fate.arrivals[0]).toBeLessThanOrEqual(109);
    }
  });

  it("reorders when allowed and keeps each link in order when not", () => {
    const arrivals = (reorder: boolean) => {
      const net = network({ delay: [1, 50], reorder });
      return Array.from({ length: 100 }, (_, i) => {
        const fate = net.send("a", "b", i);
        return fate.kind === "delivered" ? fate.arrivals[0]! : -1;
      });
    };
    const fifo = arrivals(false);
    for (let i = 1; i < fifo.length; i++) expect(fifo[i]).toBeGreaterThanOrEqual(fifo[i - 1]!);
    const free = arrivals(true);
    expect(free.some((time, i) => i > 0 && time < free[i - 1]!)).toBe(true);
  });

  it("loses everything at loss 1 and duplicates everything at duplicate 1", () => {
    const lossy = network({ loss: 1 });
    expect(lossy.send("a", "b", 0)).toEqual({ kind: "lost", reason: "loss" });
    const doubling = network({ duplicate: 1 });
    const fate = doubling.send("a", "b", 0);
    expect(fate.kind === "delivered" && fate.arrivals.length).toBe(2);
  });

  it("cuts links across a partition's groups while it is in force; unlisted nodes reach everyone", () => {
    const net = network({ partitions: [{ from: 10, to: 20, groups: [["a"], ["b", "c"]] }] });
    expect(net.separated("a", "b", 9)).toBe(false);
    expect(net.separated("a", "b", 10)).toBe(true);
    expect(net.separated("b", "a", 19)).toBe(true);
    expect(net.separated("a", "b", 20)).toBe(false);
    expect(net.separated("b", "c", 15)).toBe(false);
    expect(net.separated("a", "z", 15)).toBe(false);
    expect(net.send("a", "c", 12)).toEqual({ kind: "lost", reason: "partition" });
  });
});
