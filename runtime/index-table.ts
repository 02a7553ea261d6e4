// A hash index of one relation on some of its columns: key → the rows holding that key.
// In: the owning relation's row-major codes (`data`, `width`), and row events from it: a row
// was added, removed, or moved to another position. Out: `find()` gives the first row with the
// key staged in `key`, and `next[row]` the following one (-1 ends the chain).
// Why so shaped: generated join loops are `for (r = index.find(); r !== -1; r = index.next[r])`
// with no allocation and no closure. The table is open addressing with linear probing over the
// chain heads (backward-shift deletion, so no tombstones); chains are doubly linked so a
// deleted or moved row is unlinked in O(1). The index is built once, when the relation is
// created, and maintained row by row from then on: never rebuilt per iteration or per tick.
// New rows go to the head of their chain, so a loop walking a chain never meets a row added
// while it walks.

import { finishHash, grownInt32, HASH_SEED, hashColumns, hashKey, mixCode } from "./codes.ts";

/** The part of a relation an index reads. */
export interface RowStore {
  readonly data: Float64Array;
  readonly width: number;
}

export class HashIndex {
  /** The indexed columns, in key order. */
  readonly columns: Int32Array;
  /** Stage the probe key here (one code per indexed column), then call find(). */
  readonly key: Float64Array;
  /** next[row]: the next row with the same key, or -1. */
  next: Int32Array;
  private previous: Int32Array;
  private hashes: Int32Array;
  private slots: Int32Array;
  private mask: number;
  private used = 0;

  constructor(
    private readonly store: RowStore,
    columns: readonly number[],
    rowCapacity: number,
  ) {
    this.columns = Int32Array.from(columns);
    this.key = new Float64Array(Math.max(1, columns.length));
    this.next = new Int32Array(rowCapacity).fill(-1);
    this.previous = new Int32Array(rowCapacity).fill(-1);
    this.hashes = new Int32Array(rowCapacity);
    this.slots = new Int32Array(64);
    this.mask = 63;
  }

  /** The number of distinct keys. */
  get keyCount(): number {
    return this.used;
  }

  /** The first row whose indexed columns equal `key`, or -1. */
  find(): number {
    const columns = this.columns;
    if (columns.length === 1) return this.findOne(this.key[0]!);
    const key = this.key;
    const hash = hashKey(key, columns.length);
    const slots = this.slots;
    const mask = this.mask;
    const data = this.store.data;
    const width = this.store.width;
    let slot = hash & mask;
    for (;;) {
      const entry = slots[slot]!;
      if (entry === 0) return -1;
      const row = entry - 1;
      if (this.hashes[row] === hash) {
        const offset = row * width;
        let same = true;
        for (let i = 0; i < columns.length; i++) {
          if (data[offset + columns[i]!] !== key[i]) {
            same = false;
            break;
          }
        }
        if (same) return row;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** find() for a one-column key (most joins). */
  private findOne(code: number): number {
    const hash = finishHash(mixCode(HASH_SEED, code));
    const slots = this.slots;
    const mask = this.mask;
    const hashes = this.hashes;
    const data = this.store.data;
    const width = this.store.width;
    const column = this.columns[0]!;
    let slot = hash & mask;
    for (;;) {
      const entry = slots[slot]!;
      if (entry === 0) return -1;
      const row = entry - 1;
      if (hashes[row] === hash && data[row * width + column] === code) return row;
      slot = (slot + 1) & mask;
    }
  }

  /** Keeps per-row arrays as long as the relation's row capacity. */
  ensureRows(capacity: number): void {
    if (this.next.length >= capacity) return;
    this.next = grownInt32(this.next, capacity, -1);
    this.previous = grownInt32(this.previous, capacity, -1);
    this.hashes = grownInt32(this.hashes, capacity);
  }

  /** Indexes a row just written to the store. */
  add(row: number): void {
    const hash = hashColumns(this.store.data, row * this.store.width, this.columns);
    this.hashes[row] = hash;
    const slot = this.slotOfKey(row, hash);
    const head = this.slots[slot]! - 1;
    this.previous[row] = -1;
    if (head >= 0) {
      this.next[row] = head;
      this.previous[head] = row;
      this.slots[slot] = row + 1;
      return;
    }
    this.next[row] = -1;
    this.slots[slot] = row + 1;
    this.used++;
    if (this.used * 2 > this.slots.length) this.resize(this.slots.length * 2);
  }

  /** Unlinks a row (before the store forgets it). */
  remove(row: number): void {
    const before = this.previous[row]!;
    const after = this.next[row]!;
    if (before !== -1) {
      this.next[before] = after;
      if (after !== -1) this.previous[after] = before;
      return;
    }
    const slot = this.slotOfRow(row);
    if (after !== -1) {
      this.previous[after] = -1;
      this.slots[slot] = after + 1;
      return;
    }
    this.deleteSlot(slot);
    this.used--;
  }

  /** The row at `from` now lives at `to` (the relation compacts by moving its last row). */
  move(from: number, to: number): void {
    const before = this.previous[from]!;
    const after = this.next[from]!;
    this.hashes[to] = this.hashes[from]!;
    this.previous[to] = before;
    this.next[to] = after;
    if (before !== -1) this.next[before] = to;
    else this.slots[this.slotOfRow(from)] = to + 1;
    if (after !== -1) this.previous[after] = to;
  }

  /** Forgets every row (a per-tick relation starting its tick). */
  clear(): void {
    if (this.used === 0) return;
    this.slots.fill(0);
    this.used = 0;
  }

  /** Rebuilds from rows 0..size-1 (after a bulk load). */
  rebuild(size: number): void {
    this.clear();
    let capacity = 64;
    while (capacity < size * 2) capacity *= 2;
    if (capacity !== this.slots.length) {
      this.slots = new Int32Array(capacity);
      this.mask = capacity - 1;
    }
    for (let row = 0; row < size; row++) this.add(row);
  }

  /** The slot holding the chain of `row`'s key, or the empty slot where it would go. */
  private slotOfKey(row: number, hash: number): number {
    const data = this.store.data;
    const width = this.store.width;
    const columns = this.columns;
    const offset = row * width;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === 0) return slot;
      const other = entry - 1;
      if (this.hashes[other] === hash) {
        const otherOffset = other * width;
        let same = true;
        for (let i = 0; i < columns.length; i++) {
          if (data[offset + columns[i]!] !== data[otherOffset + columns[i]!]) {
            same = false;
            break;
          }
        }
        if (same) return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The slot whose chain head is `row`. */
  private slotOfRow(row: number): number {
    const mask = this.mask;
    let slot = this.hashes[row]! & mask;
    while (this.slots[slot] !== row + 1) slot = (slot + 1) & mask;
    return slot;
  }

  /** Backward-shift deletion: later entries of the probe run move up so lookups stay correct. */
  private deleteSlot(slot: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = slot;
    let probe = slot;
    for (;;) {
      slots[hole] = 0;
      for (;;) {
        probe = (probe + 1) & mask;
        const entry = slots[probe]!;
        if (entry === 0) return;
        const home = this.hashes[entry - 1]! & mask;
        const stays = hole <= probe ? hole < home && home <= probe : hole < home || home <= probe;
        if (!stays) {
          slots[hole] = entry;
          hole = probe;
          break;
        }
      }
    }
  }

  private resize(capacity: number): void {
    const old = this.slots;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    const mask = this.mask;
    for (let i = 0; i < old.length; i++) {
      const entry = old[i]!;
      if (entry === 0) continue;
      let slot = this.hashes[entry - 1]! & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = entry;
    }
  }
}
