// Channel messages from peers between their arrival and the tick that consumes them.
// In: batches of [sequence, channel, tuple] from an authenticated link (server.ts), and, after
// each commit, the message ids the committed tick consumed. Out: the messages waiting for a
// tick, in arrival order; per batch, what to acknowledge at once (copies of consumed messages
// and rejected ones) and why anything was rejected.
// Why checked here, on arrival: a malformed or mistyped message must never reach a tick (it
// would fail the tick for every other message in it), so only messages that decode against the
// program's channel types are queued; the tick later decodes the same JSON again.
// Exactly once: a message already consumed (dedup.ts) is dropped and acknowledged again; one
// already waiting is dropped silently (its own acknowledgement follows its commit).

import type { Type } from "../../compiler/types.ts";
import { columnTypes } from "../arrivals.ts";
import type { ProgramSchema } from "../schema.ts";
import { decodeTuple, type JsonValue } from "../values.ts";
import { Deduplicator, toRanges } from "./dedup.ts";
import type { Ranges } from "./records.ts";

export interface InboxItem {
  readonly link: string;
  readonly sequence: number;
  readonly channel: string;
  readonly tuple: JsonValue[];
}

export interface Received {
  /** Sequences to acknowledge now: already consumed, or rejected. */
  readonly acknowledgeNow: number[];
  readonly accepted: number;
  readonly duplicates: number;
  /** Why each rejected message was rejected. */
  readonly rejected: string[];
}

export class Inbox {
  dedup = new Deduplicator();
  private items: InboxItem[] = [];
  private head = 0;
  /** Per link, the sequences waiting for their tick to commit. */
  private readonly waiting = new Map<string, Set<number>>();
  private readonly channels = new Map<string, Type[]>();

  constructor(schema: ProgramSchema) {
    for (const collection of schema.collections) if (collection.kind === "channel") this.channels.set(collection.name, columnTypes(collection));
  }

  get depth(): number {
    return this.items.length - this.head;
  }

  receive(link: string, messages: readonly unknown[], low: number | undefined): Received {
    // The sender holds nothing below `low` any more: all of it was acknowledged.
    if (low !== undefined && low > 1) this.dedup.advanceFloor(link, low - 1);
    const acknowledgeNow: number[] = [];
    const rejected: string[] = [];
    let accepted = 0;
    let duplicates = 0;
    let waiting = this.waiting.get(link);
    if (waiting === undefined) this.waiting.set(link, (waiting = new Set()));
    for (const message of messages) {
      if (!Array.isArray(message) || message.length !== 3 || !Number.isSafeInteger(message[0]) || message[0] < 1) {
        rejected.push("malformed message (expected [sequence, channel, tuple])");
        continue;
      }
      const [sequence, channel, tuple] = message as [number, unknown, unknown];
      if (this.dedup.isConsumed(link, sequence)) {
        duplicates++;
        acknowledgeNow.push(sequence);
        continue;
      }
      if (waiting.has(sequence)) {
        duplicates++;
        continue;
      }
      const types = typeof channel === "string" ? this.channels.get(channel) : undefined;
      const decoded = types === undefined ? null : decodeTuple(types, tuple);
      if (decoded === null || !decoded.ok) {
        rejected.push(decoded === null ? `unknown channel ${JSON.stringify(channel)}` : `${String(channel)}: ${decoded.reason}`);
        // Consumed as rejected: the sender may forget it, and a copy is rejected again.
        this.dedup.markConsumed(link, sequence);
        acknowledgeNow.push(sequence);
        continue;
      }
      waiting.add(sequence);
      this.items.push({ link, sequence, channel: channel as string, tuple: tuple as JsonValue[] });
      accepted++;
    }
    return { acknowledgeNow, accepted, duplicates, rejected };
  }

  /** The oldest waiting messages, at most `max`, for the next tick. */
  take(max: number): InboxItem[] {
    const taken = this.items.slice(this.head, this.head + max);
    this.head += taken.length;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 65_536) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return taken;
  }

  /** The tick that took these messages has committed: they are consumed. */
  committed(consumed: Readonly<Record<string, Ranges>>): void {
    for (const [link, ranges] of Object.entries(consumed)) {
      const waiting = this.waiting.get(link);
      for (const [from, to] of ranges) {
        for (let sequence = from; sequence <= to; sequence++) {
          this.dedup.markConsumed(link, sequence);
          waiting?.delete(sequence);
        }
      }
      if (waiting?.size === 0) this.waiting.delete(link);
    }
  }
}

/** The message ids of taken messages, per link, as ranges (for the tick's record). */
export function consumedRanges(items: readonly InboxItem[]): Record<string, Ranges> {
  const byLink = new Map<string, number[]>();
  for (const item of items) {
    let sequences = byLink.get(item.link);
    if (sequences === undefined) byLink.set(item.link, (sequences = []));
    sequences.push(item.sequence);
  }
  const consumed: Record<string, Ranges> = {};
  for (const [link, sequences] of byLink) consumed[link] = toRanges(sequences);
  return consumed;
}
