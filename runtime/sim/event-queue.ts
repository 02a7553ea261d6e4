// The simulator's agenda: events ordered by simulated time, ties by the order they were added.
// In: events with a time. Out: the earliest first; among equal times, the one added first.
// Why the insertion order breaks ties: it is a pure function of the run's seed, so two runs with
// one seed pop events in exactly the same order; nothing depends on object identity or hashing.

export interface Timed {
  readonly time: number;
}

interface Entry<E> {
  readonly event: E;
  readonly time: number;
  readonly order: number;
}

export class EventQueue<E extends Timed> {
  private readonly heap: Entry<E>[] = [];
  private added = 0;

  get size(): number {
    return this.heap.length;
  }

  add(event: E): void {
    const entry = { event, time: event.time, order: this.added++ };
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = entry;
  }

  /** The earliest event without removing it. */
  peek(): E | undefined {
    return this.heap[0]?.event;
  }

  pop(): E | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
        if (!before(heap[child]!, last)) break;
        heap[index] = heap[child]!;
        index = child;
      }
      heap[index] = last;
    }
    return top.event;
  }
}

function before<E>(a: Entry<E>, b: Entry<E>): boolean {
  return a.time < b.time || (a.time === b.time && a.order < b.order);
}
