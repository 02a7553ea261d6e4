// The undo log of one relation for the tick under way, so a failed tick leaves it as it was.
// In: the relation's size when the tick begins, and the lattice values of rows about to grow.
// Out: `mark` (rows at or after it were added in the tick: removing them undoes the additions)
// and the grown rows' old values, put back newest first.
// Why so little: after beginTick() rows only change by being added or by a lattice value
// growing (deferred deletes and replacements are applied in step 1, before it), so the old
// values of grown rows are all there is to remember; a stamp per row logs a row once.

import { grownInt32 } from "./codes.ts";

export class UndoLog {
  /** Rows at or after this position were added in the tick under way. */
  mark = 0;
  private epoch = 1;
  private stamps = new Int32Array(0);
  private rows: number[] = [];
  private values: unknown[][] = [];

  /** A tick begins with `size` rows. */
  begin(size: number): void {
    this.mark = size;
    this.epoch++;
    if (this.rows.length > 0) this.forget();
  }

  /** Remembers a row's lattice values before they first grow in this tick. */
  logGrown(row: number, lattice: readonly unknown[][]): void {
    if (row >= this.stamps.length) this.stamps = grownInt32(this.stamps, row + 1);
    if (this.stamps[row] === this.epoch) return;
    this.stamps[row] = this.epoch;
    this.rows.push(row);
    this.values.push(lattice.map((column) => column[row]));
  }

  /** Puts the logged values back into `lattice`, newest first, and forgets them. */
  restore(lattice: unknown[][]): void {
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const row = this.rows[i]!;
      const values = this.values[i]!;
      for (let j = 0; j < lattice.length; j++) lattice[j]![row] = values[j];
    }
    this.forget();
  }

  private forget(): void {
    this.rows.length = 0;
    this.values.length = 0;
  }
}
