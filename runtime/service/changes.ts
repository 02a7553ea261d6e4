// What one tick changed in a node's durable state, captured without copying the state.
// In: a generated program class. Out: a subclass whose nodes, after each tick, say which
// tuples of tables and lattices the tick put (new or grown, as whole tuples in the lossless
// wire encoding) and which keys it removed, and expose their deferred operations.
// How: a tick changes durable state in two places only. Step 1 applies the previous tick's
// deferred operations, whose tuples are read before the tick (their keys are the only ones
// step 1 can touch). Step 3 only appends rows and grows lattice values; `evaluate` is
// overridden to note each relation's size and its lattice value references first (lattice
// values are immutable, so a changed reference is a grown value). After the tick, each touched
// key is looked up once. Cost: the tick's changes plus one reference copy per row of durable
// collections that have lattice columns; the program's own code is untouched.

import type { NodeOptions, ProgramNode } from "../program.ts";
import type { Relation } from "../relation.ts";
import { isPerTick, type CollectionSchema } from "../schema.ts";
import { canonicalJson, type JsonValue } from "../values.ts";
import type { ProgramClass } from "../load.ts";

/** Tuples by collection name. */
export type TuplesByName = Record<string, JsonValue[][]>;

export interface TickChanges {
  /** Whole tuples (wire encoding) now held under their key. */
  readonly put: TuplesByName;
  /** Key tuples (the key columns' values, in key order) no longer held. */
  readonly removed: TuplesByName;
}

export interface PendingOperations {
  readonly inserts: TuplesByName;
  readonly deletes: TuplesByName;
  readonly upserts: TuplesByName;
}

export interface ChangeCapture {
  /** The durable changes of the tick that just ran (empty before the first). */
  takeChanges(): TickChanges;
  /** What the last tick deferred, wire-encoded (as a snapshot holds it). */
  pendingOperations(): PendingOperations;
  /** The number of tuples held by tables and lattices. */
  durableSize(): number;
}

export type CapturingNode = ProgramNode & ChangeCapture;
export type CapturingClass = new (options?: NodeOptions) => CapturingNode;

const KINDS = ["inserts", "deletes", "upserts"] as const;

/** The positions of the columns that identify a tuple of a collection (its unique key). */
export function keyPositions(collection: CollectionSchema): number[] {
  const plain = collection.columns.flatMap((column, position) => (column.lattice ? [] : [position]));
  if (collection.key !== null && collection.key.length < plain.length) return [...collection.key];
  return plain;
}

/** The text that identifies a tuple's key (equal keys, equal texts). */
export function keyText(positions: readonly number[], tuple: readonly unknown[]): string {
  return canonicalJson(positions.map((position) => tuple[position]));
}

/** A relation's row as wire JSON: lattice columns losslessly (a counter keeps its per-node counts). */
export function wireRow(relation: Relation, row: number): JsonValue[] {
  return wireValues(relation, relation.rowValues(row));
}

function wireValues(relation: Relation, values: unknown[]): JsonValue[] {
  const out = values as JsonValue[];
  for (let i = 0; i < relation.latticePositions.length; i++) {
    const position = relation.latticePositions[i]!;
    out[position] = relation.latticeOps[i]!.encodeWire(values[position]);
  }
  return out;
}

interface Mark {
  readonly size: number;
  readonly lattice: readonly unknown[][];
}

export function withChangeCapture(Program: ProgramClass): CapturingClass {
  // The base's evaluate is protected and abstract in ProgramNode's type; it is a plain method
  // of the generated class at run time.
  const baseEvaluate = (Program.prototype as unknown as { evaluate: () => void }).evaluate;

  abstract class Capturing extends Program implements ChangeCapture {
    private durable: CollectionSchema[] | undefined;
    private marks: Map<string, Mark> | null = null;
    private stepOne = new Map<string, unknown[][]>();
    private firstTick = false;
    private changes: TickChanges = { put: {}, removed: {} };

    private durableCollections(): CollectionSchema[] {
      this.durable ??= this.schema.collections.filter((collection) => !isPerTick(collection.kind));
      return this.durable;
    }

    override tick(): ReturnType<ProgramNode["tick"]> {
      this.firstTick = this.tickNumber === 0;
      this.marks = null;
      this.stepOne = new Map();
      for (const collection of this.durableCollections()) {
        const touched: unknown[][] = [];
        for (const kind of KINDS) {
          const buffer = this.buffer(collection.name, kind);
          for (let row = 0; row < buffer.size; row++) touched.push(buffer.rowValues(row));
        }
        if (touched.length > 0) this.stepOne.set(collection.name, touched);
      }
      const result = super.tick();
      this.changes = this.collect();
      return result;
    }

    protected evaluate(): void {
      const marks = new Map<string, Mark>();
      for (const collection of this.durableCollections()) {
        const relation = this.relation(collection.name);
        const size = this.firstTick ? 0 : relation.size;
        marks.set(collection.name, { size, lattice: relation.lattice.map((column) => column.slice(0, size)) });
      }
      this.marks = marks;
      baseEvaluate.call(this);
    }

    private buffer(name: string, kind: (typeof KINDS)[number]): Relation {
      return kind === "inserts" ? this.deferredInserts(name) : kind === "deletes" ? this.deferredDeletes(name) : this.deferredUpserts(name);
    }

    private collect(): TickChanges {
      const put: TuplesByName = {};
      const removed: TuplesByName = {};
      for (const collection of this.durableCollections()) {
        const relation = this.relation(collection.name);
        const positions = keyPositions(collection);
        const seen = new Set<string>();
        const puts: JsonValue[][] = [];
        const removes: JsonValue[][] = [];
        const putRow = (row: number): void => {
          const tuple = wireRow(relation, row);
          const key = keyText(positions, tuple);
          if (seen.has(key)) return;
          seen.add(key);
          puts.push(tuple);
        };
        const mark = this.marks?.get(collection.name);
        // A failed tick (or one that failed before step 3) was rolled back to its step 1.
        if (mark !== undefined) {
          for (let row = mark.size; row < relation.size; row++) putRow(row);
          const limit = Math.min(mark.size, relation.size);
          for (let column = 0; column < mark.lattice.length; column++) {
            const before = mark.lattice[column]!;
            const now = relation.lattice[column]!;
            for (let row = 0; row < limit; row++) if (before[row] !== now[row]) putRow(row);
          }
        }
        for (const values of this.stepOne.get(collection.name) ?? []) {
          relation.stageValues(values);
          const row = relation.find();
          if (row >= 0) {
            putRow(row);
            continue;
          }
          const key = positions.map((position) => values[position]) as JsonValue[];
          const text = canonicalJson(key);
          if (seen.has(text)) continue;
          seen.add(text);
          removes.push(key);
        }
        if (puts.length > 0) put[collection.name] = puts;
        if (removes.length > 0) removed[collection.name] = removes;
      }
      this.marks = null;
      this.stepOne = new Map();
      return { put, removed };
    }

    takeChanges(): TickChanges {
      const changes = this.changes;
      this.changes = { put: {}, removed: {} };
      return changes;
    }

    pendingOperations(): PendingOperations {
      const pending = { inserts: {} as TuplesByName, deletes: {} as TuplesByName, upserts: {} as TuplesByName };
      for (const collection of this.schema.collections) {
        for (const kind of KINDS) {
          const buffer = this.buffer(collection.name, kind);
          if (buffer.size === 0) continue;
          const rows: JsonValue[][] = [];
          for (let row = 0; row < buffer.size; row++) rows.push(wireRow(buffer, row));
          pending[kind][collection.name] = rows;
        }
      }
      return pending;
    }

    durableSize(): number {
      let size = 0;
      for (const collection of this.durableCollections()) size += this.relation(collection.name).size;
      return size;
    }
  }
  return Capturing as unknown as CapturingClass;
}
