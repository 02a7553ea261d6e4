// A hash index of one relation on some of its columns: key → the rows holding that key.
// In: the owning relation's row-major codes (`data`, `width`), and row events from it: a row
// was added, removed, or moved to another position. Out: `findCode(code)` (one column) or
// `find()` (the key staged in `key`) gives the first row with the key, and `next[row]` the
// following one (-1 ends the chain).
// Why so shaped: generated join loops are `for (r = index.findCode(y); r !== -1; r = index.next[r])`
// with no allocation and no closure. Two layouts of the chain heads:
// - dense, while the index has one column and every key is a small non-negative int (node
//   ids, string ids: codes are mostly that): `heads[key]` is the first row + 1, so a probe is
//   one array read, as in a hand-written CSR index;
// - hashed otherwise, for good: open addressing with linear probing over (head + 1, hash)
//   slots, backward-shift deletion (no tombstones); a probe compares the head row's codes.
// The index is built once, when the relation is created, and maintained row by row from then
// on: never rebuilt per iteration or per tick. New rows go to the head of their chain, so a
// loop walking a chain never meets a row added while it walks. Chains are linked backwards too
// (O(1) unlinking) only once a row is first removed or moved: an index of rows that only grow
// never pays for it.

import { grownInt32, hashColumns, hashKey } from "./codes.ts";
import type { RowStore } from "./tuple-table.ts";

export type { RowStore };

const INITIAL_SLOTS = 64;
/** Keys below this always fit the dense layout; above, while below 4 per row of capacity. */
const DENSE_KEYS = 1 << 16;

export class HashIndex {
  /** The indexed columns, in key order. */
  readonly columns: Int32Array;
  /** Stage the probe key here (one code per indexed column), then call find(). */
  readonly key: Float64Array;
  /** next[row]: the next row with the same key, or -1. */
  next: Int32Array;
  /** previous[row], or null until a row is first removed or moved. */
  private previous: Int32Array | null = null;
  /** Whether the heads are dense (`heads[key]`) rather than hashed (`slots`). */
  private dense: boolean;
  /** Dense: first row + 1 of each key, 0 for none. */
  private heads: Int32Array;
  /** Hashed: (first row + 1, hash of the key) per slot. */
  private slots: Int32Array;
  private mask = INITIAL_SLOTS - 1;
  private used = 0;

  constructor(
    private readonly store: RowStore,
    columns: readonly number[],
    rowCapacity: number,
  ) {
    this.columns = Int32Array.from(columns);
    this.key = new Float64Array(Math.max(1, columns.length));
    this.next = new Int32Array(rowCapacity).fill(-1);
    this.dense = columns.length === 1;
    this.heads = new Int32Array(this.dense ? INITIAL_SLOTS : 0);
    this.slots = new Int32Array(this.dense ? 0 : INITIAL_SLOTS * 2);
  }

  /** The number of distinct keys. */
  get keyCount(): number {
    return this.used;
  }

  /** The first row whose one indexed column holds `code`, or -1. */
  findCode(code: number): number {
    if (this.dense) {
      const key = code | 0;
      // Every stored key is a small non-negative int (-0 finds 0, as it equals it).
      if (key !== code || key >>> 0 >= this.heads.length) return -1;
      return this.heads[key]! - 1;
    }
    this.key[0] = code;
    return this.findHashed();
  }

  /** The first row whose indexed columns equal the staged `key`, or -1. */
  find(): number {
    if (this.dense) return this.findCode(this.key[0]!);
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

  /**
   * Indexes a row just written to the store. The common case (a dense key already within
   * `heads`) is all that is inline here: this runs in every insert of an indexed relation.
   */
  add(row: number): void {
    if (this.dense) {
      const code = this.store.data[row * this.store.width + this.columns[0]!]!;
      const heads = this.heads;
      if ((code | 0) === code && code >= 0 && code < heads.length) {
        const head = heads[code]! - 1;
        heads[code] = row + 1;
        if (head === -1) this.used++;
        this.link(row, head);
        return;
      }
    }
    this.addSlowly(row);
  }

  /** add() of a hashed key, or of a dense one that grows `heads` or leaves the dense layout. */
  private addSlowly(row: number): void {
    let head: number;
    if (this.dense) {
      const code = this.store.data[row * this.store.width + this.columns[0]!]!;
      if (!this.denseFits(code)) {
        this.leaveDense();
        this.add(row);
        return;
      }
      const key = code | 0;
      head = this.heads[key]! - 1;
      this.heads[key] = row + 1;
      if (head === -1) this.used++;
    } else {
      const hash = hashColumns(this.store.data, row * this.store.width, this.columns);
      const slot = this.slotOfKey(row, hash);
      const slots = this.slots;
      head = slots[slot << 1]! - 1;
      slots[slot << 1] = row + 1;
      if (head === -1) {
        slots[(slot << 1) + 1] = hash;
        if (++this.used * 2 > this.mask + 1) this.resize((this.mask + 1) * 2);
      }
    }
    this.link(row, head);
  }

  /** Puts `row` at the head of its chain, before `head` (-1: the chain was empty). */
  private link(row: number, head: number): void {
    this.next[row] = head;
    const previous = this.previous;
    if (previous !== null) {
      previous[row] = -1;
      if (head !== -1) previous[head] = row;
    }
  }

  /** Unlinks a row (before the store forgets it). */
  remove(row: number): void {
    const previous = this.linkBackwards();
    const before = previous[row]!;
    const after = this.next[row]!;
    if (after !== -1) previous[after] = before;
    if (before !== -1) this.next[before] = after;
    else this.replaceHead(row, after);
  }

  /** The row at `from` now lives at `to` (the relation compacts by moving its last row). */
  move(from: number, to: number): void {
    const previous = this.linkBackwards();
    const before = previous[from]!;
    const after = this.next[from]!;
    previous[to] = before;
    this.next[to] = after;
    if (before !== -1) this.next[before] = to;
    else this.replaceHead(from, to);
    if (after !== -1) previous[after] = to;
  }

  /** Forgets every row (a per-tick relation starting its tick). */
  clear(): void {
    if (this.used === 0) return;
    this.heads.fill(0);
    this.slots.fill(0);
    this.used = 0;
  }

  // -------------------------------------------------------------------------------------------

  /** Whether a key code can index `heads`: a non-negative int below the dense bound (growing heads if needed). */
  private denseFits(code: number): boolean {
    if ((code | 0) !== code || code < 0) return false;
    if (code < this.heads.length) return true;
    if (code >= Math.max(DENSE_KEYS, this.next.length * 4)) return false;
    this.heads = grownInt32(this.heads, code + 1);
    return true;
  }

  /** A key that does not fit dense heads arrived: the index becomes hashed for good. */
  private leaveDense(): void {
    this.dense = false;
    let capacity = INITIAL_SLOTS;
    while (capacity < this.used * 2) capacity *= 2;
    this.slots = new Int32Array(capacity * 2);
    this.mask = capacity - 1;
    const heads = this.heads;
    this.heads = new Int32Array(0);
    for (let key = 0; key < heads.length; key++) {
      const head = heads[key]! - 1;
      if (head === -1) continue;
      const hash = hashColumns(this.store.data, head * this.store.width, this.columns);
      let slot = hash & this.mask;
      while (this.slots[slot << 1] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot << 1] = head + 1;
      this.slots[(slot << 1) + 1] = hash;
    }
  }

  /** The chain of `row`'s key now starts at `head` (-1: the key has no row left); `row` headed it. */
  private replaceHead(row: number, head: number): void {
    if (this.dense) {
      this.heads[this.store.data[row * this.store.width + this.columns[0]!]! | 0] = head + 1;
      if (head === -1) this.used--;
      return;
    }
    const slot = this.slotOfHead(row);
    if (head !== -1) this.slots[slot << 1] = head + 1;
    else this.deleteSlot(slot);
  }

  /** Hashed: the slot holding the chain of `row`'s key, or the empty slot where it would go. */
  private slotOfKey(row: number, hash: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const head = slots[slot << 1]!;
      if (head === 0) return slot;
      if (slots[(slot << 1) + 1] === hash && this.sameKey(row, head - 1)) return slot;
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

  /** Hashed: the slot whose chain head is `row`. */
  private slotOfHead(row: number): number {
    const mask = this.mask;
    let slot = hashColumns(this.store.data, row * this.store.width, this.columns) & mask;
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
    const link = (head: number) => {
      for (let row = head; row !== -1; row = this.next[row]!) {
        const after = this.next[row]!;
        if (after !== -1) previous[after] = row;
      }
    };
    if (this.dense) for (let key = 0; key < this.heads.length; key++) link(this.heads[key]! - 1);
    else for (let slot = 0; slot <= this.mask; slot++) link(this.slots[slot << 1]! - 1);
    this.previous = previous;
    return previous;
  }

  /** Hashed: backward-shift deletion, so later entries of the probe run stay reachable. */
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
        const home = slots[(probe << 1) + 1]! & mask;
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
    for (let base = 0; base < old.length; base += 2) {
      const head = old[base]!;
      if (head === 0) continue;
      const hash = old[base + 1]!;
      let slot = hash & mask;
      while (slots[slot << 1] !== 0) slot = (slot + 1) & mask;
      slots[slot << 1] = head;
      slots[(slot << 1) + 1] = hash;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
