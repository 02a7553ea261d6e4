// A running node of one program: its collections, its tick loop and its embedding API.
// In: the generated subclass supplies the schema, the rule evaluation (`evaluate`: the strata
// in order, then the temporal rules) and the facts; callers push arrivals and run ticks.
// Out: per tick, a TickResult (outputs and sends, or the failure), delivered to subscribers too;
// reads of any collection; snapshots of the durable state and their restoration.
// Why here and not in generated code: the tick's steps (LANGUAGE.md §5) are the same for every
// program, so they are written, tested and fixed once; the generated code is only the rules.
// A tick is atomic: every relation keeps an undo mark taken right after step 1, so a failing
// tick rolls back to exactly "the state after its step 1" without copying any state.

import { decodeArrivals, decodeCollectionArrivals, columnTypes } from "./arrivals.ts";
import { systemContext, type BuiltinContext } from "./builtins.ts";
import { DEFERRED_KINDS, DeferredOperations } from "./deferred.ts";
import { TickError } from "./errors.ts";
import { ValueSpace } from "./interner.ts";
import { Relation } from "./relation.ts";
import { isPerTick, relationColumns, type CollectionSchema, type ProgramSchema } from "./schema.ts";
import { compareTuples, compareValues, decodeTuple, type JsonValue } from "./values.ts";
import {
  setWireTuple,
  wireTupleOf,
  type Names,
  type NodeOptions,
  type NodeSnapshot,
  type ProgramTypes,
  type SentMessage,
  type TickFailure,
  type TickResult,
  type TickSuccess,
  type UntypedMessage,
} from "./tick-result.ts";

// The API's shapes are part of this module's surface: importers of the node get them here too.
export * from "./tick-result.ts";

type Listener<T> = (value: T) => void;

/** A failure of an extern function: the tick fails with its message. */
export function externFailure(name: string, error: unknown): TickError {
  if (error instanceof TickError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TickError(`extern function ${name} failed: ${message}`);
}

export abstract class ProgramNode<T extends ProgramTypes = ProgramTypes> {
  readonly schema: ProgramSchema;
  readonly me: string;
  /** The interners behind every code in this node's relations. */
  protected readonly space = new ValueSpace();
  /** What me(), now(), random(), uuid() and lifts into lww/counter read; now() is fixed per tick. */
  protected readonly context: BuiltinContext;
  private readonly base: Omit<BuiltinContext, "me">;
  private tickTime = 0;

  private readonly collections = new Map<string, CollectionSchema>();
  private readonly relations = new Map<string, Relation>();
  private readonly relationList: Relation[] = [];
  private readonly perTickRelations: Relation[] = [];
  private readonly outputRelations: Relation[] = [];
  private readonly deferred: DeferredOperations;
  private readonly outboxes = new Map<string, Relation>();
  private queue = new Map<string, unknown[][]>();
  private nextTick = 0;
  private pendingWork = false;

  private readonly outputListeners = new Map<string, Set<Listener<unknown[]>>>();
  private readonly sendListeners = new Set<Listener<SentMessage<T>[]>>();
  private readonly tickListeners = new Set<Listener<TickResult<T>>>();

  protected constructor(schema: ProgramSchema, options: NodeOptions = {}) {
    this.schema = schema;
    this.me = options.me ?? "self";
    this.base = options.context ?? systemContext(this.me);
    const base = this.base;
    this.context = {
      me: this.me,
      now: () => this.tickTime,
      random: () => base.random(),
      uuid: () => base.uuid(),
    };
    for (const collection of schema.collections) {
      this.collections.set(collection.name, collection);
      const relation = this.newRelation(collection, collection.key);
      this.relations.set(collection.name, relation);
      this.relationList.push(relation);
      if (isPerTick(collection.kind)) this.perTickRelations.push(relation);
      if (collection.kind === "output") this.outputRelations.push(relation);
    }
    this.deferred = new DeferredOperations(
      (name) => this.relation(name),
      // Two inserts or two upserts of one key in one tick conflict just as in the table itself.
      (name, kind) => this.newRelation(this.collection(name), kind === "deletes" ? null : this.collection(name).key),
      (name) => isPerTick(this.collection(name).kind),
    );
  }

  // -------------------------------------------------------------------------------------------
  // What the generated subclass provides and uses

  /** Step 3: every `<=` stratum to its fixpoint, in order, then the temporal rules. */
  protected abstract evaluate(): void;

  /** The program's facts (tick 0). */
  protected abstract insertFacts(): void;

  protected relation(name: string): Relation {
    const relation = this.relations.get(name);
    if (relation === undefined) throw new Error(`no collection ${name}`);
    return relation;
  }

  /** The buffer of `<+` tuples for `name`, applied at the next tick's step 1. */
  protected deferredInserts(name: string): Relation {
    return this.deferred.buffer(name, "inserts");
  }

  protected deferredDeletes(name: string): Relation {
    return this.deferred.buffer(name, "deletes");
  }

  protected deferredUpserts(name: string): Relation {
    return this.deferred.buffer(name, "upserts");
  }

  /** The `<~` tuples of a channel this tick. */
  protected outbox(name: string): Relation {
    let outbox = this.outboxes.get(name);
    if (outbox === undefined) {
      outbox = this.newRelation(this.collection(name), null);
      this.outboxes.set(name, outbox);
    }
    return outbox;
  }

  /** Inserts a fact given as runtime values (tick 0). */
  protected fact(name: string, tuple: readonly unknown[]): void {
    const relation = this.relation(name);
    relation.stageValues(tuple);
    relation.insert();
  }

  private newRelation(collection: CollectionSchema, key: readonly number[] | null): Relation {
    return new Relation({ name: collection.name, columns: relationColumns(collection), key, space: this.space });
  }

  private collection(name: string): CollectionSchema {
    const collection = this.collections.get(name);
    if (collection === undefined) throw new Error(`no collection ${name}`);
    return collection;
  }

  // -------------------------------------------------------------------------------------------
  // Arrivals

  /**
   * Queues tuples (as LANGUAGE.md §6 JSON) for an input, channel or periodic; they arrive at
   * the next tick. Throws a TypeError on a tuple of the wrong shape (use `pushArrivals` to
   * validate untrusted input without exceptions).
   */
  push<K extends Names<T["arrivals"]>>(name: K, tuples: readonly T["arrivals"][K][]): void {
    const collection = this.collections.get(name);
    if (collection === undefined) throw new TypeError(`unknown collection ${JSON.stringify(name)}`);
    const decoded = decodeCollectionArrivals(collection, tuples);
    if (!decoded.ok) throw new TypeError(decoded.message);
    this.enqueue(name, decoded.tuples);
  }

  /** Validates and queues an arrivals object (a stdio line); nothing is queued when it is bad. */
  pushArrivals(json: unknown): { ok: true } | { ok: false; message: string } {
    const decoded = decodeArrivals(this.schema, json);
    if (!decoded.ok) return decoded;
    for (const [name, tuples] of decoded.arrivals) this.enqueue(name, tuples);
    return { ok: true };
  }

  private enqueue(name: string, tuples: readonly unknown[][]): void {
    if (tuples.length === 0) {
      if (!this.queue.has(name)) this.queue.set(name, []);
      return;
    }
    const queued = this.queue.get(name);
    if (queued === undefined) this.queue.set(name, [...tuples]);
    else for (const tuple of tuples) queued.push(tuple);
  }

  /** Whether a tick would do anything: arrivals are queued or deferred operations would change state. */
  hasPending(): boolean {
    return this.queue.size > 0 || this.pendingWork;
  }

  /** The number the next tick will have. */
  get tickNumber(): number {
    return this.nextTick;
  }

  // -------------------------------------------------------------------------------------------
  // The tick

  tick(): TickResult<T> {
    const tick = this.nextTick++;
    this.tickTime = this.base.now();

    // Step 1: what the previous tick deferred; per-tick collections start empty.
    for (const relation of this.perTickRelations) relation.clear();
    this.deferred.apply();
    for (const relation of this.relationList) relation.beginTick();
    const arrivals = this.queue;
    this.queue = new Map();
    if (tick === 0) {
      // Facts belong to step 1: a later failure of tick 0 keeps them. Facts that break a key
      // themselves fail tick 0 and are dropped.
      try {
        this.insertFacts();
      } catch (error) {
        return this.fail(tick, error);
      }
      for (const relation of this.relationList) relation.beginTick();
    }

    let outputs: Record<string, JsonValue[][]>;
    let sent: UntypedMessage[];
    try {
      // Step 2: the arrivals.
      for (const [name, tuples] of arrivals) {
        const relation = this.relation(name);
        for (const tuple of tuples) {
          relation.stageValues(tuple);
          relation.insert();
        }
      }
      // Step 3: the rules.
      this.evaluate();
      // Step 4: keys of what was deferred, then sends and outputs.
      this.deferred.checkKeys();
      outputs = this.collectOutputs();
      sent = this.collectSends();
    } catch (error) {
      return this.fail(tick, error);
    }

    for (const outbox of this.outboxes.values()) outbox.clear();
    for (const message of sent) {
      if (message.to !== this.me) continue;
      const collection = this.collection(message.channel);
      const decoded = decodeTuple(columnTypes(collection), wireTupleOf(message));
      if (decoded.ok) this.enqueue(message.channel, [decoded.value]);
    }
    for (const relation of this.relationList) relation.commitTick();
    this.pendingWork = this.deferred.wouldChange();
    const result = { tick, outputs, sent } as unknown as TickSuccess<T>;
    this.notify(result);
    return result;
  }

  /** Runs ticks while anything is pending (at least one); returns their results. */
  runUntilQuiet(limit = Number.POSITIVE_INFINITY): TickResult<T>[] {
    const results: TickResult<T>[] = [];
    do {
      results.push(this.tick());
    } while (this.hasPending() && results.length < limit);
    return results;
  }

  private fail(tick: number, error: unknown): TickFailure {
    for (const relation of this.relationList) relation.rollback();
    this.deferred.clear();
    for (const outbox of this.outboxes.values()) outbox.clear();
    this.pendingWork = this.deferred.wouldChange();
    const message =
      error instanceof TickError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    const tuples = error instanceof TickError && error.tuples !== undefined ? (error.tuples as JsonValue[]) : [];
    const result: TickFailure = { tick, failed: true, error: { message, tuples } };
    for (const listener of this.tickListeners) listener(result);
    return result;
  }

  private collectOutputs(): Record<string, JsonValue[][]> {
    const outputs: Record<string, JsonValue[][]> = {};
    for (const relation of this.outputRelations) if (relation.size > 0) outputs[relation.name] = sortedRows(relation);
    return outputs;
  }

  private collectSends(): UntypedMessage[] {
    const sent: UntypedMessage[] = [];
    for (const [name, outbox] of this.outboxes) {
      const address = this.collection(name).addressColumn ?? 0;
      const hasLattice = outbox.latticeOps.length > 0;
      for (let row = 0; row < outbox.size; row++) {
        const tuple = outbox.rowJson(row);
        const message = { to: String(tuple[address]), channel: name, tuple };
        if (hasLattice) setWireTuple(message, wireTuple(outbox, outbox.rowValues(row)));
        sent.push(message);
      }
    }
    return sent.sort(
      (a, b) => compareValues(a.to, b.to) || compareValues(a.channel, b.channel) || compareTuples(a.tuple, b.tuple),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Reading and subscribing

  /** The names of every collection, in declaration order. */
  get collectionNames(): string[] {
    return this.schema.collections.map((collection) => collection.name);
  }

  /** A collection's tuples now, as §6 JSON, sorted. */
  read<K extends Names<T["collections"]>>(name: K): T["collections"][K][] {
    return sortedRows(this.relation(name)) as unknown as T["collections"][K][];
  }

  /** Calls `listener` with the tuples of output `name` after every committed tick that emits any. */
  onOutput<K extends Names<T["outputs"]>>(name: K, listener: Listener<T["outputs"][K][]>): () => void {
    if (this.collections.get(name)?.kind !== "output") throw new TypeError(`${name} is not an output`);
    let listeners = this.outputListeners.get(name);
    if (listeners === undefined) {
      listeners = new Set();
      this.outputListeners.set(name, listeners);
    }
    const untyped = listener as Listener<unknown[]>;
    listeners.add(untyped);
    return () => listeners!.delete(untyped);
  }

  /** Calls `listener` with the messages of every committed tick that sends any. */
  onSend(listener: Listener<SentMessage<T>[]>): () => void {
    this.sendListeners.add(listener);
    return () => this.sendListeners.delete(listener);
  }

  /** Calls `listener` with every tick's result, failed ones included. */
  onTick(listener: Listener<TickResult<T>>): () => void {
    this.tickListeners.add(listener);
    return () => this.tickListeners.delete(listener);
  }

  private notify(result: TickSuccess<T>): void {
    for (const [name, tuples] of Object.entries(result.outputs as Record<string, unknown[]>)) {
      for (const listener of this.outputListeners.get(name) ?? []) listener(tuples);
    }
    if (result.sent.length > 0) for (const listener of this.sendListeners) listener(result.sent);
    for (const listener of this.tickListeners) listener(result);
  }

  // -------------------------------------------------------------------------------------------
  // Durable state

  /** The state between ticks: tables, lattices, deferred operations and queued arrivals. */
  snapshot(): NodeSnapshot {
    const collections: Record<string, JsonValue[][]> = {};
    for (const collection of this.schema.collections) {
      if (!isPerTick(collection.kind)) collections[collection.name] = wireRows(this.relation(collection.name));
    }
    const pending = { inserts: {} as Record<string, JsonValue[][]>, deletes: {} as Record<string, JsonValue[][]>, upserts: {} as Record<string, JsonValue[][]> };
    for (const [name, buffers] of this.deferred.buffers) {
      for (const kind of DEFERRED_KINDS) {
        const buffer = buffers[kind];
        if (buffer !== undefined && buffer.size > 0) pending[kind][name] = wireRows(buffer);
      }
    }
    const queued: Record<string, JsonValue[][]> = {};
    for (const [name, tuples] of this.queue) {
      const collection = this.collection(name);
      queued[name] = tuples.map((tuple) => wireTuple(this.relation(collection.name), tuple));
    }
    return { format: "hydrolog-node", version: 1, module: this.schema.moduleName, nextTick: this.nextTick, collections, pending, queued };
  }

  /** Replaces this node's state by a snapshot's (taken from a node of the same program). */
  restore(snapshot: NodeSnapshot): void {
    if (snapshot.format !== "hydrolog-node" || snapshot.version !== 1) throw new TypeError("not a hydrolog node snapshot");
    if (snapshot.module !== this.schema.moduleName) {
      throw new TypeError(`snapshot of module ${snapshot.module}, not ${this.schema.moduleName}`);
    }
    for (const relation of this.relations.values()) relation.clear();
    this.deferred.clear();
    for (const [name, tuples] of Object.entries(snapshot.collections)) this.load(this.relation(name), name, tuples);
    for (const kind of DEFERRED_KINDS) {
      for (const [name, tuples] of Object.entries(snapshot.pending[kind])) this.load(this.deferred.buffer(name, kind), name, tuples);
    }
    this.queue = new Map();
    for (const [name, tuples] of Object.entries(snapshot.queued)) {
      const types = columnTypes(this.collection(name));
      this.enqueue(
        name,
        tuples.map((tuple) => decodeOrThrow(types, tuple, name)),
      );
    }
    this.nextTick = snapshot.nextTick;
    this.pendingWork = this.deferred.wouldChange();
  }

  private load(relation: Relation, name: string, tuples: readonly JsonValue[][]): void {
    const types = columnTypes(this.collection(name));
    for (const tuple of tuples) {
      relation.stageValues(decodeOrThrow(types, tuple, name));
      relation.insert();
    }
  }
}

function decodeOrThrow(types: Parameters<typeof decodeTuple>[0], json: unknown, name: string): unknown[] {
  const decoded = decodeTuple(types, json);
  if (!decoded.ok) throw new TypeError(`snapshot: ${name}: ${decoded.reason}`);
  return decoded.value;
}

function sortedRows(relation: Relation): JsonValue[][] {
  const rows: JsonValue[][] = new Array(relation.size);
  for (let row = 0; row < relation.size; row++) rows[row] = relation.rowJson(row);
  return rows.sort(compareTuples);
}

function wireRows(relation: Relation): JsonValue[][] {
  const rows: JsonValue[][] = [];
  for (let row = 0; row < relation.size; row++) rows.push(wireTuple(relation, relation.rowValues(row)));
  return rows;
}

function wireTuple(relation: Relation, tuple: readonly unknown[]): JsonValue[] {
  return tuple.map((value, position) => {
    const lattice = relation.columns[position]!.lattice;
    return lattice === null ? toJsonValue(value) : lattice.encodeWire(value);
  });
}

function toJsonValue(value: unknown): JsonValue {
  return value as JsonValue;
}

