// A hash index of one relation on some of its columns: key → the rows holding that key.
// In: the owning relation's row-major codes (`data`, `width`), and row events from it: a row
// was added, removed, or moved to another position; its codes stopped being all small.
// Out: `find()` gives the first row with the key staged in `key`, and `next[row]` the
// following one (-1 ends the chain).
// Why so shaped: generated join loops are `for (r = index.find(); r !== -1; r = index.next[r])`
// with no allocation and no closure. The table is open addressing with linear probing over
// (chain head + 1, word) slots, backward-shift deletion, so no tombstones. With one indexed
// column and small codes (codes.ts) the word is the key code itself, so a probe compares inside
// the slot and never reads a row; otherwise it is the key's hash and a probe compares the
// head row's codes on a hash match. The index is built once, when the relation is created, and
// maintained row by row from then on: never rebuilt per iteration or per tick. New rows go to
// the head of their chain, so a loop walking a chain never meets a row added while it walks.
// Chains are linked backwards too (O(1) unlinking) only once a row is first removed or moved:
// an index of rows that only grow never pays for it.

import { grownInt32, hashColumns, hashInt, hashKey } from "./codes.ts";
import type { RowStore } from "./tuple-table.ts";

export type { RowStore };

const INITIAL_SLOTS = 64;

export class HashIndex {
  /** The indexed columns, in key order. */
  readonly columns: Int32Array;
  /** Stage the probe key here (one code per indexed column), then call find(). */
  readonly key: Float64Array;
  /** next[row]: the next row with the same key, or -1. */
  next: Int32Array;
  /** previous[row], or null until a row is first removed or moved. */
  private previous: Int32Array | null = null;
  /** (head row + 1, word) per slot: the word is the key code when `direct`, else the key's hash. */
  private slots: Int32Array;
  private mask = INITIAL_SLOTS - 1;
  private used = 0;
  /** One indexed column and small codes only (the store's data is an Int32Array). */
  private direct: boolean;

  constructor(
    private readonly store: RowStore,
    columns: readonly number[],
    rowCapacity: number,
  ) {
    this.columns = Int32Array.from(columns);
    this.key = new Float64Array(Math.max(1, columns.length));
    this.next = new Int32Array(rowCapacity).fill(-1);
    this.slots = new Int32Array(INITIAL_SLOTS * 2);
    this.direct = columns.length === 1 && store.data instanceof Int32Array;
  }

  /** The number of distinct keys. */
  get keyCount(): number {
    return this.used;
  }

  /** The first row whose indexed columns equal `key`, or -1. */
  find(): number {
    if (this.direct) {
      const code = this.key[0]!;
      const word = code | 0;
      // Every stored code is an int32: another number cannot be there (-0 finds 0, as it equals it).
      if (word !== code) return -1;
      const slots = this.slots;
      const mask = this.mask;
      let slot = hashInt(word) & mask;
      for (;;) {
        const head = slots[slot << 1]!;
        if (head === 0) return -1;
        if (slots[(slot << 1) + 1] === word) return head - 1;
        slot = (slot + 1) & mask;
      }
    }
    return this.findHashed();
  }

  private findHashed(): number {
    const columns = this.columns;
    const key = this.key;
    const hash = hashKey(key, columns.length);
    const slots = this.slots;
    const mask = this.mask;
    const data = this.store.data;
    const width = this.store.width;
    let slot = hash & mask;
    for (;;) {
      const head = slots[slot << 1]!;
      if (head === 0) return -1;
      if (slots[(slot << 1) + 1] === hash) {
        const offset = (head - 1) * width;
        let same = true;
        for (let i = 0; i < columns.length; i++) {
          if (data[offset + columns[i]!] !== key[i]) {
            same = false;
            break;
          }
        }
        if (same) return head - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Keeps per-row arrays as long as the relation's row capacity. */
  ensureRows(capacity: number): void {
    if (this.next.length >= capacity) return;
    this.next = grownInt32(this.next, capacity, -1);
    if (this.previous !== null) this.previous = grownInt32(this.previous, capacity, -1);
  }

  /** Indexes a row just written to the store. */
  add(row: number): void {
    const word = this.wordOf(row);
    const slot = this.slotOfKey(row, word);
    const slots = this.slots;
    const head = slots[slot << 1]! - 1;
    slots[slot << 1] = row + 1;
    this.next[row] = head;
    const previous = this.previous;
    if (previous !== null) {
      previous[row] = -1;
      if (head >= 0) previous[head] = row;
    }
    if (head >= 0) return;
    slots[(slot << 1) + 1] = word;
    if (++this.used * 2 > this.mask + 1) this.resize((this.mask + 1) * 2);
  }

  /** Unlinks a row (before the store forgets it). */
  remove(row: number): void {
    const previous = this.linkBackwards();
    const before = previous[row]!;
    const after = this.next[row]!;
    if (after !== -1) previous[after] = before;
    if (before !== -1) {
      this.next[before] = after;
      return;
    }
    const slot = this.slotOfHead(row);
    if (after !== -1) {
      this.slots[slot << 1] = after + 1;
      return;
    }
    this.deleteSlot(slot);
  }

  /** The row at `from` now lives at `to` (the relation compacts by moving its last row). */
  move(from: number, to: number): void {
    const previous = this.linkBackwards();
    const before = previous[from]!;
    const after = this.next[from]!;
    previous[to] = before;
    this.next[to] = after;
    if (before !== -1) this.next[before] = to;
    else this.slots[this.slotOfHead(from) << 1] = to + 1;
    if (after !== -1) previous[after] = to;
  }

  /** Forgets every row (a per-tick relation starting its tick). */
  clear(): void {
    if (this.used === 0) return;
    this.slots.fill(0);
    this.used = 0;
  }

  /** The store's codes stopped being all small: key codes leave the slots for hashes. */
  widened(size: number): void {
    if (!this.direct) return;
    this.direct = false;
    this.rebuild(size);
  }

  /** Rebuilds from rows 0..size-1. */
  rebuild(size: number): void {
    this.clear();
    let capacity = INITIAL_SLOTS;
    while (capacity < size * 2) capacity *= 2;
    if (capacity !== this.mask + 1) {
      this.slots = new Int32Array(capacity * 2);
      this.mask = capacity - 1;
    }
    this.previous = null;
    for (let row = 0; row < size; row++) this.add(row);
  }

  // -------------------------------------------------------------------------------------------

  /** The slot word of a stored row's key. */
  private wordOf(row: number): number {
    const offset = row * this.store.width;
    if (this.direct) return this.store.data[offset + this.columns[0]!]!;
    return hashColumns(this.store.data, offset, this.columns);
  }

  /** The home slot of a word. */
  private homeOf(word: number): number {
    return (this.direct ? hashInt(word) : word) & this.mask;
  }

  /** The slot holding the chain of `row`'s key (`word` its word), or the empty slot where it would go. */
  private slotOfKey(row: number, word: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let slot = this.homeOf(word);
    for (;;) {
      const head = slots[slot << 1]!;
      if (head === 0) return slot;
      if (slots[(slot << 1) + 1] === word && (this.direct || this.sameKey(row, head - 1))) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private sameKey(row: number, other: number): boolean {
    const data = this.store.data;
    const width = this.store.width;
    const columns = this.columns;
    for (let i = 0; i < columns.length; i++) {
      if (data[row * width + columns[i]!] !== data[other * width + columns[i]!]) return false;
    }
    return true;
  }

  /** The slot whose chain head is `row`. */
  private slotOfHead(row: number): number {
    const mask = this.mask;
    let slot = this.homeOf(this.wordOf(row));
    for (;;) {
      const head = this.slots[slot << 1]!;
      if (head === row + 1) return slot;
      if (head === 0) throw new Error(`index: row ${row} heads no chain`);
      slot = (slot + 1) & mask;
    }
  }

  /** previous[], made from the chains on first need. */
  private linkBackwards(): Int32Array {
    if (this.previous !== null) return this.previous;
    const previous = new Int32Array(this.next.length).fill(-1);
    const slots = this.slots;
    for (let slot = 0; slot <= this.mask; slot++) {
      for (let row = slots[slot << 1]! - 1; row !== -1; row = this.next[row]!) {
        const after = this.next[row]!;
        if (after !== -1) previous[after] = row;
      }
    }
    this.previous = previous;
    return previous;
  }

  /** Backward-shift deletion: later entries of the probe run move up so lookups stay correct. */
  private deleteSlot(slot: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = slot;
    let probe = slot;
    this.used--;
    for (;;) {
      slots[hole << 1] = 0;
      for (;;) {
        probe = (probe + 1) & mask;
        if (slots[probe << 1] === 0) return;
        const home = this.homeOf(slots[(probe << 1) + 1]!);
        const stays = hole <= probe ? hole < home && home <= probe : hole < home || home <= probe;
        if (!stays) {
          slots[hole << 1] = slots[probe << 1]!;
          slots[(hole << 1) + 1] = slots[(probe << 1) + 1]!;
          hole = probe;
          break;
        }
      }
    }
  }

  private resize(capacity: number): void {
    const old = this.slots;
    const slots = new Int32Array(capacity * 2);
    const mask = capacity - 1;
    const direct = this.direct;
    for (let base = 0; base < old.length; base += 2) {
      const head = old[base]!;
      if (head === 0) continue;
      const word = old[base + 1]!;
      let slot = (direct ? hashInt(word) : word) & mask;
      while (slots[slot << 1] !== 0) slot = (slot + 1) & mask;
      slots[slot << 1] = head;
      slots[(slot << 1) + 1] = word;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
