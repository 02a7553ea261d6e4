// The semi-naive delta of a relation with lattice columns: the rows that changed in a fixpoint
// iteration, each listed once. In: rows as they are added or their lattice values grow. Out:
// the previous iteration's list, `rows[0..size-1]`, which generated delta loops walk.
// Why a list: a grown row keeps its old position, so unlike a relation of plain columns only
// (whose delta is the range of rows appended, relation.ts) the changed rows are not
// contiguous; a stamp per row keeps a row that grows twice in one iteration from being listed
// twice. Relations without lattice columns never make one.

import { grownInt32 } from "./codes.ts";

export class ChangedRows {
  /** The delta: rows[0..size-1]. */
  rows = new Int32Array(0);
  size = 0;
  private next = new Int32Array(16);
  private nextSize = 0;
  /** stamps[row] === stamp: the row is listed in `next` already. */
  private stamps = new Int32Array(0);
  private stamp = 1;

  /** Starts a fixpoint: the first delta is rows `first`..`end`-1. */
  begin(first: number, end: number): void {
    const count = end - first;
    if (this.rows.length < count) this.rows = new Int32Array(Math.max(16, count));
    for (let row = first; row < end; row++) this.rows[row - first] = row;
    this.size = count;
    this.nextSize = 0;
    this.stamp++;
  }

  /** Lists a row that changed in the iteration under way (once however often it changes). */
  add(row: number): void {
    if (row >= this.stamps.length) this.stamps = grownInt32(this.stamps, row + 1);
    if (this.stamps[row] === this.stamp) return;
    this.stamps[row] = this.stamp;
    if (this.nextSize === this.next.length) this.next = grownInt32(this.next, this.nextSize + 1);
    this.next[this.nextSize++] = row;
  }

  /** Ends an iteration: what changed in it becomes the delta. False when nothing changed. */
  advance(): boolean {
    const finished = this.rows;
    this.rows = this.next;
    this.size = this.nextSize;
    this.next = finished;
    this.nextSize = 0;
    this.stamp++;
    return this.size > 0;
  }

  /** Whether rows changed in the iteration under way. */
  get pending(): boolean {
    return this.nextSize > 0;
  }

  end(): void {
    this.size = 0;
    this.nextSize = 0;
  }
}
