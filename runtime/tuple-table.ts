// The unique table of a relation: which tuples of plain codes it holds, and at which rows.
// In: the relation as a row store (codes in `data`, `width` per row, `size` rows), the plain
// columns that make a row unique (all of them, or a declared key) and staged tuples. Out:
// membership, the row holding a tuple, the free slot for a new one; the relation keeps it up
// to date row by row (added, removed, moved).
// Why so shaped: open addressing with linear probing over one Int32Array, grown at 2/3 load,
// backward-shift deletion (no tombstones). While every code is small (codes.ts) and the unique
// columns are all of at most 4 plain columns, the table is packed: a slot holds the codes
// themselves, so a probe never leaves the table and a pair takes 8 bytes, as in a hand-written
// pair set. The rows of packed slots live in a parallel array made only when something asks
// which row holds a tuple (lattice merges, deletes, group lookups): a plain set never pays for
// it. Otherwise (a declared key, a code that is not small, wider rows) a slot holds
// (row + 1, hash) and a probe compares the row's own codes.

import { finishHash, HASH_SEED, mixCode, type CodeArray } from "./codes.ts";

/** The part of a relation its tables and indexes read. */
export interface RowStore {
  readonly data: CodeArray;
  readonly width: number;
  readonly size: number;
}

// Hot paths write their constants as literals: a module constant is a load and a check in
// optimized code, a literal is folded. 0x80000000 (MARK): a packed slot's first code is stored
// xor it, so an all-zero slot is empty (codes.ts: -2^31 is never a small code). 0x2545f491 and
// 0x9e3779b1: codes.ts's HASH_SEED and mixCode multiplier, so packed hashes equal rowHash().
const MARK = 0x80000000 | 0;
const INITIAL_SLOTS = 32;
export const MAX_PACKED_WIDTH = 4;

export class TupleTable {
  /** Whether slots hold codes (else row + 1 and hash); false for good once a code is not small. */
  packed: boolean;
  private slots: Int32Array;
  /** Ints per slot: the width when packed, else 2. */
  private stride: number;
  private mask = INITIAL_SLOTS - 1;
  private used = 0;
  /** Packed: the row of each slot's tuple, or null while nothing has asked for rows. */
  private slotRows: Int32Array | null = null;
  /** General layout: the hash of the staged tuple computed by the last probe. */
  private stagedHash = 0;
  /** hasPair() stages a pair here for the general layout. */
  private readonly pair = new Float64Array(2);

  constructor(
    private readonly store: RowStore,
    /** The plain columns that make a row unique. */
    private readonly unique: Int32Array,
    packed: boolean,
    /** Keep rows from the start (a relation with lattice columns always asks for them). */
    rows: boolean,
  ) {
    this.packed = packed;
    this.stride = packed ? unique.length : 2;
    this.slots = new Int32Array(INITIAL_SLOTS * this.stride);
    if (packed && rows) this.slotRows = new Int32Array(INITIAL_SLOTS);
  }

  /** Whether a tuple with the staged unique codes is present. */
  has(tuple: Float64Array): boolean {
    if (!this.packed) return this.generalFind(tuple) >= 0;
    return intCodes(tuple, this.stride) && this.packedSlot(tuple) >= 0;
  }

  /** has() of a pair of codes given as such (a table of two unique columns). */
  hasPair(a: number, b: number): boolean {
    if (!this.packed) return this.hasPairGeneral(a, b);
    if ((a | 0) !== a || (b | 0) !== b) return false;
    const slots = this.slots;
    const mask = this.mask;
    const first = a ^ 0x80000000;
    let slot = pairHash(a, b) & mask;
    for (;;) {
      const stored = slots[slot << 1]!;
      if (stored === 0) return false;
      if (stored === first && slots[(slot << 1) + 1] === b) return true;
      slot = (slot + 1) & mask;
    }
  }

  /** hasPair() of the general layout, out of line: the packed probe above stays small enough to inline. */
  private hasPairGeneral(a: number, b: number): boolean {
    const pair = this.pair;
    pair[0] = a;
    pair[1] = b;
    return this.generalFind(pair) >= 0;
  }

  /**
   * The row holding the staged unique codes, or a negative number; then, when every staged
   * code is small (insertions widen the relation first), `~result` is the free slot where
   * they would go, for insertAt().
   */
  find(tuple: Float64Array): number {
    if (!this.packed) return this.generalFind(tuple);
    if (!intCodes(tuple, this.stride)) return MARK;
    const slot = this.packedSlot(tuple);
    return slot < 0 ? slot : this.rows()[slot]!;
  }

  /** Adds the staged codes as row `row` unless present (packed: they must be small). Whether it did. */
  add(tuple: Float64Array, row: number): boolean {
    const found = this.packed ? this.packedSlot(tuple) : this.generalFind(tuple);
    if (found >= 0) return false;
    this.insertAt(~found, row, tuple);
    return true;
  }

  /**
   * add() for a packed pair table, the inner loop of most recursive rules: two small codes.
   * The same probe as packedSlot(), unrolled.
   */
  addPair(a: number, b: number, row: number): boolean {
    const slots = this.slots;
    const mask = this.mask;
    const first = a ^ 0x80000000;
    let slot = pairHash(a, b) & mask;
    for (;;) {
      const stored = slots[slot << 1]!;
      if (stored === 0) break;
      if (stored === first && slots[(slot << 1) + 1] === b) return false;
      slot = (slot + 1) & mask;
    }
    slots[slot << 1] = first;
    slots[(slot << 1) + 1] = b;
    if (this.slotRows !== null) this.slotRows[slot] = row;
    if (++this.used * 3 > (mask + 1) * 2) this.resize((mask + 1) * 2);
    return true;
  }

  /** Fills the free slot a find() ended on with row `row`, holding the staged codes. */
  insertAt(slot: number, row: number, tuple: Float64Array): void {
    const slots = this.slots;
    if (this.packed) {
      const width = this.stride;
      const base = slot * width;
      slots[base] = (tuple[0]! | 0) ^ MARK;
      for (let i = 1; i < width; i++) slots[base + i] = tuple[i]! | 0;
      if (this.slotRows !== null) this.slotRows[slot] = row;
    } else {
      slots[slot << 1] = row + 1;
      slots[(slot << 1) + 1] = this.stagedHash;
    }
    if (++this.used * 3 > (this.mask + 1) * 2) this.resize((this.mask + 1) * 2);
  }

  /** Forgets row `row` (called before the store changes it). */
  remove(row: number): void {
    this.deleteSlot(this.slotOfRow(row));
  }

  /** The row at `from` now lives at `to`, whose codes the store already holds. */
  moved(from: number, to: number): void {
    if (!this.packed) {
      this.slots[this.generalSlotOf(to, from + 1) << 1] = to + 1;
    } else if (this.slotRows !== null) {
      this.slotRows[this.packedSlotOfRow(to)] = to;
    }
  }

  clear(): void {
    if (this.used === 0) return;
    this.slots.fill(0);
    this.used = 0;
  }

  /** Leaves the packed layout for good (a code that is not small arrived): slots become (row + 1, hash). */
  unpack(): void {
    if (!this.packed) return;
    this.packed = false;
    this.stride = 2;
    this.slotRows = null;
    // Every stored row, those appended as fresh included (relation.ts), at most 2/3 full.
    let slotCount = this.mask + 1;
    while (this.store.size * 3 > slotCount * 2) slotCount *= 2;
    this.slots = new Int32Array(slotCount * 2);
    this.mask = slotCount - 1;
    this.used = this.store.size;
    const mask = this.mask;
    for (let row = 0; row < this.store.size; row++) {
      const hash = this.rowHash(row);
      let slot = hash & mask;
      while (this.slots[slot << 1] !== 0) slot = (slot + 1) & mask;
      this.slots[slot << 1] = row + 1;
      this.slots[(slot << 1) + 1] = hash;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Probes

  /** Packed: the slot holding the staged codes (int32 each), or ~slot of the free one. */
  private packedSlot(tuple: Float64Array): number {
    const width = this.stride;
    let hash = 0x2545f491;
    for (let i = 0; i < width; i++) hash = Math.imul(hash ^ (tuple[i]! | 0), 0x9e3779b1);
    const slots = this.slots;
    const mask = this.mask;
    const first = (tuple[0]! | 0) ^ 0x80000000;
    let slot = finishHash(hash) & mask;
    for (;;) {
      const base = slot * width;
      const stored = slots[base]!;
      if (stored === 0) return ~slot;
      if (stored === first) {
        let same = true;
        for (let i = 1; i < width; i++) {
          if (slots[base + i] !== (tuple[i]! | 0)) {
            same = false;
            break;
          }
        }
        if (same) return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** General: the row holding the staged unique codes, or ~slot of the free slot. */
  private generalFind(tuple: Float64Array): number {
    const unique = this.unique;
    let hash = HASH_SEED;
    for (let i = 0; i < unique.length; i++) hash = mixCode(hash, tuple[unique[i]!]!);
    hash = finishHash(hash);
    this.stagedHash = hash;
    const slots = this.slots;
    const mask = this.mask;
    const data = this.store.data;
    const width = this.store.width;
    let slot = hash & mask;
    for (;;) {
      const entry = slots[slot << 1]!;
      if (entry === 0) return ~slot;
      if (slots[(slot << 1) + 1] === hash) {
        const offset = (entry - 1) * width;
        let same = true;
        for (let i = 0; i < unique.length; i++) {
          const column = unique[i]!;
          if (data[offset + column] !== tuple[column]) {
            same = false;
            break;
          }
        }
        if (same) return entry - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The hash of a stored row's unique codes (the same as a probe of those codes computes). */
  private rowHash(row: number): number {
    const data = this.store.data;
    const unique = this.unique;
    const offset = row * this.store.width;
    let hash = HASH_SEED;
    for (let i = 0; i < unique.length; i++) hash = mixCode(hash, data[offset + unique[i]!]!);
    return finishHash(hash);
  }

  private slotOfRow(row: number): number {
    return this.packed ? this.packedSlotOfRow(row) : this.generalSlotOf(row, row + 1);
  }

  /** Packed: the slot holding the codes of stored row `row`. */
  private packedSlotOfRow(row: number): number {
    const width = this.stride;
    const data = this.store.data;
    const offset = row * width;
    const slots = this.slots;
    const mask = this.mask;
    const first = data[offset]! ^ MARK;
    let slot = this.rowHash(row) & mask;
    for (;;) {
      const base = slot * width;
      const stored = slots[base]!;
      if (stored === 0) throw new Error(`tuple table: row ${row} is not in the table`);
      if (stored === first) {
        let same = true;
        for (let i = 1; i < width; i++) {
          if (slots[base + i] !== data[offset + i]) {
            same = false;
            break;
          }
        }
        if (same) return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** General: the slot whose entry is `entry`, probing from the hash of row `row`'s codes. */
  private generalSlotOf(row: number, entry: number): number {
    const mask = this.mask;
    let slot = this.rowHash(row) & mask;
    for (;;) {
      const found = this.slots[slot << 1]!;
      if (found === entry) return slot;
      if (found === 0) throw new Error(`tuple table: row ${entry - 1} is not in the table`);
      slot = (slot + 1) & mask;
    }
  }

  /** The rows of packed slots, made on first use from the stored rows. */
  private rows(): Int32Array {
    if (this.slotRows !== null) return this.slotRows;
    const rows = new Int32Array(this.mask + 1);
    this.slotRows = rows;
    for (let row = 0; row < this.store.size; row++) rows[this.packedSlotOfRow(row)] = row;
    return rows;
  }

  // -------------------------------------------------------------------------------------------
  // Deletion and growth

  /** The home slot of the entry in `slot`. */
  private home(slot: number): number {
    if (!this.packed) return this.slots[(slot << 1) + 1]! & this.mask;
    const slots = this.slots;
    const width = this.stride;
    const base = slot * width;
    let hash = Math.imul(0x2545f491 ^ (slots[base]! ^ MARK), 0x9e3779b1);
    for (let i = 1; i < width; i++) hash = Math.imul(hash ^ slots[base + i]!, 0x9e3779b1);
    return finishHash(hash) & this.mask;
  }

  /** Backward-shift deletion: later entries of the probe run move up so lookups stay correct. */
  private deleteSlot(slot: number): void {
    const slots = this.slots;
    const rows = this.slotRows;
    const mask = this.mask;
    const stride = this.stride;
    let hole = slot;
    let probe = slot;
    this.used--;
    for (;;) {
      slots[hole * stride] = 0;
      for (;;) {
        probe = (probe + 1) & mask;
        if (slots[probe * stride] === 0) return;
        const home = this.home(probe);
        const stays = hole <= probe ? hole < home && home <= probe : hole < home || home <= probe;
        if (!stays) {
          slots.copyWithin(hole * stride, probe * stride, probe * stride + stride);
          if (rows !== null) rows[hole] = rows[probe]!;
          hole = probe;
          break;
        }
      }
    }
  }

  /** Rehashes from the old slots themselves: packed slots carry their codes, general ones their hash. */
  private resize(slotCount: number): void {
    const from = this.slots;
    const fromRows = this.slotRows;
    const stride = this.stride;
    const to = new Int32Array(slotCount * stride);
    const toRows = fromRows === null ? null : new Int32Array(slotCount);
    const mask = slotCount - 1;
    if (!this.packed) {
      for (let base = 0; base < from.length; base += 2) {
        const entry = from[base]!;
        if (entry === 0) continue;
        const hash = from[base + 1]!;
        let slot = hash & mask;
        while (to[slot << 1] !== 0) slot = (slot + 1) & mask;
        to[slot << 1] = entry;
        to[(slot << 1) + 1] = hash;
      }
    } else if (stride === 2 && toRows === null) {
      rehashPairs(from, to, mask);
    } else {
      for (let old = 0, base = 0; base < from.length; old++, base += stride) {
        const first = from[base]!;
        if (first === 0) continue;
        let hash = Math.imul(0x2545f491 ^ (first ^ MARK), 0x9e3779b1);
        for (let i = 1; i < stride; i++) hash = Math.imul(hash ^ from[base + i]!, 0x9e3779b1);
        let slot = finishHash(hash) & mask;
        while (to[slot * stride] !== 0) slot = (slot + 1) & mask;
        const target = slot * stride;
        for (let i = 0; i < stride; i++) to[target + i] = from[base + i]!;
        if (toRows !== null) toRows[slot] = fromRows![old]!;
      }
    }
    this.slots = to;
    this.slotRows = toRows;
    this.mask = mask;
  }
}

/** resize() of a packed pair table without rows: the hot case, unrolled. */
function rehashPairs(from: Int32Array, to: Int32Array, mask: number): void {
  for (let base = 0; base < from.length; base += 2) {
    const first = from[base]!;
    if (first === 0) continue;
    const b = from[base + 1]!;
    let slot = pairHash(first ^ 0x80000000, b) & mask;
    while (to[slot << 1] !== 0) slot = (slot + 1) & mask;
    to[slot << 1] = first;
    to[(slot << 1) + 1] = b;
  }
}

/** The hash of a packed pair (the mixCode chain of codes.ts over two int32 codes). */
function pairHash(a: number, b: number): number {
  return finishHash(Math.imul(Math.imul(0x2545f491 ^ a, 0x9e3779b1) ^ b, 0x9e3779b1));
}

/** Whether the first `width` staged codes are int32 (-0 counts: it equals 0). */
function intCodes(tuple: Float64Array, width: number): boolean {
  for (let i = 0; i < width; i++) {
    const code = tuple[i]!;
    if ((code | 0) !== code) return false;
  }
  return true;
}
