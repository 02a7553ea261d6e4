// One simulated run: every node of a topology in one process, on a seeded, misbehaving network.
// In: a validated Topology, each node's compiled program class, and a seed. Out: a RunResult —
// the schedule (which message reached whom, when, and which tick took it; what was lost; inputs,
// timers, crashes), each node's outputs (the union over all its ticks) and final state (tables
// and lattices), and counts.
// Why shaped so: events sit in one queue ordered by simulated time, ties by insertion order, and
// every random draw comes from streams seeded by the run's seed, so a seed is a replayable
// schedule. A node ticks whenever something reached it or it has pending work (one tick per batch
// of arrivals at one instant), as a real node does; `periodic` collections fire from the
// simulated clock; now(), random() and uuid() come from seededContext. A crash discards the
// node's instance; a restart builds a new one from the snapshot of its last committed tick —
// what a service started with --state would recover — and everything that reached the node
// while it was down is lost.

import { seededContext } from "../builtins.ts";
import type { ProgramClass } from "../load.ts";
import { wireTupleOf, type NodeSnapshot, type ProgramNode } from "../program.ts";
import { canonicalJson, compareTuples, type JsonValue } from "../values.ts";
import { EventQueue } from "./event-queue.ts";
import { Network } from "./network.ts";
import { Random, streamSeed } from "./random.ts";
import { arrivalsJson } from "./scripted-inputs.ts";
import type { Topology } from "./topology.ts";

/** One line of a schedule. `message` numbers a message within its run (both copies share it). */
export type ScheduleEntry =
  | { readonly kind: "deliver"; readonly time: number; readonly node: string; readonly from: string; readonly channel: string; readonly tuple: JsonValue[]; readonly message: number; readonly sentAt: number; readonly sentTick: number; readonly tick: number }
  | { readonly kind: "drop"; readonly time: number; readonly node: string; readonly from: string; readonly channel: string; readonly tuple: JsonValue[]; readonly message: number; readonly reason: DropReason }
  | { readonly kind: "input"; readonly time: number; readonly node: string; readonly collections: readonly string[]; readonly tick: number; readonly dropped?: true }
  | { readonly kind: "timer"; readonly time: number; readonly node: string; readonly collection: string; readonly firing: number; readonly tick: number }
  | { readonly kind: "crash" | "restart"; readonly time: number; readonly node: string }
  | { readonly kind: "failure"; readonly time: number; readonly node: string; readonly tick: number; readonly message: string };

export type DropReason = "loss" | "partition" | "node down" | "unknown address" | "rejected";

export interface NodeOutcome {
  /** Per output collection, the union of its tuples over all ticks, sorted. */
  readonly outputs: Record<string, JsonValue[][]>;
  /** Per table and lattice, its tuples at the end of the run, sorted. */
  readonly state: Record<string, JsonValue[][]>;
  /** The tick (and its time) that first emitted an output tuple; null if none did. */
  readonly outputTick: (collection: string, tuple: readonly JsonValue[]) => { readonly tick: number; readonly time: number } | null;
  readonly ticks: number;
  readonly failures: readonly { readonly time: number; readonly tick: number; readonly message: string }[];
  /** Down at the end of the run (its state is that of its last committed tick). */
  readonly down: boolean;
}

export interface RunStatistics {
  readonly sent: number;
  readonly delivered: number;
  readonly duplicated: number;
  readonly dropped: number;
  readonly undeliverable: number;
  readonly ticks: number;
  readonly failedTicks: number;
  readonly endTime: number;
}

export interface RunResult {
  readonly seed: number;
  readonly schedule: readonly ScheduleEntry[];
  readonly nodes: ReadonlyMap<string, NodeOutcome>;
  readonly statistics: RunStatistics;
  /** Why a run stopped early, when it did (a node ticking forever, too many events). */
  readonly aborted?: string;
}

export interface RunOptions {
  /** Stop with `aborted` after this many events (default 2,000,000). */
  readonly maxEvents?: number;
  /** Stop with `aborted` when one node runs this many ticks at one instant (default 1,000). */
  readonly maxTicksAtOneInstant?: number;
}

type SimEvent =
  | { readonly kind: "tick"; readonly time: number; readonly node: string }
  | { readonly kind: "deliver"; readonly time: number; readonly node: string; readonly from: string; readonly channel: string; readonly tuple: JsonValue[]; readonly message: number; readonly sentAt: number; readonly sentTick: number }
  | { readonly kind: "input"; readonly time: number; readonly node: string; readonly arrivals: Record<string, unknown> }
  | { readonly kind: "timer"; readonly time: number; readonly node: string; readonly collection: string; readonly period: number; readonly firing: number }
  | { readonly kind: "crash" | "restart"; readonly time: number; readonly node: string };

interface SimNode {
  readonly name: string;
  readonly Program: ProgramClass;
  instance: ProgramNode;
  incarnation: number;
  up: boolean;
  tickScheduled: boolean;
  /** Kept only for nodes that will crash: the state after their last committed tick. */
  readonly durable: boolean;
  snapshot: NodeSnapshot | null;
  /** Per output, each tuple ever emitted (by canonical text) and the tick that first emitted it. */
  readonly outputs: Map<string, Map<string, { tuple: JsonValue[]; tick: number; time: number }>>;
  readonly failures: { time: number; tick: number; message: string }[];
  ticks: number;
  ticksAtInstant: number;
  instant: number;
}

class RunAborted extends Error {}

export function simulate(topology: Topology, programs: ReadonlyMap<string, ProgramClass>, seed: number, options: RunOptions = {}): RunResult {
  return new Simulation(topology, programs, seed, options).run();
}

class Simulation {
  private time = 0;
  private readonly queue = new EventQueue<SimEvent>();
  /** Events other than timer firings: when none is left and no `until` is set, the run ends. */
  private live = 0;
  private readonly nodes = new Map<string, SimNode>();
  private readonly network: Network;
  private readonly schedule: ScheduleEntry[] = [];
  private messages = 0;
  private readonly counts = { sent: 0, delivered: 0, duplicated: 0, dropped: 0, undeliverable: 0, ticks: 0, failedTicks: 0 };
  private readonly maxEvents: number;
  private readonly maxTicksAtOneInstant: number;

  constructor(
    private readonly topology: Topology,
    programs: ReadonlyMap<string, ProgramClass>,
    private readonly seed: number,
    options: RunOptions,
  ) {
    this.maxEvents = options.maxEvents ?? 2_000_000;
    this.maxTicksAtOneInstant = options.maxTicksAtOneInstant ?? 1_000;
    this.network = new Network(topology.network, new Random(streamSeed(seed, "network")));
    const crashing = new Set(topology.crashes.map((crash) => crash.node));
    for (const spec of topology.nodes) {
      const Program = programs.get(spec.name);
      if (Program === undefined) throw new Error(`no program class for node ${spec.name}`);
      const node: SimNode = {
        name: spec.name,
        Program,
        instance: undefined as unknown as ProgramNode,
        incarnation: 0,
        up: true,
        tickScheduled: false,
        durable: crashing.has(spec.name),
        snapshot: null,
        outputs: new Map(),
        failures: [],
        ticks: 0,
        ticksAtInstant: 0,
        instant: -1,
      };
      node.instance = this.instantiate(node);
      this.nodes.set(spec.name, node);
    }
  }

  run(): RunResult {
    // Among events at one instant, crashes and restarts come first (a node is down from its
    // crash time on, and up again from its restart time on), then scripted inputs (so inputs at
    // time 0 arrive in tick 0 with the facts, as the first stdio line does), then every node's
    // tick 0; events added later at the same instant follow.
    for (const crash of this.topology.crashes) {
      this.add({ kind: "crash", time: crash.at, node: crash.node });
      if (crash.restart !== null) this.add({ kind: "restart", time: crash.restart, node: crash.node });
    }
    for (const input of this.topology.inputs) this.add({ kind: "input", time: input.at, node: input.node, arrivals: arrivalsJson(input.arrivals) });
    for (const node of this.nodes.values()) this.scheduleTick(node);
    this.startTimers();

    let aborted: string | undefined;
    let processed = 0;
    try {
      for (;;) {
        const next = this.queue.peek();
        if (next === undefined) break;
        if (this.topology.until !== null ? next.time > this.topology.until : this.live === 0) break;
        this.queue.pop();
        if (next.kind !== "timer") this.live--;
        if (++processed > this.maxEvents) throw new RunAborted(`the run did not end after ${this.maxEvents} events; give the topology an "until"`);
        this.time = next.time;
        this.handle(next);
      }
    } catch (error) {
      if (!(error instanceof RunAborted)) throw error;
      aborted = error.message;
    }
    return {
      seed: this.seed,
      schedule: this.schedule,
      nodes: this.outcomes(),
      statistics: { ...this.counts, endTime: this.time },
      ...(aborted === undefined ? {} : { aborted }),
    };
  }

  private add(event: SimEvent): void {
    if (event.kind !== "timer") this.live++;
    this.queue.add(event);
  }

  private handle(event: SimEvent): void {
    const node = this.nodes.get(event.node)!;
    switch (event.kind) {
      case "tick":
        node.tickScheduled = false;
        if (node.up) this.tick(node);
        return;
      case "deliver":
        return this.deliver(node, event);
      case "input": {
        const collections = Object.keys(event.arrivals);
        if (!node.up) {
          this.schedule.push({ kind: "input", time: this.time, node: node.name, collections, tick: node.instance.tickNumber, dropped: true });
          return;
        }
        const pushed = node.instance.pushArrivals(event.arrivals);
        if (!pushed.ok) throw new Error(`scripted input for ${node.name} was not checked: ${pushed.message}`);
        this.schedule.push({ kind: "input", time: this.time, node: node.name, collections, tick: node.instance.tickNumber });
        this.scheduleTick(node);
        return;
      }
      case "timer": {
        this.add({ ...event, time: event.time + event.period, firing: event.firing + 1 });
        if (!node.up) return;
        node.instance.push(event.collection, [[event.firing]]);
        this.schedule.push({ kind: "timer", time: this.time, node: node.name, collection: event.collection, firing: event.firing, tick: node.instance.tickNumber });
        this.scheduleTick(node);
        return;
      }
      case "crash":
        node.up = false;
        this.schedule.push({ kind: "crash", time: this.time, node: node.name });
        return;
      case "restart":
        node.incarnation++;
        node.instance = this.instantiate(node);
        node.up = true;
        this.schedule.push({ kind: "restart", time: this.time, node: node.name });
        if (node.snapshot !== null) node.instance.restore(node.snapshot);
        // A node that never committed a tick starts over from tick 0 (its facts).
        if (node.snapshot === null || node.instance.hasPending()) this.scheduleTick(node);
        return;
    }
  }

  private instantiate(node: SimNode): ProgramNode {
    const context = seededContext(node.name, streamSeed(this.seed, `node ${node.name} ${node.incarnation}`), () => this.time);
    return new node.Program({ me: node.name, context });
  }

  private scheduleTick(node: SimNode): void {
    if (node.tickScheduled) return;
    node.tickScheduled = true;
    this.add({ kind: "tick", time: this.time, node: node.name });
  }

  private tick(node: SimNode): void {
    if (node.instant !== this.time) {
      node.instant = this.time;
      node.ticksAtInstant = 0;
    }
    if (++node.ticksAtInstant > this.maxTicksAtOneInstant) {
      throw new RunAborted(`node ${node.name} ran ${this.maxTicksAtOneInstant} ticks at time ${this.time} without becoming quiet (a rule that re-derives work for the next tick forever?)`);
    }
    const result = node.instance.tick();
    node.ticks++;
    this.counts.ticks++;
    if (result.failed) {
      this.counts.failedTicks++;
      node.failures.push({ time: this.time, tick: result.tick, message: result.error.message });
      this.schedule.push({ kind: "failure", time: this.time, node: node.name, tick: result.tick, message: result.error.message });
    } else {
      for (const [name, tuples] of Object.entries(result.outputs as Record<string, JsonValue[][]>)) {
        let union = node.outputs.get(name);
        if (union === undefined) node.outputs.set(name, (union = new Map()));
        for (const tuple of tuples) {
          const key = canonicalJson(tuple);
          if (!union.has(key)) union.set(key, { tuple, tick: result.tick, time: this.time });
        }
      }
      for (const message of result.sent) {
        // A node's messages to itself are queued by the node for its next tick.
        if (message.to !== node.name) this.send(node, result.tick, message.to, message.channel, wireTupleOf(message));
      }
    }
    if (node.durable) node.snapshot = node.instance.snapshot();
    if (node.instance.hasPending()) this.scheduleTick(node);
  }

  private send(from: SimNode, sentTick: number, to: string, channel: string, tuple: JsonValue[]): void {
    const message = ++this.messages;
    this.counts.sent++;
    const drop = (reason: DropReason) => {
      this.counts.dropped++;
      this.schedule.push({ kind: "drop", time: this.time, node: to, from: from.name, channel, tuple, message, reason });
    };
    if (!this.nodes.has(to)) {
      this.counts.undeliverable++;
      return drop("unknown address");
    }
    const fate = this.network.send(from.name, to, this.time);
    if (fate.kind === "lost") return drop(fate.reason);
    if (fate.arrivals.length > 1) this.counts.duplicated++;
    for (const time of fate.arrivals) this.add({ kind: "deliver", time, node: to, from: from.name, channel, tuple, message, sentAt: this.time, sentTick });
  }

  private deliver(node: SimNode, event: Extract<SimEvent, { kind: "deliver" }>): void {
    const { from, channel, tuple, message } = event;
    const drop = (reason: DropReason) => {
      this.counts.dropped++;
      this.schedule.push({ kind: "drop", time: this.time, node: node.name, from, channel, tuple, message, reason });
    };
    if (!node.up) return drop("node down");
    if (this.network.separated(from, node.name, this.time)) return drop("partition");
    // The receiver may run another program: a channel it does not declare, or declares with
    // other columns, rejects the message rather than failing the run.
    const pushed = node.instance.pushArrivals({ [channel]: [tuple] });
    if (!pushed.ok) return drop("rejected");
    this.counts.delivered++;
    this.schedule.push({ kind: "deliver", time: this.time, node: node.name, from, channel, tuple, message, sentAt: event.sentAt, sentTick: event.sentTick, tick: node.instance.tickNumber });
    this.scheduleTick(node);
  }

  /** Every periodic of every node fires every period, from an offset in [1, period] drawn per node. */
  private startTimers(): void {
    const random = new Random(streamSeed(this.seed, "timers"));
    for (const node of this.nodes.values()) {
      for (const collection of node.instance.schema.collections) {
        if (collection.kind !== "periodic" || collection.periodMs === null || collection.periodMs <= 0) continue;
        const period = collection.periodMs;
        this.add({ kind: "timer", time: random.integer(1, period), node: node.name, collection: collection.name, period, firing: 1 });
      }
    }
  }

  private outcomes(): Map<string, NodeOutcome> {
    const outcomes = new Map<string, NodeOutcome>();
    for (const node of this.nodes.values()) {
      const outputs: Record<string, JsonValue[][]> = {};
      const state: Record<string, JsonValue[][]> = {};
      const firstTicks = new Map<string, { tick: number; time: number }>();
      for (const collection of node.instance.schema.collections) {
        if (collection.kind === "output") {
          const emitted = node.outputs.get(collection.name) ?? new Map();
          outputs[collection.name] = [...emitted.values()].map((entry) => entry.tuple).sort(compareTuples);
          for (const [key, entry] of emitted) firstTicks.set(`${collection.name}\u0000${key}`, { tick: entry.tick, time: entry.time });
        }
        if (collection.kind === "table" || collection.kind === "lattice") {
          // A node that is down ends with what its last committed tick left, like its --state directory.
          state[collection.name] = node.instance.read(collection.name) as JsonValue[][];
        }
      }
      const outputTick = (collection: string, tuple: readonly JsonValue[]) => firstTicks.get(`${collection}\u0000${canonicalJson(tuple)}`) ?? null;
      outcomes.set(node.name, { outputs, state, outputTick, ticks: node.ticks, failures: node.failures, down: !node.up });
    }
    return outcomes;
  }
}
