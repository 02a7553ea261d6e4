// A relation: the contents of one collection (or of a buffer of deferred operations).
// In: tuples staged by generated code (plain columns as codes in `tuple`, lattice columns as
// lattice values in `values`), then `insert()`. Out: rows in a row-major Float64Array of codes
// plus one array per lattice column, a unique table (set semantics, or map semantics from the
// plain columns to the lattice values, or a declared key), hash indexes maintained row by row,
// the semi-naive delta of the current fixpoint iteration, and an undo log for failed ticks.
// Why so shaped: no tuple is ever serialised or boxed in the inner loop; membership is an open
// addressing probe over numeric codes; a row is a position, so deltas are Int32Array lists of
// positions and indexes are chains of positions. Rows are dense (0..size-1): a delete moves the
// last row into the hole, which is only ever done between evaluations (step 1 of a tick), so
// iteration never sees it.

import type { LatticeOps } from "./lattices.ts";
import { HashIndex } from "./index-table.ts";
import { decodeCode, encodeCode, finishHash, grownFloat64, grownInt32, HASH_SEED, mixCode, type CodeKind } from "./codes.ts";
import type { ValueSpace } from "./interner.ts";
import { TickError } from "./errors.ts";
import type { JsonValue } from "./values.ts";

/** One column as a relation sees it. */
export interface RelationColumn {
  readonly name: string;
  /** For a plain column: how its values are coded. */
  readonly code: CodeKind | null;
  /** For a lattice column: its operations. */
  readonly lattice: LatticeOps | null;
}

export interface RelationOptions {
  readonly name: string;
  readonly columns: readonly RelationColumn[];
  /** Declared key columns (schema positions); null: the plain columns are the key. */
  readonly key?: readonly number[] | null;
  readonly space: ValueSpace;
}

const INITIAL_ROWS = 16;
const MAX_PACKED_WIDTH = 4;

export class Relation {
  readonly name: string;
  readonly columns: readonly RelationColumn[];
  /** Number of plain columns: the stride of `data`. */
  readonly width: number;
  /** Schema position of each plain column, then of each lattice column. */
  readonly plainPositions: readonly number[];
  readonly latticePositions: readonly number[];
  readonly latticeOps: readonly LatticeOps[];
  /** Row-major codes: `data[row * width + plainIndex]`. Reassigned when it grows. */
  data: Float64Array;
  /** `lattice[latticeIndex][row]`. */
  readonly lattice: unknown[][];
  size = 0;
  /** Stage the plain codes of a tuple here before insert(), contains(), find(). */
  readonly tuple: Float64Array;
  /** Stage the lattice values of a tuple here. */
  readonly values: unknown[];
  readonly indexes: HashIndex[] = [];
  /** Declared key (plain indices) when narrower than all plain columns: conflicts are key violations. */
  readonly keyIndices: readonly number[] | null;
  readonly space: ValueSpace;

  private capacity = INITIAL_ROWS;
  private readonly unique: Int32Array;
  /**
   * The unique table: open addressing, linear probing, 0 marking an empty slot. While every
   * code is an int32 and the key is all of at most 4 plain columns, the layout is packed: a slot
   * holds row + 1 and the row's codes, so a probe compares inside the slot (one cache line)
   * and never reads `data`. Otherwise a slot holds (row + 1, hash) and rows keep their hashes.
   * A table leaves the packed layout for good the first time a code does not fit.
   */
  private packed: boolean;
  /** Packed, two plain columns, no lattice column: insert() takes insertPair(). */
  private pairSet: boolean;
  private stride: number;
  private slots: Int32Array;
  private mask = 31;
  private rowHashes = new Int32Array(0);

  // Semi-naive evaluation: rows added or grown in this iteration go to `next`.
  tracking = false;
  delta = new Int32Array(0);
  deltaSize = 0;
  private deltaStamp = new Int32Array(0);
  private nextRows = new Int32Array(0);
  private nextSize = 0;
  private nextStamp = new Int32Array(0);
  private stamp = 1;

  // Undo log of the current tick: rows at or after `undoMark` are new; grown lattice rows logged.
  private undoMark = 0;
  private undoEpoch = 1;
  private undoStamp = new Int32Array(0);
  private undoRows: number[] = [];
  private undoValues: unknown[][] = [];

  constructor(options: RelationOptions) {
    this.name = options.name;
    this.columns = options.columns;
    this.space = options.space;
    const plain: number[] = [];
    const lattice: number[] = [];
    options.columns.forEach((column, position) => (column.lattice ? lattice : plain).push(position));
    this.plainPositions = plain;
    this.latticePositions = lattice;
    this.width = plain.length;
    this.latticeOps = lattice.map((position) => options.columns[position]!.lattice!);
    this.lattice = lattice.map(() => []);
    this.data = new Float64Array(INITIAL_ROWS * this.width);
    this.tuple = new Float64Array(Math.max(1, this.width));
    this.values = new Array(lattice.length).fill(undefined);
    const key = options.key ?? null;
    const keyIndices = key === null ? null : key.map((position) => plain.indexOf(position));
    if (keyIndices !== null && keyIndices.some((index) => index < 0)) {
      throw new Error(`relation ${this.name}: a key column must be a plain column`);
    }
    const narrower = keyIndices !== null && keyIndices.length < plain.length;
    this.keyIndices = narrower ? keyIndices : null;
    this.unique = Int32Array.from(narrower ? keyIndices! : plain.map((_, index) => index));
    this.packed = !narrower && this.width >= 1 && this.width <= MAX_PACKED_WIDTH;
    this.pairSet = this.packed && this.width === 2 && lattice.length === 0;
    this.stride = this.packed ? this.width + 1 : 2;
    this.slots = new Int32Array(32 * this.stride);
    if (!this.packed) this.rowHashes = new Int32Array(INITIAL_ROWS);
  }

  /** An index on plain columns (plain indices), shared when asked for twice. */
  index(columns: readonly number[]): HashIndex {
    for (const index of this.indexes) {
      if (index.columns.length === columns.length && columns.every((column, i) => index.columns[i] === column)) return index;
    }
    const index = new HashIndex(this, columns, this.capacity);
    for (let row = 0; row < this.size; row++) index.add(row);
    this.indexes.push(index);
    return index;
  }

  // -------------------------------------------------------------------------------------------
  // Lookup and insertion

  /** The row whose unique columns equal the staged tuple's, or -1. */
  find(): number {
    const found = this.probe(this.hashStaged());
    return found >= 0 ? found : -1;
  }

  /** Whether the staged plain tuple is present (all plain columns equal). */
  contains(): boolean {
    const row = this.find();
    if (row < 0) return false;
    if (this.keyIndices === null) return true;
    return this.samePlain(row);
  }

  /**
   * Adds the staged tuple. Returns its row when the relation changed (a new row, or a lattice
   * value that grew), -1 when it already held it. A declared key already held by a different
   * tuple is a key violation (LANGUAGE.md §5): the tick fails.
   */
  insert(): number {
    if (this.pairSet) return this.insertPair();
    const hash = this.hashStaged();
    const found = this.probe(hash);
    if (found >= 0) {
      if (this.keyIndices !== null && !this.samePlain(found)) this.keyViolation(found);
      return this.lattice.length === 0 ? -1 : this.mergeInto(found);
    }
    if (this.lattice.length > 0 && this.stagedIsBottom()) return -1;
    return this.append(hash, -found - 1);
  }

  /** Adds the staged tuple replacing any lattice values instead of merging (an upsert). */
  replace(): number {
    const row = this.find();
    if (row >= 0) this.removeRow(row);
    return this.insert();
  }

  /**
   * The common case on its own: a set of pairs of int32 codes (edges, paths), no lattice
   * column, no declared key. One probe over packed slots; the same table layout as above.
   */
  private insertPair(): number {
    const tuple = this.tuple;
    const a = tuple[0]!;
    const b = tuple[1]!;
    if ((a | 0) !== a || (b | 0) !== b) {
      this.pairSet = false;
      return this.insert();
    }
    const hash = finishHash(Math.imul(Math.imul(HASH_SEED ^ a, 0x9e3779b1) ^ b, 0x9e3779b1));
    const slots = this.slots;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const base = slot * 3;
      if (slots[base] === 0) break;
      if (slots[base + 1] === a && slots[base + 2] === b) return -1;
      slot = (slot + 1) & mask;
    }
    const row = this.size;
    if (row === this.capacity) this.grow();
    this.data[row * 2] = a;
    this.data[row * 2 + 1] = b;
    this.size = row + 1;
    const base = slot * 3;
    slots[base] = row + 1;
    slots[base + 1] = a;
    slots[base + 2] = b;
    if (this.size * 3 > mask * 2) this.resizeSlots((mask + 1) * 2);
    const indexes = this.indexes;
    for (let i = 0; i < indexes.length; i++) indexes[i]!.add(row);
    if (this.tracking) this.pushNext(row);
    return row;
  }

  private hashStaged(): number {
    const tuple = this.tuple;
    let hash = HASH_SEED;
    if (this.packed) {
      for (let i = 0; i < this.width; i++) hash = mixCode(hash, tuple[i]!);
    } else {
      const unique = this.unique;
      for (let i = 0; i < unique.length; i++) hash = mixCode(hash, tuple[unique[i]!]!);
    }
    return finishHash(hash);
  }

  /** The hash of a stored row's unique columns. */
  private hashRow(row: number): number {
    const data = this.data;
    const unique = this.unique;
    const offset = row * this.width;
    let hash = HASH_SEED;
    for (let i = 0; i < unique.length; i++) hash = mixCode(hash, data[offset + unique[i]!]!);
    return finishHash(hash);
  }

  /** The hash of the entry in a slot. */
  private slotHash(slot: number): number {
    if (!this.packed) return this.slots[slot * 2 + 1]!;
    const slots = this.slots;
    const base = slot * this.stride + 1;
    let hash = HASH_SEED;
    for (let i = 0; i < this.width; i++) hash = mixCode(hash, slots[base + i]!);
    return finishHash(hash);
  }

  /** The row holding the staged key, or -(slot + 1) for the empty slot where it would go. */
  private probe(hash: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const tuple = this.tuple;
    let slot = hash & mask;
    if (this.packed) {
      const stride = this.stride;
      const width = this.width;
      for (;;) {
        const base = slot * stride;
        const entry = slots[base]!;
        if (entry === 0) return -slot - 1;
        let same = true;
        for (let i = 0; i < width; i++) {
          if (slots[base + 1 + i] !== tuple[i]) {
            same = false;
            break;
          }
        }
        if (same) return entry - 1;
        slot = (slot + 1) & mask;
      }
    }
    const unique = this.unique;
    for (;;) {
      const entry = slots[slot << 1]!;
      if (entry === 0) return -slot - 1;
      if (slots[(slot << 1) + 1] === hash) {
        const row = entry - 1;
        const data = this.data;
        const offset = row * this.width;
        let same = true;
        for (let i = 0; i < unique.length; i++) {
          const column = unique[i]!;
          if (data[offset + column] !== tuple[column]) {
            same = false;
            break;
          }
        }
        if (same) return row;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The row equal to the staged tuple in every column (lattice values by lattice equality), or -1. */
  findExact(): number {
    const row = this.find();
    if (row < 0) return -1;
    if (this.keyIndices !== null && !this.samePlain(row)) return -1;
    for (let i = 0; i < this.lattice.length; i++) {
      if (!this.latticeOps[i]!.equals(this.lattice[i]![row], this.values[i])) return -1;
    }
    return row;
  }

  /** Whether inserting the staged tuple would change the relation (nothing is written). */
  wouldChange(): boolean {
    const row = this.find();
    if (row < 0) return this.lattice.length === 0 || !this.stagedIsBottom();
    if (this.keyIndices !== null && !this.samePlain(row)) return true;
    for (let i = 0; i < this.lattice.length; i++) {
      const old = this.lattice[i]![row];
      if (this.latticeOps[i]!.merge(old, this.values[i]) !== old) return true;
    }
    return false;
  }

  /** Whether a row's plain columns equal the staged ones. */
  samePlain(row: number): boolean {
    const offset = row * this.width;
    for (let i = 0; i < this.width; i++) if (this.data[offset + i] !== this.tuple[i]) return false;
    return true;
  }

  private stagedIsBottom(): boolean {
    for (let i = 0; i < this.latticeOps.length; i++) {
      if (!this.latticeOps[i]!.isBottom(this.values[i])) return false;
    }
    return true;
  }

  private mergeInto(row: number): number {
    let changed = false;
    for (let i = 0; i < this.latticeOps.length; i++) {
      const column = this.lattice[i]!;
      const old = column[row];
      const merged = this.latticeOps[i]!.merge(old, this.values[i]);
      if (merged !== old) {
        if (!changed) {
          changed = true;
          if (row < this.undoMark) this.logUndo(row);
        }
        column[row] = merged;
      }
    }
    if (!changed) return -1;
    if (this.tracking) this.pushNext(row);
    return row;
  }

  /** Stores the staged tuple as a new row; `slot` is the free slot its probe ended on. */
  private append(hash: number, slot: number): number {
    if (this.packed && !this.stagedFitsPacked()) {
      this.unpack();
      slot = -this.probe(hash) - 1;
    }
    const row = this.size;
    if (row === this.capacity) this.grow();
    const width = this.width;
    const offset = row * width;
    for (let i = 0; i < width; i++) this.data[offset + i] = this.tuple[i]!;
    for (let i = 0; i < this.lattice.length; i++) this.lattice[i]![row] = this.values[i];
    if (!this.packed) this.rowHashes[row] = hash;
    this.size = row + 1;
    const slots = this.slots;
    const base = slot * this.stride;
    slots[base] = row + 1;
    if (this.packed) {
      for (let i = 0; i < width; i++) slots[base + 1 + i] = this.tuple[i]!;
    } else {
      slots[base + 1] = hash;
    }
    if (this.size * 3 > this.mask * 2) this.resizeSlots((this.mask + 1) * 2);
    const indexes = this.indexes;
    for (let i = 0; i < indexes.length; i++) indexes[i]!.add(row);
    if (this.tracking) this.pushNext(row);
    return row;
  }

  /** Puts a stored row into the first free slot of its probe sequence. */
  private place(row: number, hash: number): void {
    const slots = this.slots;
    const mask = this.mask;
    const stride = this.stride;
    let slot = hash & mask;
    while (slots[slot * stride] !== 0) slot = (slot + 1) & mask;
    const base = slot * stride;
    slots[base] = row + 1;
    if (this.packed) {
      const offset = row * this.width;
      for (let i = 0; i < this.width; i++) slots[base + 1 + i] = this.data[offset + i]!;
    } else {
      slots[base + 1] = hash;
    }
  }

  private stagedFitsPacked(): boolean {
    for (let i = 0; i < this.width; i++) {
      const code = this.tuple[i]!;
      if ((code | 0) !== code) return false;
    }
    return true;
  }

  /** Leaves the packed layout (a code that is no int32 arrived): rows keep their hashes from now on. */
  private unpack(): void {
    this.pairSet = false;
    this.rowHashes = new Int32Array(this.capacity);
    for (let row = 0; row < this.size; row++) this.rowHashes[row] = this.hashRow(row);
    this.packed = false;
    this.stride = 2;
    this.slots = new Int32Array((this.mask + 1) * 2);
    for (let row = 0; row < this.size; row++) this.place(row, this.rowHashes[row]!);
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    this.capacity = capacity;
    this.data = grownFloat64(this.data, capacity * this.width);
    if (!this.packed) this.rowHashes = grownInt32(this.rowHashes, capacity);
    for (const index of this.indexes) index.ensureRows(capacity);
    if (this.nextStamp.length > 0) {
      this.nextStamp = grownInt32(this.nextStamp, capacity);
      this.deltaStamp = grownInt32(this.deltaStamp, capacity);
    }
    if (this.undoStamp.length > 0) this.undoStamp = grownInt32(this.undoStamp, capacity);
  }

  /** Rehashes from the old slots themselves (packed slots carry their codes; general ones their hash). */
  private resizeSlots(slotCount: number): void {
    const slots = new Int32Array(slotCount * this.stride);
    if (this.packed) rehashPacked(this.slots, slots, this.width);
    else rehashGeneral(this.slots, slots);
    this.slots = slots;
    this.mask = slotCount - 1;
  }

  // -------------------------------------------------------------------------------------------
  // Removal (between evaluations only)

  /** Removes a row; the last row moves into its place. */
  removeRow(row: number): void {
    this.deleteSlot(this.slotOfRow(row));
    for (const index of this.indexes) index.remove(row);
    const last = this.size - 1;
    if (row !== last) {
      const width = this.width;
      this.data.copyWithin(row * width, last * width, last * width + width);
      for (const column of this.lattice) column[row] = column[last];
      this.slots[this.slotOfRow(last) * this.stride] = row + 1;
      if (!this.packed) this.rowHashes[row] = this.rowHashes[last]!;
      for (const index of this.indexes) index.move(last, row);
    }
    for (const column of this.lattice) column[last] = undefined;
    this.size = last;
  }

  /** Removes every row. */
  clear(): void {
    if (this.size === 0) return;
    this.slots.fill(0);
    for (const index of this.indexes) index.clear();
    for (const column of this.lattice) column.length = 0;
    this.size = 0;
    this.undoMark = 0;
  }

  private slotOfRow(row: number): number {
    const mask = this.mask;
    const stride = this.stride;
    let slot = (this.packed ? this.hashRow(row) : this.rowHashes[row]!) & mask;
    while (this.slots[slot * stride] !== row + 1) slot = (slot + 1) & mask;
    return slot;
  }

  /** Backward-shift deletion: later entries of the probe run move up so lookups stay correct. */
  private deleteSlot(slot: number): void {
    const slots = this.slots;
    const mask = this.mask;
    const stride = this.stride;
    let hole = slot;
    let probe = slot;
    for (;;) {
      slots[hole * stride] = 0;
      for (;;) {
        probe = (probe + 1) & mask;
        if (slots[probe * stride] === 0) return;
        const home = this.slotHash(probe) & mask;
        const stays = hole <= probe ? hole < home && home <= probe : hole < home || home <= probe;
        if (!stays) {
          slots.copyWithin(hole * stride, probe * stride, probe * stride + stride);
          hole = probe;
          break;
        }
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Semi-naive deltas

  /**
   * Starts a semi-naive fixpoint: the first delta is every row present, and from now on rows
   * added or grown go to the next delta.
   */
  beginFixpoint(): void {
    if (this.nextStamp.length < this.capacity) {
      this.nextStamp = grownInt32(this.nextStamp, this.capacity);
      this.deltaStamp = grownInt32(this.deltaStamp, this.capacity);
    }
    if (this.nextRows.length < 16) this.nextRows = new Int32Array(16);
    if (this.delta.length < this.size) this.delta = new Int32Array(Math.max(16, this.size));
    this.stamp++;
    for (let row = 0; row < this.size; row++) {
      this.delta[row] = row;
      this.deltaStamp[row] = this.stamp;
    }
    this.deltaSize = this.size;
    this.deltaStampValue = this.stamp;
    this.stamp++;
    this.nextSize = 0;
    this.tracking = true;
  }

  /** Ends an iteration: what changed in it becomes the delta. False when nothing changed. */
  advance(): boolean {
    const finished = this.delta;
    this.delta = this.nextRows;
    this.deltaSize = this.nextSize;
    this.nextRows = finished;
    this.nextSize = 0;
    const current = this.stamp;
    for (let i = 0; i < this.deltaSize; i++) this.deltaStamp[this.delta[i]!] = current;
    this.deltaStampValue = current;
    this.stamp++;
    return this.deltaSize > 0;
  }

  /** Whether rows changed in the iteration under way (the fixpoint goes on while any did). */
  get changed(): boolean {
    return this.nextSize > 0;
  }

  private deltaStampValue = 0;

  /** Whether a row is in the current delta (for a join that reads a delta by index). */
  inDelta(row: number): boolean {
    return this.deltaStamp[row] === this.deltaStampValue;
  }

  endFixpoint(): void {
    this.tracking = false;
    this.deltaSize = 0;
    this.nextSize = 0;
    this.deltaStampValue = 0;
  }

  private pushNext(row: number): void {
    if (this.nextStamp[row] === this.stamp) return;
    this.nextStamp[row] = this.stamp;
    if (this.nextSize === this.nextRows.length) this.nextRows = grownInt32(this.nextRows, this.nextSize + 1);
    this.nextRows[this.nextSize++] = row;
  }

  // -------------------------------------------------------------------------------------------
  // Atomic ticks

  /** Remembers the current contents as the state to return to if the tick fails. */
  beginTick(): void {
    this.undoMark = this.size;
    this.undoEpoch++;
    if (this.undoRows.length > 0) {
      this.undoRows.length = 0;
      this.undoValues.length = 0;
    }
  }

  /** Returns to the contents at beginTick(). */
  rollback(): void {
    while (this.size > this.undoMark) this.removeRow(this.size - 1);
    for (let i = this.undoRows.length - 1; i >= 0; i--) {
      const row = this.undoRows[i]!;
      const values = this.undoValues[i]!;
      for (let j = 0; j < this.lattice.length; j++) this.lattice[j]![row] = values[j];
    }
    this.undoRows.length = 0;
    this.undoValues.length = 0;
    this.endFixpoint();
  }

  private logUndo(row: number): void {
    if (this.undoStamp.length < this.capacity) this.undoStamp = grownInt32(this.undoStamp, this.capacity);
    if (this.undoStamp[row] === this.undoEpoch) return;
    this.undoStamp[row] = this.undoEpoch;
    this.undoRows.push(row);
    this.undoValues.push(this.lattice.map((column) => column[row]));
  }

  // -------------------------------------------------------------------------------------------
  // Reading rows as values

  /** A row as runtime values in schema column order (lattice columns as lattice values). */
  rowValues(row: number): unknown[] {
    const out = new Array<unknown>(this.columns.length);
    const offset = row * this.width;
    for (let i = 0; i < this.width; i++) {
      out[this.plainPositions[i]!] = decodeCode(this.columns[this.plainPositions[i]!]!.code!, this.data[offset + i]!, this.space);
    }
    for (let i = 0; i < this.lattice.length; i++) out[this.latticePositions[i]!] = this.lattice[i]![row];
    return out;
  }

  /** A row as LANGUAGE.md §6 JSON. */
  rowJson(row: number): JsonValue[] {
    const out = this.rowValues(row) as JsonValue[];
    for (let i = 0; i < this.lattice.length; i++) {
      const position = this.latticePositions[i]!;
      out[position] = this.latticeOps[i]!.encode(out[position]);
    }
    return out;
  }

  /** The staged tuple as §6 JSON (for error reports). */
  stagedJson(): JsonValue[] {
    const out = new Array<JsonValue>(this.columns.length);
    for (let i = 0; i < this.width; i++) {
      const position = this.plainPositions[i]!;
      out[position] = decodeCode(this.columns[position]!.code!, this.tuple[i]!, this.space) as JsonValue;
    }
    for (let i = 0; i < this.lattice.length; i++) out[this.latticePositions[i]!] = this.latticeOps[i]!.encode(this.values[i]);
    return out;
  }

  /** Stages a tuple given as runtime values in schema column order. */
  stageValues(tuple: readonly unknown[]): void {
    for (let i = 0; i < this.width; i++) {
      const position = this.plainPositions[i]!;
      this.tuple[i] = encodeCode(this.columns[position]!.code!, tuple[position], this.space);
    }
    for (let i = 0; i < this.lattice.length; i++) this.values[i] = tuple[this.latticePositions[i]!];
  }

  /** Stages row `row` of `other` (a relation of the same schema). */
  stageRow(other: Relation, row: number): void {
    const offset = row * other.width;
    for (let i = 0; i < this.width; i++) this.tuple[i] = other.data[offset + i]!;
    for (let i = 0; i < this.lattice.length; i++) this.values[i] = other.lattice[i]![row];
  }

  private keyViolation(row: number): never {
    const names = this.keyIndices!.map((index) => this.columns[this.plainPositions[index]!]!.name).join(", ");
    const existing = this.rowJson(row);
    const incoming = this.stagedJson();
    throw new TickError(
      `key violation in ${this.name}: key (${names}) is held by ${JSON.stringify(existing)} and ${JSON.stringify(incoming)}`,
      [existing, incoming],
    );
  }
}

/** Moves every packed entry (row + 1, codes) of `from` into `to`, rehashing from the codes. */
function rehashPacked(from: Int32Array, to: Int32Array, width: number): void {
  const stride = width + 1;
  const mask = to.length / stride - 1;
  for (let base = 0; base < from.length; base += stride) {
    const entry = from[base]!;
    if (entry === 0) continue;
    let hash = HASH_SEED;
    for (let i = 1; i <= width; i++) hash = mixCode(hash, from[base + i]!);
    let slot = finishHash(hash) & mask;
    while (to[slot * stride] !== 0) slot = (slot + 1) & mask;
    const target = slot * stride;
    to[target] = entry;
    for (let i = 1; i <= width; i++) to[target + i] = from[base + i]!;
  }
}

/** Moves every (row + 1, hash) entry of `from` into `to`. */
function rehashGeneral(from: Int32Array, to: Int32Array): void {
  const mask = to.length / 2 - 1;
  for (let base = 0; base < from.length; base += 2) {
    const entry = from[base]!;
    if (entry === 0) continue;
    const hash = from[base + 1]!;
    let slot = hash & mask;
    while (to[slot * 2] !== 0) slot = (slot + 1) & mask;
    to[slot * 2] = entry;
    to[slot * 2 + 1] = hash;
  }
}
