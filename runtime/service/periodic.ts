// The clock of a node: real timers behind the program's `periodic` collections.
// In: the program's schema (each periodic's period) and, after a restart, the durable counts.
// Out: firings waiting for the next tick, as tuples (n) where n counts that periodic's firings
// from 0; the counts of firings taken into committed ticks, for the log and snapshots.
// Why counts survive restarts: n is part of the program's input, so a durable node continues
// the sequence where its committed ticks left it (a firing that had not yet reached a tick when
// the process died is not replayed: its n is used by the next firing).

import type { ProgramSchema } from "../schema.ts";

export class PeriodicClock {
  private waiting = new Map<string, number[]>();
  /** Per periodic: the next firing's n. */
  private readonly fired = new Map<string, number>();
  /** Per periodic: firings taken into committed ticks. */
  private readonly taken = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly schema: ProgramSchema) {}

  /** Continues from durable counts. */
  resume(counts: Readonly<Record<string, number>>): void {
    for (const [name, count] of Object.entries(counts)) {
      this.fired.set(name, count);
      this.taken.set(name, count);
    }
  }

  /** Starts one timer per periodic; `onFire` is called after each firing. */
  start(onFire: () => void): void {
    for (const collection of this.schema.collections) {
      if (collection.kind !== "periodic" || collection.periodMs === null) continue;
      const name = collection.name;
      const timer = setInterval(() => {
        const n = this.fired.get(name) ?? 0;
        this.fired.set(name, n + 1);
        let waiting = this.waiting.get(name);
        if (waiting === undefined) this.waiting.set(name, (waiting = []));
        waiting.push(n);
        onFire();
      }, Math.max(1, collection.periodMs));
      this.timers.push(timer);
    }
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
  }

  get hasFirings(): boolean {
    return this.waiting.size > 0;
  }

  /** The firings since the last take, per periodic, as their (n) tuples. */
  take(): Map<string, number[][]> {
    const taken = new Map<string, number[][]>();
    for (const [name, counts] of this.waiting) taken.set(name, counts.map((n) => [n]));
    this.waiting = new Map();
    return taken;
  }

  /** The counts after a tick that took these firings commits (for its record). */
  countsAfter(firings: ReadonlyMap<string, number[][]>): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [name, tuples] of firings) counts[name] = tuples[tuples.length - 1]![0]! + 1;
    return counts;
  }

  /** That tick has committed. */
  committed(firings: ReadonlyMap<string, number[][]>): void {
    for (const [name, count] of Object.entries(this.countsAfter(firings))) this.taken.set(name, count);
  }

  /** Firings taken into committed ticks, per periodic (for snapshots). */
  counts(): Record<string, number> {
    return Object.fromEntries(this.taken);
  }
}
