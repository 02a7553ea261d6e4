// The records of a durable node's log, and how replaying them rebuilds its state.
// In: a snapshot's contents (or nothing, for a new node) and the log records written after it.
// Out: the node's state as a NodeSnapshot (for ProgramNode.restore) and the service's own state
// (unacknowledged sends, consumed message ids, sequence numbers, periodic counts).
// Record kinds:
//   meta  {k: "meta", incarnation, module}          first record of a new state directory
//   tick  {k: "tick", tick, failed?, put, removed, pending, queued, sends, consumed, periodic}
//         one per tick, failed ticks too (their step 1 and their tick number stay):
//         put/removed: the tick's changes to tables and lattices (whole wire tuples; key tuples)
//         pending: what it deferred (the next tick's step 1); queued: arrivals for the next tick
//         sends: [destination address, sequence, channel, tuple] it sent to other nodes
//         consumed: {link: [[from, to], …]} the message ids its arrivals came from
//         periodic: {name: firings so far}
//   ack   {k: "ack", to, r: [[from, to], …]}         a peer acknowledged these sequences
// Why changes and not inputs: replaying inputs would rerun the program, and now(), random(),
// uuid() and nondeterministic externs would not give the same answers twice; the changes are
// what was committed.

import type { NodeSnapshot } from "../program.ts";
import type { CollectionSchema, ProgramSchema } from "../schema.ts";
import { isPerTick } from "../schema.ts";
import { canonicalJson, type JsonValue } from "../values.ts";
import { keyPositions, keyText, type PendingOperations, type TuplesByName } from "./changes.ts";
import type { LinkDedupState } from "./dedup.ts";
import { Deduplicator } from "./dedup.ts";

export type Ranges = [number, number][];

/** A message sent and not yet acknowledged: [sequence, channel, tuple]. */
export type OutboxEntry = [number, string, JsonValue[]];

export interface MetaRecord {
  readonly k: "meta";
  readonly incarnation: string;
  readonly module: string;
}

export interface TickRecord {
  readonly k: "tick";
  readonly tick: number;
  readonly failed?: boolean;
  readonly put: TuplesByName;
  readonly removed: TuplesByName;
  readonly pending: PendingOperations;
  readonly queued: TuplesByName;
  readonly sends: [string, number, string, JsonValue[]][];
  readonly consumed: Record<string, Ranges>;
  readonly periodic: Record<string, number>;
}

export interface AckRecord {
  readonly k: "ack";
  readonly to: string;
  readonly r: Ranges;
}

export type LogRecord = MetaRecord | TickRecord | AckRecord;

/** The service's own durable state beside the program's. */
export interface ServiceState {
  /** Names this node's sending links across restarts, so receivers can deduplicate. */
  readonly incarnation: string;
  /** Per destination address: the next sequence number and the unacknowledged sends, in order. */
  readonly links: Record<string, { readonly nextSequence: number; readonly outbox: OutboxEntry[] }>;
  readonly dedup: Record<string, LinkDedupState>;
  readonly periodic: Record<string, number>;
}

export interface SnapshotContents {
  readonly node: NodeSnapshot;
  readonly service: ServiceState;
}

/** State rebuilt in memory while records are replayed. */
export class Replay {
  private readonly images = new Map<string, Map<string, JsonValue[]>>();
  private readonly positions = new Map<string, number[]>();
  private nextTick = 0;
  private pending: PendingOperations = { inserts: {}, deletes: {}, upserts: {} };
  private queued: TuplesByName = {};
  private incarnation: string | null = null;
  private readonly outboxes = new Map<string, { nextSequence: number; entries: Map<number, OutboxEntry> }>();
  private dedup = new Deduplicator();
  private periodic: Record<string, number> = {};
  /** Whether anything (a snapshot or a tick) was replayed: a node that never ran tick 0 has not. */
  started = false;

  constructor(
    private readonly schema: ProgramSchema,
    from: SnapshotContents | null,
  ) {
    for (const collection of schema.collections) {
      if (isPerTick(collection.kind)) continue;
      this.images.set(collection.name, new Map());
      this.positions.set(collection.name, keyPositions(collection));
    }
    if (from === null) return;
    this.started = true;
    const { node, service } = from;
    for (const [name, tuples] of Object.entries(node.collections)) this.putAll(name, tuples);
    this.nextTick = node.nextTick;
    this.pending = node.pending;
    this.queued = node.queued;
    this.incarnation = service.incarnation;
    for (const [to, link] of Object.entries(service.links)) {
      this.outboxes.set(to, { nextSequence: link.nextSequence, entries: new Map(link.outbox.map((entry) => [entry[0], entry])) });
    }
    this.dedup = Deduplicator.fromJson(service.dedup);
    this.periodic = { ...service.periodic };
  }

  private collection(name: string): CollectionSchema | undefined {
    return this.schema.collections.find((collection) => collection.name === name);
  }

  private putAll(name: string, tuples: readonly JsonValue[][]): void {
    const image = this.images.get(name);
    const positions = this.positions.get(name);
    if (image === undefined || positions === undefined) throw new Error(`state holds ${name}, which is not a table or lattice of this program`);
    for (const tuple of tuples) image.set(keyText(positions, tuple), tuple);
  }

  apply(record: LogRecord): void {
    switch (record.k) {
      case "meta":
        this.incarnation ??= record.incarnation;
        return;
      case "ack": {
        const outbox = this.outboxes.get(record.to);
        if (outbox === undefined) return;
        for (const [from, to] of record.r) {
          if (to - from < outbox.entries.size) {
            for (let sequence = from; sequence <= to; sequence++) outbox.entries.delete(sequence);
          } else {
            for (const sequence of [...outbox.entries.keys()]) if (sequence >= from && sequence <= to) outbox.entries.delete(sequence);
          }
        }
        return;
      }
      case "tick":
        this.started = true;
        for (const [name, keys] of Object.entries(record.removed)) {
          const image = this.images.get(name);
          if (image === undefined) throw new Error(`log removes from ${name}, which is not a table or lattice of this program`);
          for (const key of keys) image.delete(canonicalJson(key));
        }
        for (const [name, tuples] of Object.entries(record.put)) this.putAll(name, tuples);
        this.pending = record.pending;
        this.queued = record.queued;
        this.nextTick = record.tick + 1;
        for (const [to, sequence, channel, tuple] of record.sends) {
          let outbox = this.outboxes.get(to);
          if (outbox === undefined) {
            outbox = { nextSequence: 1, entries: new Map() };
            this.outboxes.set(to, outbox);
          }
          outbox.entries.set(sequence, [sequence, channel, tuple]);
          outbox.nextSequence = Math.max(outbox.nextSequence, sequence + 1);
        }
        for (const [link, ranges] of Object.entries(record.consumed)) {
          for (const [from, to] of ranges) for (let sequence = from; sequence <= to; sequence++) this.dedup.markConsumed(link, sequence);
        }
        Object.assign(this.periodic, record.periodic);
        return;
    }
  }

  /** The node's state, for ProgramNode.restore; null when no tick ever committed. */
  nodeSnapshot(): NodeSnapshot | null {
    if (!this.started) return null;
    const collections: Record<string, JsonValue[][]> = {};
    for (const [name, image] of this.images) {
      if (this.collection(name) !== undefined) collections[name] = [...image.values()];
    }
    return {
      format: "hydrolog-node",
      version: 1,
      module: this.schema.moduleName,
      nextTick: this.nextTick,
      collections,
      pending: this.pending,
      queued: this.queued,
    };
  }

  serviceState(newIncarnation: () => string): ServiceState {
    const links: Record<string, { nextSequence: number; outbox: OutboxEntry[] }> = {};
    for (const [to, outbox] of this.outboxes) {
      links[to] = { nextSequence: outbox.nextSequence, outbox: [...outbox.entries.values()].sort((a, b) => a[0] - b[0]) };
    }
    return { incarnation: this.incarnation ?? newIncarnation(), links, dedup: this.dedup.toJson(), periodic: { ...this.periodic } };
  }
}
