// The operations every lattice type provides: the contract between lattice implementations and
// the rest of the runtime (collections, the tick loop, codecs, generated code).
// In: nothing; this module only declares. Out: LatticeOps, implemented per lattice kind in
// scalar.ts and collections.ts and handed out, cached per type, by runtime/lattices.ts.
// One interface for all kinds so generated code can hold `const OPS_3 = latticeOps(type)` and
// call the same methods whatever the lattice is.

import type { LatticeType } from "../../compiler/types.ts";
import type { DecodeError } from "../errors.ts";
import type { JsonValue } from "./structures.ts";

/** What lifting a plain value into `lww<T>` or `counter` needs: the writer and the clock. */
export interface LiftContext {
  /** This node's address: the writer of an lww value, the contributor of a counter amount. */
  readonly me: string;
  /** Milliseconds since the epoch: the timestamp of an lww value. */
  now(): number;
}

export interface LatticeOps<V = any> {
  readonly type: LatticeType;
  /** The source spelling of the type (`map<string, max<int>>`): the cache key. */
  readonly name: string;
  /**
   * The least element: the empty set and map, `false` (bool_or), `true` (bool_and), the empty
   * counter, a pair of bottoms. `undefined` for max, min and lww, whose "bottom" is absence.
   */
  readonly bottom: V | undefined;
  /**
   * The least upper bound. Returns `a` itself when `b ≤ a` (so callers detect change with
   * `result !== a`), may return `b` itself when `a ≤ b`, otherwise a new value. Never mutates.
   */
  merge(a: V, b: V): V;
  /** Merges any number of values (a faster path than folding for sets and maps). */
  mergeAll(values: readonly V[]): V | undefined;
  /** The lattice order: `a ≤ b`. */
  leq(a: V, b: V): boolean;
  /** Lattice equality (`a ≤ b` and `b ≤ a`). */
  equals(a: V, b: V): boolean;
  /**
   * Coerces a value into this lattice (LANGUAGE.md §4 "a base value written into a lattice
   * column is lifted"). A value that already is one of this lattice comes back as is (maps
   * and counters normalised). Otherwise: set ← an element; max/min ← the value itself;
   * bool_or/bool_and ← a boolean; map ← a `[key, value]` pair or an `entry(k, v)` map (the
   * value lifted into the value lattice); pair ← `[a, b]`, each lifted; counter ← a
   * `[node, amount]` pair, or an amount credited to `context.me`; lww ← a plain value,
   * written at `context.now()` by `context.me`. Lifting into counter or lww without a
   * context throws a TypeError (a bug in the caller, not a user error).
   */
  lift(base: unknown, context?: LiftContext): V;
  isBottom(value: V): boolean;
  /** The JSON encoding of LANGUAGE.md §6 (a counter as its total: lossy). */
  encode(value: V): JsonValue;
  /**
   * A lossless JSON encoding for the network and durable state: the same as `encode` except
   * that a counter is its sorted `[[node, count], …]`. `decode` accepts both forms.
   */
  encodeWire(value: V): JsonValue;
  decode(json: unknown): V | DecodeError;
  /** A total order for sorting, consistent with `encode` (the order of compareValues). */
  compare(a: V, b: V): number;
}
