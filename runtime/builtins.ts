// The built-in functions of LANGUAGE.md §4, and the arithmetic the emitted code cannot inline.
// In: runtime values (see runtime/lattices.ts for lattice representations) and, for me(), now(),
// random() and uuid(), a BuiltinContext, so a simulator can fix the clock and the dice.
// Out: plain values; a failure that must abort the tick (to_int("abc"), x / 0, a bad regular
// expression) throws a TickError, which the tick loop turns into a rolled-back, reported tick.
// Generated code knows every static type, so it should call the typed variants directly
// (containsString, containsSet, sizeSet, intDivide, intPow …); the dispatching forms in
// `builtinImplementations` exist for interpreters and tests. Strings are measured and cut in
// UTF-16 code units, like the `<` order on strings.

import { randomUUID } from "node:crypto";
import { TickError } from "./errors.ts";
import type { LiftContext } from "./lattices/ops.ts";
import { describeJson } from "./lattices/base-values.ts";
import { compareValues, counterTotal, LwwValue, MapValue, SetValue, type CounterValue } from "./lattices/structures.ts";
import { canonicalJson, hashValue } from "./values.ts";

/** Where the node-dependent and nondeterministic built-ins get their answers. */
export interface BuiltinContext extends LiftContext {
  /** This node's address (`me()`). */
  readonly me: string;
  /** Milliseconds since the epoch (`now()`). */
  now(): number;
  /** A float in [0, 1) (`random()`). */
  random(): number;
  /** A fresh identifier (`uuid()`). */
  uuid(): string;
}

/** The real clock, Math.random and crypto UUIDs: for services and `hydro run`. */
export function systemContext(me: string): BuiltinContext {
  return { me, now: () => Date.now(), random: Math.random, uuid: randomUUID };
}

/**
 * A reproducible context for simulation and tests: `random()` and `uuid()` come from a
 * mulberry32 generator seeded with `seed`, `now()` from the given clock.
 */
export function seededContext(me: string, seed: number, clock: () => number): BuiltinContext {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const hex = (word: number) => word.toString(16).padStart(8, "0");
  return {
    me,
    now: clock,
    random: () => next() / 4294967296,
    uuid: () => {
      const a = hex(next());
      const b = hex(((next() & 0xffff0fff) | 0x00004000) >>> 0); // version 4
      const c = hex(((next() & 0x3fffffff) | 0x80000000) >>> 0); // RFC 4122 variant
      const d = hex(next());
      return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Strings

export function len(text: string): number {
  return text.length;
}

export function lower(text: string): string {
  return text.toLowerCase();
}

export function upper(text: string): string {
  return text.toUpperCase();
}

/** `substr(s, start, length)`: 0-based; start and length are clamped to the string. */
export function substr(text: string, start: number, length: number): string {
  const from = start < 0 ? 0 : start > text.length ? text.length : start;
  if (!(length > 0)) return "";
  return text.slice(from, from + length);
}

export function containsString(text: string, part: string): boolean {
  return text.includes(part);
}

/** `s ++ t`; a non-string operand is converted as by to_string. */
export function stringConcat(left: unknown, right: unknown): string {
  if (typeof left === "string" && typeof right === "string") return left + right;
  return toStringValue(left) + toStringValue(right);
}

const MAX_CACHED_PATTERNS = 1024;
const patternCache = new Map<string, RegExp | TickError>();

/**
 * `matches(s, pattern)`: whether the JavaScript regular expression (no flags) matches
 * anywhere in `s`; anchor with `^…$` for a whole-string match. Compiled patterns are cached.
 */
export function matches(text: string, pattern: string): boolean {
  let compiled = patternCache.get(pattern);
  if (compiled === undefined) {
    if (patternCache.size >= MAX_CACHED_PATTERNS) patternCache.clear();
    try {
      compiled = new RegExp(pattern);
    } catch (error) {
      compiled = new TickError(`matches: invalid regular expression ${describeJson(pattern)}: ${(error as Error).message}`);
    }
    patternCache.set(pattern, compiled);
  }
  if (compiled instanceof TickError) throw compiled;
  return compiled.test(text);
}

// ---------------------------------------------------------------------------------------------
// Numbers

export function abs(value: number): number {
  return Math.abs(value);
}

export function min2<T>(a: T, b: T): T {
  if (typeof a === "number" && typeof b === "number") return b < a ? b : a;
  return compareValues(b, a) < 0 ? b : a;
}

export function max2<T>(a: T, b: T): T {
  if (typeof a === "number" && typeof b === "number") return b > a ? b : a;
  return compareValues(b, a) > 0 ? b : a;
}

/** `pow` on floats (or an int raised to a float): Math.pow; a non-finite result fails the tick. */
export function pow(base: number, exponent: number): number {
  const result = Math.pow(base, exponent);
  if (!Number.isFinite(result)) throw new TickError(`pow(${base}, ${exponent}) is not a finite number`);
  return result;
}

/**
 * `pow` on two ints: exact, an int. A negative exponent truncates toward zero like `/`
 * (pow(2, -1) = 0, pow(-1, -3) = -1); pow(0, negative) is a division by zero; a result outside
 * the safe integers fails the tick.
 */
export function intPow(base: number, exponent: number): number {
  if (exponent < 0) {
    if (base === 0) throw new TickError(`pow(0, ${exponent}): division by zero`);
    if (base === 1) return 1;
    if (base === -1) return exponent % 2 === 0 ? 1 : -1;
    return 0;
  }
  let result = 1;
  let factor = base;
  let remaining = exponent;
  while (remaining > 0) {
    if (remaining & 1) result *= factor;
    remaining = Math.floor(remaining / 2);
    if (remaining > 0) factor *= factor;
    if (!Number.isSafeInteger(result) || (remaining > 0 && !Number.isSafeInteger(factor) && result !== 0)) {
      throw new TickError(`pow(${base}, ${exponent}) is outside the int range`);
    }
  }
  return result + 0;
}

/** `int / int`: truncates toward zero; exact for all safe integers. */
export function intDivide(dividend: number, divisor: number): number {
  if (divisor === 0) throw new TickError(`division by zero: ${dividend} / 0`);
  return (dividend - (dividend % divisor)) / divisor + 0;
}

/** `int % int`: the remainder takes the sign of the dividend (-7 % 2 = -1). */
export function modulo(dividend: number, divisor: number): number {
  if (divisor === 0) throw new TickError(`division by zero: ${dividend} % 0`);
  return (dividend % divisor) + 0;
}

/** `/` with a float operand; dividing by zero fails the tick rather than making Infinity. */
export function floatDivide(dividend: number, divisor: number): number {
  if (divisor === 0) throw new TickError(`division by zero: ${dividend} / 0`);
  const result = dividend / divisor;
  if (!Number.isFinite(result)) throw new TickError(`${dividend} / ${divisor} is not a finite number`);
  return result;
}

/** `%` with a float operand: the sign of the dividend, like JavaScript's `%`. */
export function floatModulo(dividend: number, divisor: number): number {
  if (divisor === 0) throw new TickError(`division by zero: ${dividend} % 0`);
  return (dividend % divisor) + 0;
}

// ---------------------------------------------------------------------------------------------
// Conversions

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function numberFrom(name: string, value: unknown): number {
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) throw new TickError(`${name}: ${String(value)} is not a finite number`);
      return value;
    case "boolean":
      return value ? 1 : 0;
    case "string": {
      const trimmed = value.trim();
      const parsed = Number(trimmed);
      if (!NUMBER_TEXT.test(trimmed) || !Number.isFinite(parsed)) {
        throw new TickError(`${name}: ${describeJson(value)} is not a number`);
      }
      return parsed;
    }
    default:
      throw new TickError(`${name}: cannot convert ${describeJson(value)} to a number`);
  }
}

/** `to_int`: a float truncates toward zero; a string must be a decimal number; true is 1. */
export function toInt(value: unknown): number {
  const result = Math.trunc(numberFrom("to_int", value));
  if (!Number.isSafeInteger(result)) throw new TickError(`to_int: ${describeJson(value)} is outside the int range`);
  return result + 0;
}

/** `to_float`: a string must be a decimal number (`1e-3` allowed); true is 1. */
export function toFloat(value: unknown): number {
  return numberFrom("to_float", value);
}

/** `to_string`: strings as they are, numbers as JavaScript prints them, anything else as canonical JSON. */
export function toStringValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    default:
      return canonicalJson(value);
  }
}

/** `hash`: see hashValue (32-bit FNV-1a of the canonical JSON; the same on every run). */
export function hash(value: unknown): number {
  return hashValue(value);
}

// ---------------------------------------------------------------------------------------------
// Lattices

export function containsSet(set: SetValue, element: unknown): boolean {
  return set.has(element);
}

export function containsKey(map: MapValue, key: unknown): boolean {
  return map.has(key);
}

/** `contains` on whatever it gets: a string (substring), a set (element) or a map (key). */
export function contains(container: unknown, item: unknown): boolean {
  if (typeof container === "string") return containsString(container, item as string);
  if (container instanceof SetValue) return container.has(item);
  if (container instanceof MapValue) return container.has(item);
  throw new TypeError(`contains: not a string, set or map: ${describeJson(container)}`);
}

export function sizeSet(set: SetValue): number {
  return set.size;
}

export function sizeMap(map: MapValue): number {
  return map.size;
}

/** The size of a counter is its total. */
export function sizeCounter(counter: CounterValue): number {
  return counterTotal(counter);
}

/** `size` on whatever it gets: a set or map (entries), a counter (total), a string or array (length). */
export function size(value: unknown): number {
  if (value instanceof SetValue || value instanceof MapValue) return value.size;
  if (value instanceof Map) return counterTotal(value as CounterValue);
  if (typeof value === "string" || Array.isArray(value)) return value.length;
  throw new TypeError(`size: not a set, map or counter: ${describeJson(value)}`);
}

/**
 * `entry(k, v)`: a one-entry map. The value is taken as given; `latticeOps(mapType).lift`
 * lifts it into the value lattice and drops it when it is bottom.
 */
export function entry<K, V>(key: K, value: V): MapValue<K, V> {
  return new MapValue([key], [value]);
}

/**
 * `at(m, k)`: the lattice value at `k`; when absent, `bottom` (pass the value lattice's
 * `latticeOps(type).bottom`), which is undefined for max, min and lww: no value.
 */
export function at<V>(map: MapValue<unknown, V>, key: unknown, bottom?: V): V | undefined {
  const position = map.indexOf(key);
  return position < 0 ? bottom : map.values[position];
}

/** `keys(m)`: the keys in order (for `k in keys(m)`). */
export function keys<K>(map: MapValue<K, unknown>): readonly K[] {
  return map.keys;
}

/** `keys(m)` as a `set<K>` value, sharing the map's sorted key array (no copy, no sort). */
export function keySet<K>(map: MapValue<K, unknown>): SetValue<K> {
  return map.size === 0 ? (SetValue.EMPTY as SetValue<K>) : new SetValue(map.keys);
}

/**
 * `pair(a, b)`: a pair<L1, L2> value, the 2-element array of runtime/lattices/collections.ts.
 * The sides are taken as given: the compiler lifts each into its lattice before the call.
 */
export function pair<A, B>(first: A, second: B): readonly [A, B] {
  return [first, second];
}

/** `entry_lww(timestamp, node, value)`: an lww value with an explicit version. */
export function entryLww<T>(timestamp: number, node: string, value: T): LwwValue<T> {
  return new LwwValue(timestamp, node, value);
}

// ---------------------------------------------------------------------------------------------
// The node and nondeterminism

export function me(context: BuiltinContext): string {
  return context.me;
}

export function now(context: BuiltinContext): number {
  return context.now();
}

export function random(context: BuiltinContext): number {
  return context.random();
}

export function uuid(context: BuiltinContext): string {
  return context.uuid();
}

/**
 * Every built-in by its language name (LANGUAGE.md §4 plus `entry_lww` and `pair`), with the dispatching
 * forms of contains and size. `range(a, b)` is no function: it only feeds `x in range(a, b)`.
 */
export const builtinImplementations: Record<string, (context: BuiltinContext, ...args: any[]) => unknown> = {
  len: (_context, text) => len(text),
  lower: (_context, text) => lower(text),
  upper: (_context, text) => upper(text),
  substr: (_context, text, start, length) => substr(text, start, length),
  contains: (_context, container, item) => contains(container, item),
  matches: (_context, text, pattern) => matches(text, pattern),
  abs: (_context, value) => abs(value),
  min2: (_context, a, b) => min2(a, b),
  max2: (_context, a, b) => max2(a, b),
  pow: (_context, base, exponent) => pow(base, exponent),
  to_string: (_context, value) => toStringValue(value),
  to_int: (_context, value) => toInt(value),
  to_float: (_context, value) => toFloat(value),
  hash: (_context, value) => hash(value),
  me: (context) => me(context),
  size: (_context, value) => size(value),
  entry: (_context, key, value) => entry(key, value),
  at: (_context, map, key, bottom) => at(map, key, bottom),
  keys: (_context, map) => keys(map),
  entry_lww: (_context, timestamp, node, value) => entryLww(timestamp, node, value),
  pair: (_context, first, second) => pair(first, second),
  now: (context) => now(context),
  random: (context) => random(context),
  uuid: (context) => uuid(context),
};
