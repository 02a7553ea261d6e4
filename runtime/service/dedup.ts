// Which messages this node has already consumed, per sending link: the receiver's half of
// exactly-once effects over at-least-once transmission.
// In: (link, sequence) pairs as committed ticks consume them, and queries for newly received
// ones. Out: consumed or not; the state as plain data for the log and snapshots.
// Why a floor and a set: a link numbers its messages 1, 2, 3, … and delivers them in order, so
// what a receiver has consumed is almost always a prefix; the floor holds the prefix in one
// number and the set only the few consumed above a gap (after a reconnect, or a message that
// was rejected out of order), so the state stays small however long the node runs.

export interface LinkDedupState {
  /** Every sequence number up to and including this one is consumed. */
  readonly floor: number;
  /** Consumed sequence numbers above the floor. */
  readonly above: readonly number[];
}

interface LinkState {
  floor: number;
  above: Set<number>;
}

export class Deduplicator {
  private readonly links = new Map<string, LinkState>();

  isConsumed(link: string, sequence: number): boolean {
    const state = this.links.get(link);
    if (state === undefined) return false;
    return sequence <= state.floor || state.above.has(sequence);
  }

  markConsumed(link: string, sequence: number): void {
    let state = this.links.get(link);
    if (state === undefined) {
      state = { floor: 0, above: new Set() };
      this.links.set(link, state);
    }
    if (sequence <= state.floor) return;
    if (sequence !== state.floor + 1) {
      state.above.add(sequence);
      return;
    }
    state.floor = sequence;
    while (state.above.delete(state.floor + 1)) state.floor++;
  }

  /**
   * Everything up to `sequence` is consumed: the sender says it holds nothing below
   * `sequence + 1` any more (all acknowledged), so those ids can never arrive again.
   */
  advanceFloor(link: string, sequence: number): void {
    const state = this.links.get(link);
    if (state === undefined) {
      this.links.set(link, { floor: sequence, above: new Set() });
      return;
    }
    if (sequence <= state.floor) return;
    state.floor = sequence;
    for (const above of state.above) if (above <= sequence) state.above.delete(above);
    while (state.above.delete(state.floor + 1)) state.floor++;
  }

  /** How many links are known (for metrics). */
  get linkCount(): number {
    return this.links.size;
  }

  toJson(): Record<string, LinkDedupState> {
    const out: Record<string, LinkDedupState> = {};
    for (const [link, state] of this.links) out[link] = { floor: state.floor, above: [...state.above].sort((a, b) => a - b) };
    return out;
  }

  static fromJson(json: Record<string, LinkDedupState>): Deduplicator {
    const dedup = new Deduplicator();
    for (const [link, state] of Object.entries(json)) {
      dedup.links.set(link, { floor: state.floor, above: new Set(state.above) });
    }
    return dedup;
  }
}

/** Sorted distinct numbers as inclusive ranges: [1, 2, 3, 7] → [[1, 3], [7, 7]]. */
export function toRanges(numbers: readonly number[]): [number, number][] {
  const sorted = [...numbers].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const value of sorted) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && value <= last[1] + 1) last[1] = Math.max(last[1], value);
    else ranges.push([value, value]);
  }
  return ranges;
}

/** Whether a value is a list of [from, to] integer ranges (as a peer's ack frame must carry). */
export function isRanges(value: unknown): value is [number, number][] {
  return (
    Array.isArray(value) &&
    value.every((range) => Array.isArray(range) && range.length === 2 && Number.isSafeInteger(range[0]) && Number.isSafeInteger(range[1]) && range[0] >= 1 && range[0] <= range[1])
  );
}
