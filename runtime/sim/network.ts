// The simulated network: how long each message takes, whether it is lost or duplicated, and
// which nodes a partition separates.
// In: the topology's network model and a seeded Random (the run's network stream). Out: for a
// message sent at time t from a to b, the times at which its copies arrive (none when lost).
// Why decisions at send time: every random draw happens in the order messages are sent, which
// the event queue fixes, so one seed gives one schedule. Partitions are checked by the
// simulator both when a message leaves and when it would arrive: a cut link loses what is in
// flight on it, as a real one does.

import type { Random } from "./random.ts";
import type { NetworkModel, Partition } from "./topology.ts";

export type SendFate =
  | { readonly kind: "lost"; readonly reason: "loss" | "partition" }
  | { readonly kind: "delivered"; readonly arrivals: readonly number[] };

export class Network {
  /** With reorder off: the latest arrival scheduled per "from\u0000to" link. */
  private readonly lastArrival = new Map<string, number>();

  constructor(
    private readonly model: NetworkModel,
    private readonly random: Random,
  ) {}

  send(from: string, to: string, time: number): SendFate {
    if (this.separated(from, to, time)) return { kind: "lost", reason: "partition" };
    const copies = this.random.chance(this.model.duplicate) ? 2 : 1;
    const arrivals: number[] = [];
    for (let copy = 0; copy < copies; copy++) {
      if (this.random.chance(this.model.loss)) continue;
      arrivals.push(this.arrivalTime(from, to, time));
    }
    return arrivals.length === 0 ? { kind: "lost", reason: "loss" } : { kind: "delivered", arrivals };
  }

  /** Whether a partition in force at `time` puts the two nodes in different groups. */
  separated(a: string, b: string, time: number): boolean {
    return this.model.partitions.some((partition) => inForce(partition, time) && apart(partition, a, b));
  }

  private arrivalTime(from: string, to: string, time: number): number {
    const [min, max] = this.model.delay;
    let arrival = time + this.random.integer(min, max);
    if (!this.model.reorder) {
      // FIFO per link: never before what this link already carries (equal times keep send order).
      const link = `${from}\u0000${to}`;
      arrival = Math.max(arrival, this.lastArrival.get(link) ?? 0);
      this.lastArrival.set(link, arrival);
    }
    return arrival;
  }
}

function inForce(partition: Partition, time: number): boolean {
  return partition.from <= time && time < partition.to;
}

/** A node named in no group is cut off from nobody. */
function apart(partition: Partition, a: string, b: string): boolean {
  if (a === b) return false;
  const groupOf = (name: string) => partition.groups.findIndex((group) => group.includes(name));
  const ga = groupOf(a);
  const gb = groupOf(b);
  return ga >= 0 && gb >= 0 && ga !== gb;
}
