// A relation: the contents of one collection (or of a buffer of deferred operations).
// In: tuples staged by generated code (plain columns as codes in `tuple`, lattice columns as
// lattice values in `values`), then `insert()`; or the two codes of a pair passed to
// insertPair() / containsPair(), the common case, unstaged. Out: rows in a row-major typed array of codes
// (`data`: Int32Array while every code is small, Float64Array from the first that is not) plus
// one array per lattice column, a unique table (tuple-table.ts: set semantics, or map
// semantics from the plain columns to the lattice values, or a declared key), hash indexes
// maintained row by row, the semi-naive delta of the current fixpoint iteration, and an undo
// log for failed ticks.
// Why so shaped: no tuple is ever serialised or boxed in the inner loop; membership is an open
// addressing probe over numeric codes; a row is a position, so a delta is a range or a list of
// positions and indexes are chains of positions. Rows are dense (0..size-1): a delete moves
// the last row into the hole, which is only ever done between evaluations (step 1 of a tick),
// so iteration never sees it.

import type { LatticeOps } from "./lattices.ts";
import { HashIndex } from "./index-table.ts";
import { isSmallCode, resizedCodes, type CodeArray, type CodeKind } from "./codes.ts";
import type { ValueSpace } from "./interner.ts";
import { TickError } from "./errors.ts";
import { MAX_PACKED_WIDTH, TupleTable } from "./tuple-table.ts";
import { ChangedRows } from "./changed-rows.ts";
import { UndoLog } from "./undo-log.ts";
import { rowJson, rowValues, stagedJson, stageValues } from "./row-values.ts";
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
const NO_ROWS = new Int32Array(0);

export class Relation {
  readonly name: string;
  readonly columns: readonly RelationColumn[];
  /** Number of plain columns: the stride of `data`. */
  readonly width: number;
  /** Schema position of each plain column, then of each lattice column. */
  readonly plainPositions: readonly number[];
  readonly latticePositions: readonly number[];
  readonly latticeOps: readonly LatticeOps[];
  /** Row-major codes: `data[row * width + plainIndex]`. Reassigned when it grows or widens. */
  data: CodeArray;
  /** `lattice[latticeIndex][row]`. */
  readonly lattice: unknown[][];
  size = 0;
  /** Stage the plain codes of a tuple here before insert(), contains(), find(). */
  readonly tuple: Float64Array;
  /** Stage the lattice values of a tuple here. */
  readonly values: unknown[];
  readonly indexes: HashIndex[] = [];
  /**
   * indexes.length, as a number of its own: an empty array and one holding indexes have
   * different hidden classes, so reading their length in the shared insert path would make it
   * polymorphic (and deoptimize it) in a program with both kinds of relation.
   */
  private indexCount = 0;
  /** Declared key (plain indices) when narrower than all plain columns: conflicts are key violations. */
  readonly keyIndices: readonly number[] | null;
  readonly space: ValueSpace;

  private capacity = INITIAL_ROWS;
  private readonly table: TupleTable;
  /**
   * Rows 0..tableEnd-1 are in the unique table. Rows after it were appended as known to be
   * new (insertPair's `fresh`) and join the table on the next lookup or ordinary insert
   * (synced()): a set nothing ever probes never builds its table.
   */
  private tableEnd = 0;
  /** Whether `data` is an Int32Array (every code so far small). */
  private narrow = true;
  /** A set of pairs (two plain columns, no lattice column, no declared key) while packed: insert() probes inline. */
  private pairs: boolean;

  /**
   * Incremental strata: rows at positions from `stableSize` on were added since the last
   * committed tick (commitTick). `stable` is false once that stopped being the whole change: a
   * row present then changed in place (a lattice value grew) or a new row moved below
   * `stableSize`. Rows that disappeared need no note: through a monotone rule they derive
   * nothing new. Emptying the relation (a per-tick one, each tick) makes every row new again.
   */
  stableSize = 0;
  stable = true;

  // Semi-naive evaluation. Without lattice columns a relation changes only by new rows, which
  // are appended: its delta is the range of rows deltaStart..deltaEnd-1, and the next delta
  // is every row from deltaEnd on. With lattice columns a row also changes when its value
  // grows: the delta is the list delta[0..deltaSize-1] (changed-rows.ts).
  /** Whether the delta is a range of rows (no lattice column) rather than a list. */
  readonly rangeDelta: boolean;
  tracking = false;
  deltaStart = 0;
  deltaEnd = 0;
  /** The list of changed rows, for a relation with lattice columns. */
  private readonly changes: ChangedRows | null;
  private readonly undo = new UndoLog();

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
    this.data = new Int32Array(INITIAL_ROWS * this.width);
    this.tuple = new Float64Array(Math.max(1, this.width));
    this.values = new Array(lattice.length).fill(undefined);
    const key = options.key ?? null;
    const keyIndices = key === null ? null : key.map((position) => plain.indexOf(position));
    if (keyIndices !== null && keyIndices.some((index) => index < 0)) {
      throw new Error(`relation ${this.name}: a key column must be a plain column`);
    }
    const narrower = keyIndices !== null && keyIndices.length < plain.length;
    this.keyIndices = narrower ? keyIndices : null;
    const packed = !narrower && this.width >= 1 && this.width <= MAX_PACKED_WIDTH;
    const unique = Int32Array.from(narrower ? keyIndices! : plain.map((_, index) => index));
    this.table = new TupleTable(this, unique, packed, lattice.length > 0);
    this.pairs = packed && this.width === 2 && lattice.length === 0;
    this.rangeDelta = lattice.length === 0;
    this.changes = this.rangeDelta ? null : new ChangedRows();
  }

  /** An index on plain columns (plain indices), shared when asked for twice. */
  index(columns: readonly number[]): HashIndex {
    for (const index of this.indexes) {
      if (index.columns.length === columns.length && columns.every((column, i) => index.columns[i] === column)) return index;
    }
    const index = new HashIndex(this, columns, this.capacity);
    for (let row = 0; row < this.size; row++) index.add(row);
    this.indexes.push(index);
    this.indexCount = this.indexes.length;
    return index;
  }

  // -------------------------------------------------------------------------------------------
  // Lookup and insertion

  /** The row whose unique columns equal the staged tuple's, or -1. */
  find(): number {
    const found = this.synced().find(this.tuple);
    return found >= 0 ? found : -1;
  }

  /** Whether the staged plain tuple is present (all plain columns equal). */
  contains(): boolean {
    if (this.keyIndices === null) return this.synced().has(this.tuple);
    const row = this.find();
    return row >= 0 && this.samePlain(row);
  }

  /** contains() of a tuple of two plain columns given as codes (an antijoin's probe), not staged. */
  containsPair(a: number, b: number): boolean {
    return this.keyIndices === null ? this.synced().hasPair(a, b) : this.containsPairStaged(a, b);
  }

  private containsPairStaged(a: number, b: number): boolean {
    this.tuple[0] = a;
    this.tuple[1] = b;
    return this.contains();
  }

  /**
   * Adds the staged tuple. Returns its row when the relation changed (a new row, or a lattice
   * value that grew), -1 when it already held it. A declared key already held by a different
   * tuple is a key violation (LANGUAGE.md §5): the tick fails.
   */
  insert(): number {
    if (!this.pairs) return this.insertStaged();
    const a = this.tuple[0]!;
    const b = this.tuple[1]!;
    if (!isSmallCode(a) || !isSmallCode(b)) return this.insertStaged();
    // The body of insertPair() again rather than a call to it: arrivals and aggregations then
    // never shape the optimized insertPair that generated inner loops inline (V8 counts what a
    // callee's own optimized code inlined against its caller's inlining budget).
    const row = this.size;
    if (this.tableEnd !== row) this.syncTable();
    if (!this.table.addPair(a, b, row)) return -1;
    this.tableEnd = row + 1;
    if (row === this.capacity) this.grow();
    this.data[row * 2] = a;
    this.data[row * 2 + 1] = b;
    this.size = row + 1;
    if (this.indexCount !== 0) this.indexRow(row);
    return row;
  }

  /**
   * insert() of a tuple of two plain columns given as codes, not staged: the sink of most
   * recursive rules. A set of pairs of small codes (edges, paths) is probed inline; generated
   * code passes codes it read from Int32Array rows, so the checks fold away when inlined.
   * `fresh`: the caller knows the pair is not in the relation (a plan whose bindings are all
   * distinct, writing each binding's variables into a relation that was empty when it began),
   * so the row is appended without a probe.
   */
  insertPair(a: number, b: number, fresh = false): number {
    if (!this.pairs || !isSmallCode(a) || !isSmallCode(b)) return this.insertPairStaged(a, b);
    const row = this.size;
    if (!fresh) {
      if (this.tableEnd !== row) this.syncTable();
      if (!this.table.addPair(a, b, row)) return -1;
      this.tableEnd = row + 1;
    }
    if (row === this.capacity) this.grow();
    const data = this.data;
    data[row * 2] = a;
    data[row * 2 + 1] = b;
    this.size = row + 1;
    if (this.indexCount !== 0) this.indexRow(row);
    return row;
  }

  /** insertPair() when the inline probe does not apply, out of line so the one above stays small enough to inline. */
  private insertPairStaged(a: number, b: number): number {
    this.tuple[0] = a;
    this.tuple[1] = b;
    return this.insertStaged();
  }

  private insertStaged(): number {
    if (this.narrow && !this.stagedIsSmall()) this.widen();
    const row = this.size;
    this.synced();
    if (this.lattice.length === 0 && this.keyIndices === null) {
      if (!this.table.add(this.tuple, row)) return -1;
      this.append(row);
      return row;
    }
    const found = this.table.find(this.tuple);
    if (found >= 0) {
      if (this.keyIndices !== null && !this.samePlain(found)) this.keyViolation(found);
      return this.lattice.length === 0 ? -1 : this.mergeInto(found);
    }
    if (this.lattice.length > 0 && this.stagedIsBottom()) return -1;
    this.table.insertAt(~found, row, this.tuple);
    this.append(row);
    return row;
  }

  /** Adds the staged tuple replacing any lattice values instead of merging (an upsert). */
  replace(): number {
    const row = this.find();
    if (row >= 0) this.removeRow(row);
    return this.insert();
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
    if (this.lattice.length === 0 && this.keyIndices === null) return !this.synced().has(this.tuple);
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

  /** The unique table, with every row in it (rows appended as fresh join it now). */
  private synced(): TupleTable {
    if (this.tableEnd !== this.size) this.syncTable();
    return this.table;
  }

  /** Out of line: a hot caller inlines only the check above. */
  private syncTable(): void {
    // Only pair sets append fresh rows, and widening puts every row in the table.
    const data = this.data;
    for (let row = this.tableEnd; row < this.size; row++) this.table.addPair(data[row * 2]!, data[row * 2 + 1]!, row);
    this.tableEnd = this.size;
  }

  private stagedIsSmall(): boolean {
    for (let i = 0; i < this.width; i++) if (!isSmallCode(this.tuple[i]!)) return false;
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
          if (row < this.undo.mark) this.undo.logGrown(row, this.lattice);
        }
        column[row] = merged;
      }
    }
    if (!changed) return -1;
    if (row < this.stableSize) this.stable = false;
    if (this.tracking) this.changes!.add(row);
    return row;
  }

  /** Stores the staged tuple as row `row` (= size), already placed in the unique table. */
  private append(row: number): void {
    if (row === this.capacity) this.grow();
    const width = this.width;
    const offset = row * width;
    const data = this.data;
    for (let i = 0; i < width; i++) data[offset + i] = this.tuple[i]!;
    for (let i = 0; i < this.lattice.length; i++) this.lattice[i]![row] = this.values[i];
    this.size = row + 1;
    this.tableEnd = row + 1;
    if (this.indexCount !== 0) this.indexRow(row);
    if (this.tracking && this.changes !== null) this.changes.add(row);
  }

  private indexRow(row: number): void {
    for (const index of this.indexes) index.add(row);
  }

  /** A code that is not small arrived: rows move to a Float64Array, the table and indexes to hashes. */
  private widen(): void {
    const wide = new Float64Array(this.capacity * this.width);
    wide.set(this.data);
    this.data = wide;
    this.narrow = false;
    this.pairs = false;
    this.table.unpack();
    this.tableEnd = this.size;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    this.capacity = capacity;
    this.data = resizedCodes(this.data, capacity * this.width);
    for (const index of this.indexes) index.ensureRows(capacity);
  }

  // -------------------------------------------------------------------------------------------
  // Removal (between evaluations only)

  /** Removes a row; the last row moves into its place. */
  removeRow(row: number): void {
    this.synced().remove(row);
    for (const index of this.indexes) index.remove(row);
    const last = this.size - 1;
    this.tableEnd = last;
    if (row !== last && last >= this.stableSize && row < this.stableSize) this.stable = false;
    if (last < this.stableSize) this.stableSize = last;
    if (row !== last) {
      const width = this.width;
      this.data.copyWithin(row * width, last * width, last * width + width);
      for (const column of this.lattice) column[row] = column[last];
      this.table.moved(last, row);
      for (const index of this.indexes) index.move(last, row);
    }
    for (const column of this.lattice) column[last] = undefined;
    this.size = last;
  }

  /** Removes every row. */
  clear(): void {
    this.stableSize = 0;
    this.stable = true;
    if (this.size === 0) return;
    this.table.clear();
    this.tableEnd = 0;
    for (const index of this.indexes) index.clear();
    for (const column of this.lattice) column.length = 0;
    this.size = 0;
    this.undo.mark = 0;
  }

  // -------------------------------------------------------------------------------------------
  // Semi-naive deltas

  /**
   * Starts a semi-naive fixpoint: the first delta is every row present (none when
   * `incremental`: an incremental first round reads the rows added since the last tick
   * itself), and from now on rows added or grown go to the next delta.
   */
  beginFixpoint(incremental = false): void {
    this.tracking = true;
    const first = incremental ? this.size : 0;
    if (this.changes !== null) {
      this.changes.begin(first, this.size);
      return;
    }
    this.deltaStart = first;
    this.deltaEnd = this.size;
  }

  /** Ends an iteration: what changed in it becomes the delta. False when nothing changed. */
  advance(): boolean {
    if (this.changes !== null) return this.changes.advance();
    this.deltaStart = this.deltaEnd;
    this.deltaEnd = this.size;
    return this.deltaEnd > this.deltaStart;
  }

  /** Whether rows changed in the iteration under way (the fixpoint goes on while any did). */
  get changed(): boolean {
    return this.changes !== null ? this.changes.pending : this.size > this.deltaEnd;
  }

  /** The delta of a relation with lattice columns: rows delta[0..deltaSize-1]. */
  get delta(): Int32Array {
    return this.changes !== null ? this.changes.rows : NO_ROWS;
  }

  get deltaSize(): number {
    return this.changes !== null ? this.changes.size : 0;
  }

  endFixpoint(): void {
    this.tracking = false;
    this.deltaStart = 0;
    this.deltaEnd = 0;
    this.changes?.end();
  }

  // -------------------------------------------------------------------------------------------
  // Atomic ticks

  /** The tick committed: every row present is now old (see `stableSize`). */
  commitTick(): void {
    this.stableSize = this.size;
    this.stable = true;
  }

  /** Remembers the current contents as the state to return to if the tick fails. */
  beginTick(): void {
    this.undo.begin(this.size);
  }

  /** Returns to the contents at beginTick(). */
  rollback(): void {
    while (this.size > this.undo.mark) this.removeRow(this.size - 1);
    this.undo.restore(this.lattice);
    this.endFixpoint();
  }

  // -------------------------------------------------------------------------------------------
  // Reading rows as values

  /** A row as runtime values in schema column order (lattice columns as lattice values). */
  rowValues(row: number): unknown[] {
    return rowValues(this, row);
  }

  /** A row as LANGUAGE.md §6 JSON. */
  rowJson(row: number): JsonValue[] {
    return rowJson(this, row);
  }

  /** The staged tuple as §6 JSON (for error reports). */
  stagedJson(): JsonValue[] {
    return stagedJson(this);
  }

  /** Stages a tuple given as runtime values in schema column order. */
  stageValues(tuple: readonly unknown[]): void {
    stageValues(this, tuple);
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
