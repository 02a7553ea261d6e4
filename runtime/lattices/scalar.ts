// The lattices whose values are single things: max<T>, min<T>, bool_or, bool_and, lww<T>, and
// counter (a per-node map, but a number to everyone reading it).
// In: the lattice type. Out: its LatticeOps. Values are the plain JS values of LANGUAGE.md
// (a max<int> is a number, a bool_or a boolean), so generated code reads them without
// unwrapping; only lww (LwwValue) and counter (a ReadonlyMap) carry structure.
// max and min on primitives compare with JS `<`, which is numeric for numbers, false < true for
// booleans and code-unit order for strings: exactly compareValues, without the call.

import type { BaseType, LatticeType } from "../../compiler/types.ts";
import { DecodeError } from "../errors.ts";
import { decodeBase, describeJson } from "./base-values.ts";
import type { LatticeOps, LiftContext } from "./ops.ts";
import { compareValues, counterTotal, LwwValue, type CounterValue, type JsonValue } from "./structures.ts";

function fold<V>(merge: (a: V, b: V) => V, values: readonly V[]): V | undefined {
  if (values.length === 0) return undefined;
  let result = values[0] as V;
  for (let i = 1; i < values.length; i++) result = merge(result, values[i] as V);
  return result;
}

const identity = <V,>(value: V): V => value;

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** max<T> (`direction` 1) or min<T> (`direction` -1); no bottom: an unset one is absent. */
export function extremumOps(type: LatticeType & { kind: "max" | "min" }, name: string): LatticeOps<unknown> {
  const element: BaseType = type.element;
  const primitive = element.kind !== "any";
  const isMax = type.kind === "max";
  let merge: (a: any, b: any) => any;
  let leq: (a: any, b: any) => boolean;
  if (primitive && isMax) {
    merge = (a, b) => (b > a ? b : a);
    leq = (a, b) => a <= b;
  } else if (primitive) {
    merge = (a, b) => (b < a ? b : a);
    leq = (a, b) => a >= b;
  } else if (isMax) {
    merge = (a, b) => (compareValues(b, a) > 0 ? b : a);
    leq = (a, b) => compareValues(a, b) <= 0;
  } else {
    merge = (a, b) => (compareValues(b, a) < 0 ? b : a);
    leq = (a, b) => compareValues(a, b) >= 0;
  }
  return {
    type,
    name,
    bottom: undefined,
    merge,
    mergeAll: (values) => fold(merge, values),
    leq,
    equals: primitive ? (a, b) => a === b : (a, b) => compareValues(a, b) === 0,
    lift: identity,
    isBottom: () => false,
    encode: (value) => value as JsonValue,
    encodeWire: (value) => value as JsonValue,
    decode: (json) => decodeBase(element, json),
    compare: element.kind === "int" || element.kind === "float" ? (compareNumbers as (a: unknown, b: unknown) => number) : compareValues,
  };
}

/** bool_or (bottom false, grows to true) or bool_and (bottom true, grows to false). */
export function booleanOps(type: LatticeType & { kind: "bool_or" | "bool_and" }, name: string): LatticeOps<boolean> {
  const isOr = type.kind === "bool_or";
  const merge = isOr ? (a: boolean, b: boolean) => a || b : (a: boolean, b: boolean) => a && b;
  return {
    type,
    name,
    bottom: !isOr,
    merge,
    mergeAll: (values) => (values.length === 0 ? !isOr : fold(merge, values)),
    leq: isOr ? (a, b) => !a || b : (a, b) => a || !b,
    equals: (a, b) => a === b,
    lift: (base) => {
      if (typeof base !== "boolean") throw new TypeError(`cannot lift ${describeJson(base)} into ${name}`);
      return base;
    },
    isBottom: (value) => value === !isOr,
    encode: identity,
    encodeWire: identity,
    decode: (json) =>
      typeof json === "boolean" ? json : new DecodeError(`expected a bool (true or false), got ${describeJson(json)}`),
    compare: compareValues,
  };
}

/** (timestamp, node), then the value as a last resort so that merge stays commutative. */
function compareWrites(a: LwwValue, b: LwwValue): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  return compareValues(a.value, b.value);
}

/** lww<T>: the write with the higher (timestamp, node) wins; equal pairs fall back to the value. */
export function lwwOps(type: LatticeType & { kind: "lww" }, name: string): LatticeOps<LwwValue> {
  const element = type.element;
  const merge = (a: LwwValue, b: LwwValue) => (compareWrites(b, a) > 0 ? b : a);
  return {
    type,
    name,
    bottom: undefined,
    merge,
    mergeAll: (values) => fold(merge, values),
    leq: (a, b) => compareWrites(a, b) <= 0,
    equals: (a, b) => compareWrites(a, b) === 0,
    lift: (base, context) => {
      if (base instanceof LwwValue) return base;
      if (context === undefined) throw new TypeError(`lifting a plain value into ${name} needs a context (me, now)`);
      return new LwwValue(context.now(), context.me, base);
    },
    isBottom: () => false,
    encode: (value) => [value.timestamp, value.node, value.value as JsonValue],
    encodeWire: (value) => [value.timestamp, value.node, value.value as JsonValue],
    decode: (json) => {
      if (!Array.isArray(json) || json.length !== 3) {
        return new DecodeError(`expected [timestamp, node, value] for ${name}, got ${describeJson(json)}`);
      }
      const [timestamp, node, raw] = json;
      if (typeof timestamp !== "number" || !Number.isFinite(timestamp)) {
        return new DecodeError(`expected a finite number as the timestamp of ${name}, got ${describeJson(timestamp)}`);
      }
      if (typeof node !== "string") {
        return new DecodeError(`expected a string as the node of ${name}, got ${describeJson(node)}`);
      }
      const value = decodeBase(element, raw);
      if (value instanceof DecodeError) return value.within(`in the value of ${name}`);
      return new LwwValue(timestamp, node, value);
    },
    compare: (a, b) => compareWrites(a, b),
  };
}

const EMPTY_COUNTER: CounterValue = new Map<string, number>();

function counterLeq(a: CounterValue, b: CounterValue): boolean {
  if (a.size > b.size) return false;
  for (const [node, count] of a) if ((b.get(node) ?? 0) < count) return false;
  return true;
}

function counterMerge(a: CounterValue, b: CounterValue): CounterValue {
  if (a === b || b.size === 0) return a;
  if (a.size === 0) return b;
  if (counterLeq(b, a)) return a;
  if (counterLeq(a, b)) return b;
  const merged = new Map(a);
  for (const [node, count] of b) if ((merged.get(node) ?? 0) < count) merged.set(node, count);
  return merged;
}

/** A counter holding only positive counts (a zero or negative count is no contribution). */
function normalizeCounter(counter: CounterValue): CounterValue {
  let clean = true;
  for (const count of counter.values()) if (!(count > 0)) clean = false;
  if (clean) return counter.size === 0 ? EMPTY_COUNTER : counter;
  const kept = new Map<string, number>();
  for (const [node, count] of counter) if (count > 0) kept.set(node, count);
  return kept.size === 0 ? EMPTY_COUNTER : kept;
}

function singleCount(node: string, count: number): CounterValue {
  return count > 0 ? new Map([[node, count]]) : EMPTY_COUNTER;
}

function isCount(json: unknown): json is number {
  return Number.isSafeInteger(json) && (json as number) >= 0;
}

/**
 * counter: grow-only per node (merge = per-node max), valued at its total. The §6 encoding is
 * the total alone; a total decoded without its per-node split is credited to the node "".
 */
export function counterOps(type: LatticeType & { kind: "counter" }, name: string): LatticeOps<CounterValue> {
  return {
    type,
    name,
    bottom: EMPTY_COUNTER,
    merge: counterMerge,
    mergeAll: (values) => {
      let result = EMPTY_COUNTER;
      for (const value of values) result = counterMerge(result, value);
      return result;
    },
    leq: counterLeq,
    equals: (a, b) => a.size === b.size && counterLeq(a, b) && counterLeq(b, a),
    lift: (base: unknown, context?: LiftContext) => {
      if (base instanceof Map) return normalizeCounter(base as CounterValue);
      if (Array.isArray(base) && base.length === 2 && typeof base[0] === "string" && typeof base[1] === "number") {
        return singleCount(base[0], base[1]);
      }
      if (typeof base === "number") {
        if (context === undefined) throw new TypeError(`lifting an amount into ${name} needs a context (me)`);
        return singleCount(context.me, base);
      }
      throw new TypeError(`cannot lift ${describeJson(base)} into ${name}`);
    },
    isBottom: (value) => value.size === 0,
    encode: (value) => counterTotal(value),
    encodeWire: (value) =>
      Array.from(value)
        .sort((x, y) => compareValues(x[0], y[0]))
        .map(([node, count]) => [node, count]),
    decode: (json) => {
      if (isCount(json)) return singleCount("", json);
      if (!Array.isArray(json)) {
        return new DecodeError(
          `expected a counter (a non-negative int, or [[node, count], …]), got ${describeJson(json)}`,
        );
      }
      const counts = new Map<string, number>();
      for (let i = 0; i < json.length; i++) {
        const entry: unknown = json[i];
        if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== "string" || !isCount(entry[1])) {
          return new DecodeError(`in entry ${i}: expected [node, count] with a non-negative int, got ${describeJson(entry)}`);
        }
        if (entry[1] > (counts.get(entry[0]) ?? 0)) counts.set(entry[0], entry[1]);
      }
      return counts.size === 0 ? EMPTY_COUNTER : counts;
    },
    compare: (a, b) => compareNumbers(counterTotal(a), counterTotal(b)),
  };
}
