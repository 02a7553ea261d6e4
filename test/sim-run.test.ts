// One simulated run, on small programs: determinism, the simulated clock, timers, self-sends,
// loss, duplication, FIFO links, partitions, crashes and restarts, unknown addresses, failed
// ticks, and runs that never end.

import { afterEach, describe, expect, it, vi } from "vitest";
import { fingerprint } from "../runtime/sim/compare.ts";
import { simulate, type RunResult, type ScheduleEntry } from "../runtime/sim/simulation.ts";
import { programsFor, topologyOf } from "./sim-harness.ts";

const SENDER = `
input start(to: addr, n: int);
channel ping(@to: addr, from: addr, n: int);
ping(t, me(), n) <~ start(t, n);
`;

const RECEIVER = `
channel ping(@to: addr, from: addr, n: int);
output got(from: addr, n: int);
table kept(n: int);
got(f, n) <= ping(_, f, n);
kept(n) <= ping(_, _, n);
`;

async function run(nodes: Record<string, string>, topology: Record<string, unknown>, seed = 1, options = {}): Promise<RunResult> {
  const programs = await programsFor(nodes);
  const spec = topologyOf({ nodes: Object.keys(nodes).map((name) => ({ name, program: `${name}.hydro` })), ...topology });
  return simulate(spec, programs, seed, options);
}

function starts(times: [number, number][], to = "b"): Record<string, unknown> {
  return { a: times.map(([at, n]) => ({ at, arrivals: { start: [[to, n]] } })) };
}

function deliveries(result: RunResult, node: string): Extract<ScheduleEntry, { kind: "deliver" }>[] {
  return result.schedule.filter((entry): entry is Extract<ScheduleEntry, { kind: "deliver" }> => entry.kind === "deliver" && entry.node === node);
}

afterEach(() => vi.restoreAllMocks());

describe("determinism", () => {
  const NONDETERMINISTIC = `
input start(to: addr, n: int);
channel ping(@to: addr, from: addr, n: int, r: float, id: string, at: int);
output got(from: addr, n: int, r: float, id: string, at: int, arrived: int);
ping(t, me(), n, random(), uuid(), now()) <~ start(t, n);
got(f, n, r, i, at, now()) <= ping(_, f, n, r, i, at);
`;
  const topology = {
    network: { delay: [1, 30], duplicate: 0.3, loss: 0.1 },
    inputs: { a: [0, 5, 10, 15, 20].map((at, n) => ({ at, arrivals: { start: [["b", n]] } })) },
  };

  it("gives the same schedule and outcome for the same seed, and never touches Date.now or Math.random", async () => {
    vi.spyOn(Date, "now").mockImplementation(() => {
      throw new Error("Date.now in the simulator");
    });
    vi.spyOn(Math, "random").mockImplementation(() => {
      throw new Error("Math.random in the simulator");
    });
    const nodes = { a: NONDETERMINISTIC, b: NONDETERMINISTIC };
    const first = await run(nodes, topology, 7);
    const again = await run(nodes, topology, 7);
    expect(again.schedule).toEqual(first.schedule);
    expect(fingerprint(again, ["outputs", "state"])).toBe(fingerprint(first, ["outputs", "state"]));
    const other = await run(nodes, topology, 8);
    expect(other.schedule).not.toEqual(first.schedule);
  });

  it("gives now() the simulated time, at the sender and at the receiver", async () => {
    const result = await run({ a: NONDETERMINISTIC, b: NONDETERMINISTIC }, { network: { delay: [1, 30] }, inputs: { a: [{ at: 250, arrivals: { start: [["b", 1]] } }] } });
    const [delivery] = deliveries(result, "b");
    const [got] = result.nodes.get("b")!.outputs["got"]!;
    expect(got![4]).toBe(250);
    expect(got![5]).toBe(delivery!.time);
    expect(delivery!.time).toBeGreaterThan(250);
  });
});

describe("time and ticks", () => {
  const BEATING = "periodic beat(100ms);\noutput beats(n: int);\nbeats(n) <= beat(n);\n";

  it("fires periodic collections from the simulated clock, numbering the firings", async () => {
    const result = await run({ a: BEATING }, { until: 1000 });
    expect(result.nodes.get("a")!.outputs["beats"]).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1]));
    const timers = result.schedule.filter((entry) => entry.kind === "timer");
    for (let i = 1; i < timers.length; i++) expect(timers[i]!.time - timers[i - 1]!.time).toBe(100);
  });

  it("ends when nothing is in flight if no until is given: timers alone do not keep a run going", async () => {
    const result = await run({ a: BEATING }, {});
    expect(result.nodes.get("a")!.outputs["beats"]).toEqual([]);
    expect(result.statistics.ticks).toBe(1);
  });

  it("delivers a node's messages to itself in its next ticks, without the network", async () => {
    const looping = `
input go();
channel loop(@to: addr, n: int);
output saw(n: int);
loop(me(), 0) <~ go();
loop(me(), n + 1) <~ loop(_, n), n < 3;
saw(n) <= loop(_, n);
`;
    const result = await run({ a: looping }, { inputs: { a: [{ at: 5, arrivals: { go: [[]] } }] } });
    expect(result.nodes.get("a")!.outputs["saw"]).toEqual([[0], [1], [2], [3]]);
    expect(result.statistics.sent).toBe(0);
    expect(result.statistics.ticks).toBe(6);
  });

  it("takes messages that arrive at one instant in one tick", async () => {
    const result = await run({ a: SENDER, b: RECEIVER }, { network: { delay: [3, 3] }, inputs: { a: [{ at: 0, arrivals: { start: [["b", 1], ["b", 2]] } }] } });
    const received = deliveries(result, "b");
    expect(received.map((entry) => [entry.time, entry.tick])).toEqual([
      [3, 1],
      [3, 1],
    ]);
  });
});

describe("the network", () => {
  it("loses every message at loss 1 and delivers each twice at duplicate 1", async () => {
    const lost = await run({ a: SENDER, b: RECEIVER }, { network: { loss: 1 }, inputs: starts([[0, 1], [5, 2]]) });
    expect(lost.nodes.get("b")!.outputs["got"]).toEqual([]);
    expect(lost.statistics).toMatchObject({ sent: 2, delivered: 0, dropped: 2 });
    const doubled = await run({ a: SENDER, b: RECEIVER }, { network: { duplicate: 1 }, inputs: starts([[0, 1]]) });
    expect(deliveries(doubled, "b").map((entry) => entry.message)).toEqual([1, 1]);
    expect(doubled.nodes.get("b")!.outputs["got"]).toEqual([["a", 1]]);
  });

  it("keeps each link in send order when reorder is off", async () => {
    const times: [number, number][] = Array.from({ length: 30 }, (_, i) => [i, i]);
    for (const seed of [1, 2, 3]) {
      const fifo = await run({ a: SENDER, b: RECEIVER }, { network: { delay: [1, 50], reorder: false }, inputs: starts(times) }, seed);
      const order = deliveries(fifo, "b").map((entry) => entry.tuple[2]);
      expect(order).toEqual(times.map(([, n]) => n));
    }
    const free = await run({ a: SENDER, b: RECEIVER }, { network: { delay: [1, 50], reorder: true }, inputs: starts(times) });
    expect(deliveries(free, "b").map((entry) => entry.tuple[2])).not.toEqual(times.map(([, n]) => n));
  });

  it("loses what a partition cuts: sent across it, or arriving while it holds", async () => {
    const result = await run(
      { a: SENDER, b: RECEIVER },
      { network: { delay: [5, 5], partitions: [{ from: 40, to: 100, groups: [["a"], ["b"]] }] }, inputs: starts([[0, 1], [38, 2], [50, 3], [100, 4]]) },
    );
    expect(result.nodes.get("b")!.outputs["got"]).toEqual([
      ["a", 1],
      ["a", 4],
    ]);
    const drops = result.schedule.filter((entry) => entry.kind === "drop").map((entry) => [entry.time, entry.kind === "drop" && entry.reason]);
    expect(drops).toEqual([
      [43, "partition"],
      [50, "partition"],
    ]);
  });

  it("lets a program's own retries cope with loss: std/delivery resends until acknowledged", async () => {
    const sender = 'import "std/delivery" as d;\ninput send(dst: addr, ident: int, payload: string);\nd.pipe_in(t, me(), i, p) <= send(t, i, p);\n';
    const receiver = 'import "std/delivery" as d;\noutput got(src: addr, ident: int, payload: any);\ngot(s, i, p) <= d.pipe_out(_, s, i, p);\n';
    const topology = {
      network: { delay: [1, 50], loss: 0.5 },
      inputs: { a: [{ at: 0, arrivals: { send: [["b", 1, "x"], ["b", 2, "y"], ["b", 3, "z"]] } }] },
      until: 60_000,
    };
    for (const seed of [1, 2, 3]) {
      const result = await run({ a: sender, b: receiver }, topology, seed);
      expect(result.statistics.dropped).toBeGreaterThan(0);
      expect(result.nodes.get("b")!.outputs["got"]).toEqual([
        ["a", 1, "x"],
        ["a", 2, "y"],
        ["a", 3, "z"],
      ]);
    }
  });

  it("drops messages to addresses that name no node, and messages the receiver has no channel for", async () => {
    const result = await run({ a: SENDER, b: "input x(n: int);\n" }, { inputs: { a: [{ at: 0, arrivals: { start: [["nobody", 1], ["b", 2]] } }] } });
    const reasons = result.schedule.filter((entry) => entry.kind === "drop").map((entry) => entry.kind === "drop" && [entry.node, entry.reason]);
    expect(reasons).toEqual([
      ["nobody", "unknown address"],
      ["b", "rejected"],
    ]);
    expect(result.statistics.undeliverable).toBe(1);
  });
});

describe("crashes", () => {
  it("loses what reaches a node while it is down and restarts it from its last committed tick", async () => {
    const result = await run(
      { a: SENDER, b: RECEIVER },
      { network: { delay: [1, 1] }, crashes: [{ node: "b", at: 100, restart: 300 }], inputs: starts([[0, 1], [150, 2], [400, 3]]) },
    );
    expect(result.nodes.get("b")!.state["kept"]).toEqual([[1], [3]]);
    expect(result.nodes.get("b")!.outputs["got"]).toEqual([
      ["a", 1],
      ["a", 3],
    ]);
    expect(result.schedule.filter((entry) => entry.node === "b").map((entry) => `${entry.time} ${entry.kind}`)).toEqual([
      "1 deliver",
      "100 crash",
      "151 drop",
      "300 restart",
      "401 deliver",
    ]);
  });

  it("keeps a node that never restarts down, with the state it had committed", async () => {
    const result = await run({ a: SENDER, b: RECEIVER }, { crashes: [{ node: "b", at: 50 }], inputs: starts([[0, 1], [60, 2]]) });
    const b = result.nodes.get("b")!;
    expect(b.down).toBe(true);
    expect(b.state["kept"]).toEqual([[1]]);
  });

  it("runs tick 0 (the facts) at the restart of a node that crashed before it", async () => {
    const facts = "table f(n: int);\nf(1);\nf(2);\n";
    const result = await run({ a: facts }, { crashes: [{ node: "a", at: 0, restart: 10 }] });
    expect(result.nodes.get("a")!.state["f"]).toEqual([[1], [2]]);
    expect(result.nodes.get("a")!.ticks).toBe(1);
  });

  it("loses scripted inputs given while the node is down, from its crash time to its restart time", async () => {
    const result = await run({ a: SENDER, b: RECEIVER }, { crashes: [{ node: "a", at: 10, restart: 20 }], inputs: starts([[10, 1], [15, 2], [20, 3]]) });
    const inputs = result.schedule.filter((entry) => entry.kind === "input");
    expect(inputs.map((entry) => [entry.time, entry.kind === "input" && entry.dropped === true])).toEqual([
      [10, true],
      [15, true],
      [20, false],
    ]);
    expect(result.nodes.get("b")!.outputs["got"]).toEqual([["a", 3]]);
  });
});

describe("failures and runaway runs", () => {
  it("records a failed tick and goes on", async () => {
    const keyed = "input put(k: int, v: int);\ntable t(k: int, v: int) key(k);\nt(k, v) <= put(k, v);\n";
    const result = await run({ a: keyed }, { inputs: { a: [{ at: 0, arrivals: { put: [[1, 1], [1, 2]] } }, { at: 5, arrivals: { put: [[2, 2]] } }] } });
    const a = result.nodes.get("a")!;
    expect(a.failures).toHaveLength(1);
    expect(a.failures[0]!.message).toContain("key violation");
    expect(a.state["t"]).toEqual([[2, 2]]);
    expect(result.statistics.failedTicks).toBe(1);
  });

  it("stops a node that keeps itself busy forever at one instant", async () => {
    const runaway = "table c(n: int);\nc(0);\nc(n + 1) <+ c(n);\n";
    const result = await run({ a: runaway }, {}, 1, { maxTicksAtOneInstant: 50 });
    expect(result.aborted).toContain("node a ran 50 ticks at time 0 without becoming quiet");
  });

  it("stops a run that exceeds its event budget", async () => {
    const pingPong = "channel ball(@to: addr, from: addr);\ninput serve(to: addr);\nball(t, me()) <~ serve(t);\nball(f, me()) <~ ball(_, f);\n";
    const result = await run({ a: pingPong, b: pingPong }, { inputs: { a: [{ at: 0, arrivals: { serve: [["b"]] } }] } }, 1, { maxEvents: 500 });
    expect(result.aborted).toContain('did not end after 500 events; give the topology an "until"');
  });
});
