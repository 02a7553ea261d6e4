// What a node's API speaks in: its options, the typed tuple maps of a program, a tick's result
// (outputs and sends, or the failure), the snapshot of its durable state, and the lossless
// wire form of a sent tuple. In: nothing. Out: types and the wire-tuple registry.
// Why apart from program.ts: these are the shapes every embedder, the service and the
// simulator read, while program.ts is the tick loop that produces them.

import type { BuiltinContext } from "./builtins.ts";
import type { JsonValue } from "./values.ts";

export interface NodeOptions {
  /** This node's address (`me()`); default "self". */
  readonly me?: string;
  /** Clock, randomness and identifiers; default the system's. `me` above wins over its `me`. */
  readonly context?: Omit<BuiltinContext, "me">;
}

/**
 * The tuple types of a program by role (the generated module exports one such type map), so
 * that push, read, tick results and subscriptions are typed per collection.
 */
export type ProgramTypes = {
  readonly arrivals: { readonly [name: string]: readonly unknown[] };
  readonly outputs: { readonly [name: string]: readonly unknown[] };
  readonly channels: { readonly [name: string]: readonly unknown[] };
  readonly collections: { readonly [name: string]: readonly unknown[] };
};

export type Names<M> = keyof M & string;

/** One message sent: to the node in its `@` column, on a channel, the whole tuple. */
export type SentMessage<T extends ProgramTypes = ProgramTypes> = {
  [C in Names<T["channels"]>]: { readonly to: string; readonly channel: C; readonly tuple: T["channels"][C] };
}[Names<T["channels"]>];

export interface TickSuccess<T extends ProgramTypes = ProgramTypes> {
  readonly tick: number;
  readonly failed?: undefined;
  /** The non-empty outputs of the tick, each sorted. */
  readonly outputs: { readonly [K in Names<T["outputs"]>]?: T["outputs"][K][] };
  /** Every message sent, to this node too, sorted by destination, channel, tuple. */
  readonly sent: SentMessage<T>[];
}

export interface UntypedMessage {
  readonly to: string;
  readonly channel: string;
  readonly tuple: JsonValue[];
}

/**
 * The lossless form of a sent tuple, for the messages whose shown form loses something (a
 * counter shows its total but travels as its per-node counts; see LatticeOps.encodeWire).
 * Kept beside the message rather than in it, so `sent` prints as LANGUAGE.md §6 shows it.
 */
const wireTuples = new WeakMap<object, JsonValue[]>();

/** A sent message's tuple as it must travel to another node (or be stored for resending). */
export function wireTupleOf(message: { readonly tuple: unknown }): JsonValue[] {
  return wireTuples.get(message) ?? (message.tuple as JsonValue[]);
}

/** Notes the lossless form of a message's tuple (the tick loop, for channels with lattices). */
export function setWireTuple(message: object, tuple: JsonValue[]): void {
  wireTuples.set(message, tuple);
}

export interface TickFailure {
  readonly tick: number;
  readonly failed: true;
  readonly error: { readonly message: string; readonly tuples: JsonValue[] };
}

export type TickResult<T extends ProgramTypes = ProgramTypes> = TickSuccess<T> | TickFailure;

/** The durable state of a node between ticks: enough to resume after a restart. */
export interface NodeSnapshot {
  readonly format: "hydrolog-node";
  readonly version: 1;
  readonly module: string;
  readonly nextTick: number;
  /** Tables and lattices, tuples in the lossless wire encoding. */
  readonly collections: Record<string, JsonValue[][]>;
  /** What the last tick deferred: `<+` inserts, `<-` deletes, `<+-` upserts. */
  readonly pending: {
    readonly inserts: Record<string, JsonValue[][]>;
    readonly deletes: Record<string, JsonValue[][]>;
    readonly upserts: Record<string, JsonValue[][]>;
  };
  /** Arrivals queued for the next tick (self-sends, pushes). */
  readonly queued: Record<string, JsonValue[][]>;
}
