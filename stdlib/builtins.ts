// The built-in functions' signatures: how each call is typed, which are nondeterministic, and
// how each behaves under the CALM analysis.
// In: a function name, the types of its arguments, and (for lattice constructors) the type the
// context expects. Out: the call's type or a message; `undefined` when the name is no built-in.
// The implementations live in runtime/builtins.ts; this file is the compile-time half so the
// type checker, the analysis and the emitter agree on one table.
//
// Typing choices the language text leaves open:
// - A lattice argument stands for its plain value wherever a plain value is expected
//   (`len(v)` on an `lww<string>`), as everywhere in expressions.
// - `pow(int, int)` is an int (the runtime truncates toward zero, so a negative exponent gives
//   0 unless the base is 1 or -1); any float operand gives a float.
// - `min2`/`max2` take two numbers (int if both are ints) or two strings.
// - `hash(x)` takes one plain value of any type and gives an int.
// - `contains` is three functions: a substring test on strings, element membership on a
//   `set<T>`, key membership on a `map<K, L>`.
// - `entry(k, v)` builds a one-key map and is typed by the map column it is written into (its
//   value is lifted into the map's value lattice by the checker); `entry_lww(timestamp, node,
//   value)` builds an `lww<T>` register value with an explicit version.
// - `pair(a, b)` builds a `pair<L1, L2>` value and, like `entry`, is typed by the column it is
//   written into: each argument is an L1 (L2) or a value that lifts into it (`pair(n, s)` into
//   `pair<max<int>, set<string>>` from an int and a string). Without an expected pair type
//   there is nothing to lift into, so it is rejected there, as `entry` is outside a map.
// - `range(a, b)` is only the source of a membership `x in range(a, b)`; the checker rejects it
//   elsewhere.

import { ADDR, BOOL, FLOAT, INT, STRING, sameType, type BaseType, type LatticeType, type Type } from "../compiler/types.ts";
import { assignable, describeType, isNumeric, isStringLike, liftable, valueType } from "../compiler/typecheck-values.ts";

/**
 * How a built-in's result moves as its arguments grow, for ANALYSIS.md §1:
 * - "pure": a function of plain values; a lattice argument is read by its current value.
 * - "grows-like-max": `size(s)` of a set or map, a `max<int>` that only grows with s.
 * - "grows-like-bool_or": `contains(s, x)` on a set or map, false until it becomes true.
 * - "lattice-part": `at(m, k)` and `keys(m)`, a lattice that grows with the map.
 * - "constructor": `entry`, `entry_lww`, `pair`: builds a lattice value to merge.
 * - "nondeterministic": `now()`, `random()`, `uuid()`.
 */
export type BuiltinMonotonicity =
  | "pure"
  | "grows-like-max"
  | "grows-like-bool_or"
  | "lattice-part"
  | "constructor"
  | "nondeterministic";

export type BuiltinTyping =
  | { readonly type: Type }
  | {
      readonly error: string;
      /** HY3009: wrong number of arguments; HY3002: an argument of the wrong type. */
      readonly code: "HY3009" | "HY3002";
      /** The offending argument's index, when one is to blame. */
      readonly argument?: number;
    };

interface Builtin {
  /** `substr(s: string, start: int, length: int): string`, for messages and help. */
  readonly signature: string;
  readonly arity: number;
  readonly nondeterministic: boolean;
  readonly type: (args: readonly Type[], expected: Type | undefined) => BuiltinTyping;
}

function ok(type: Type): BuiltinTyping {
  return { type };
}

function wrong(argument: number, wanted: string, found: Type): BuiltinTyping {
  return { error: `expected ${wanted}, found ${describeType(found)}`, code: "HY3002", argument };
}

/** Checks each argument's plain value with a predicate, then gives the result. */
function plain(
  tests: readonly { readonly wanted: string; readonly accepts: (value: BaseType) => boolean }[],
  result: (values: readonly BaseType[]) => Type,
): Builtin["type"] {
  return (args) => {
    const values: BaseType[] = [];
    for (let i = 0; i < tests.length; i++) {
      const value = valueType(args[i]!);
      if (value === null || !tests[i]!.accepts(value)) return wrong(i, tests[i]!.wanted, args[i]!);
      values.push(value);
    }
    return ok(result(values));
  };
}

const aString = { wanted: "a string", accepts: isStringLike };
const anInt = { wanted: "an int", accepts: (value: BaseType) => value.kind === "int" };
const aNumber = { wanted: "a number (int or float)", accepts: isNumeric };
const aPlainValue = { wanted: "a plain value", accepts: () => true };
const aConvertible = {
  wanted: "an int, float, string or any",
  accepts: (value: BaseType) => isNumeric(value) || value.kind === "string" || value.kind === "any",
};

function numericResult(values: readonly BaseType[]): Type {
  return values.every((value) => value.kind === "int") ? INT : FLOAT;
}

const builtins: Readonly<Record<string, Builtin>> = {
  len: { signature: "len(s: string): int", arity: 1, nondeterministic: false, type: plain([aString], () => INT) },
  lower: { signature: "lower(s: string): string", arity: 1, nondeterministic: false, type: plain([aString], () => STRING) },
  upper: { signature: "upper(s: string): string", arity: 1, nondeterministic: false, type: plain([aString], () => STRING) },
  substr: {
    signature: "substr(s: string, start: int, length: int): string",
    arity: 3,
    nondeterministic: false,
    type: plain([aString, anInt, anInt], () => STRING),
  },
  contains: {
    signature: "contains(s: string, sub: string): bool | contains(s: set<T>, x: T): bool | contains(m: map<K, L>, k: K): bool",
    arity: 2,
    nondeterministic: false,
    type: ([container, item]) => {
      if (container!.kind === "set") {
        return assignable(item!, container.element) ? ok(BOOL) : wrong(1, `an element of ${describeType(container)}`, item!);
      }
      if (container!.kind === "map") {
        return assignable(item!, container.key) ? ok(BOOL) : wrong(1, `a key of ${describeType(container)}`, item!);
      }
      return plain([{ wanted: "a string, a set or a map", accepts: isStringLike }, aString], () => BOOL)([container!, item!], undefined);
    },
  },
  matches: {
    signature: "matches(s: string, regex: string): bool",
    arity: 2,
    nondeterministic: false,
    type: plain([aString, aString], () => BOOL),
  },
  abs: { signature: "abs(x: int | float): int | float", arity: 1, nondeterministic: false, type: plain([aNumber], numericResult) },
  min2: { signature: "min2(a, b): the smaller of two numbers or two strings", arity: 2, nondeterministic: false, type: smallerOrLarger },
  max2: { signature: "max2(a, b): the larger of two numbers or two strings", arity: 2, nondeterministic: false, type: smallerOrLarger },
  pow: {
    signature: "pow(base: int | float, exponent: int | float): int | float",
    arity: 2,
    nondeterministic: false,
    type: plain([aNumber, aNumber], numericResult),
  },
  to_string: { signature: "to_string(x): string", arity: 1, nondeterministic: false, type: plain([aPlainValue], () => STRING) },
  to_int: { signature: "to_int(x: int | float | string | any): int", arity: 1, nondeterministic: false, type: plain([aConvertible], () => INT) },
  to_float: {
    signature: "to_float(x: int | float | string | any): float",
    arity: 1,
    nondeterministic: false,
    type: plain([aConvertible], () => FLOAT),
  },
  hash: { signature: "hash(x): int", arity: 1, nondeterministic: false, type: plain([aPlainValue], () => INT) },
  me: { signature: "me(): addr", arity: 0, nondeterministic: false, type: () => ok(ADDR) },
  size: {
    signature: "size(s: set<T> | map<K, L>): int",
    arity: 1,
    nondeterministic: false,
    type: ([collection]) => (collection!.kind === "set" || collection!.kind === "map" ? ok(INT) : wrong(0, "a set or a map", collection!)),
  },
  at: {
    signature: "at(m: map<K, L>, k: K): L",
    arity: 2,
    nondeterministic: false,
    type: ([map, key]) => {
      if (map!.kind !== "map") return wrong(0, "a map", map!);
      return assignable(key!, map.key) ? ok(map.value) : wrong(1, `a key of ${describeType(map)}`, key!);
    },
  },
  keys: {
    signature: "keys(m: map<K, L>): set<K>",
    arity: 1,
    nondeterministic: false,
    type: ([map]) => (map!.kind === "map" ? ok({ kind: "set", element: map.key }) : wrong(0, "a map", map!)),
  },
  range: {
    signature: "range(from: int, to: int): the ints from `from` up to `to` (exclusive)",
    arity: 2,
    nondeterministic: false,
    type: plain([anInt, anInt], () => ({ kind: "set", element: INT })),
  },
  entry: { signature: "entry(k: K, v): map<K, L>", arity: 2, nondeterministic: false, type: typeEntry },
  entry_lww: {
    signature: "entry_lww(timestamp: int, node: addr, value: T): lww<T>",
    arity: 3,
    nondeterministic: false,
    type: typeEntryLww,
  },
  pair: { signature: "pair(a: L1, b: L2): pair<L1, L2>", arity: 2, nondeterministic: false, type: typePair },
  now: { signature: "now(): int", arity: 0, nondeterministic: true, type: () => ok(INT) },
  random: { signature: "random(): float", arity: 0, nondeterministic: true, type: () => ok(FLOAT) },
  uuid: { signature: "uuid(): string", arity: 0, nondeterministic: true, type: () => ok(STRING) },
};

function smallerOrLarger(args: readonly Type[]): BuiltinTyping {
  const [left, right] = args.map(valueType);
  if (left && right && isNumeric(left) && isNumeric(right)) return ok(numericResult([left, right]));
  if (left && right && isStringLike(left) && isStringLike(right)) return ok(STRING);
  if (!left || !(isNumeric(left) || isStringLike(left))) return wrong(0, "a number or a string", args[0]!);
  return wrong(1, left && isNumeric(left) ? "a number" : "a string", args[1]!);
}

/** `entry(k, v)` takes its type from the map it is written into. */
function typeEntry(args: readonly Type[], expected: Type | undefined): BuiltinTyping {
  if (expected === undefined || expected.kind !== "map") {
    return {
      error: "entry(k, v) builds a map value: use it where a map<K, L> column or map value is expected",
      code: "HY3002",
    };
  }
  const [key, value] = args;
  if (!assignable(key!, expected.key)) return wrong(0, `a key of ${describeType(expected)}`, key!);
  if (!sameType(value!, expected.value) && !liftable(value!, expected.value)) {
    return wrong(1, `a ${describeType(expected.value)} or a value that lifts into it`, value!);
  }
  return ok(expected);
}

/** `pair(a, b)` takes its type from the pair it is written into; each side lifts like a column. */
function typePair(args: readonly Type[], expected: Type | undefined): BuiltinTyping {
  if (expected === undefined || expected.kind !== "pair") {
    return {
      error: "pair(a, b) builds a pair value: use it where a pair<L1, L2> column or pair value is expected",
      code: "HY3002",
    };
  }
  const sides = [expected.first, expected.second];
  for (let index = 0; index < 2; index++) {
    const side = sides[index]!;
    if (!sameType(args[index]!, side) && !liftable(args[index]!, side)) {
      return wrong(index, `a ${describeType(side)} or a value that lifts into it`, args[index]!);
    }
  }
  return ok(expected);
}

function typeEntryLww(args: readonly Type[], expected: Type | undefined): BuiltinTyping {
  const [timestamp, node, value] = args;
  const timestampValue = valueType(timestamp!);
  if (timestampValue?.kind !== "int") return wrong(0, "an int timestamp", timestamp!);
  const nodeValue = valueType(node!);
  if (nodeValue === null || !isStringLike(nodeValue)) return wrong(1, "an addr", node!);
  const plainValue = valueType(value!);
  if (plainValue === null) return wrong(2, "a plain value", value!);
  if (expected?.kind === "lww") {
    return assignable(value!, expected.element) ? ok(expected) : wrong(2, describeType(expected.element), value!);
  }
  return ok({ kind: "lww", element: plainValue });
}

/** Every built-in function name, sorted (for "did you mean" and help). */
export const BUILTIN_NAMES: readonly string[] = Object.keys(builtins).sort();

export function isBuiltin(name: string): boolean {
  return Object.hasOwn(builtins, name);
}

export function isNondeterministicBuiltin(name: string): boolean {
  return isBuiltin(name) && builtins[name]!.nondeterministic;
}

export function builtinSignature(name: string): string | undefined {
  return isBuiltin(name) ? builtins[name]!.signature : undefined;
}

export function builtinArity(name: string): number | undefined {
  return isBuiltin(name) ? builtins[name]!.arity : undefined;
}

/**
 * Types a call of a built-in: `undefined` when `name` is not one. `expected` is the type the
 * context wants (a column's type), used by the lattice constructors `entry`, `entry_lww` and `pair`.
 */
export function typeBuiltinCall(name: string, args: readonly Type[], expected?: Type): BuiltinTyping | undefined {
  if (!isBuiltin(name)) return undefined;
  const builtin = builtins[name]!;
  if (args.length !== builtin.arity) {
    const count = (n: number) => `${n} argument${n === 1 ? "" : "s"}`;
    return { error: `${name} takes ${count(builtin.arity)}, found ${count(args.length)}: ${builtin.signature}`, code: "HY3009" };
  }
  return builtin.type(args, expected);
}

/** How a call's result moves as its arguments grow (see BuiltinMonotonicity). */
export function builtinMonotonicity(name: string, args: readonly Type[]): BuiltinMonotonicity | undefined {
  if (!isBuiltin(name)) return undefined;
  if (builtins[name]!.nondeterministic) return "nondeterministic";
  const first = args[0];
  switch (name) {
    case "size":
      return "grows-like-max";
    case "contains":
      return first !== undefined && (first.kind === "set" || first.kind === "map") ? "grows-like-bool_or" : "pure";
    case "at":
    case "keys":
      return "lattice-part";
    case "entry":
    case "entry_lww":
    case "pair":
      return "constructor";
    default:
      return "pure";
  }
}

/** The lattice a built-in's result behaves as, for the threshold rules of ANALYSIS.md §1. */
export function builtinResultOrder(name: string, args: readonly Type[]): LatticeType | undefined {
  switch (builtinMonotonicity(name, args)) {
    case "grows-like-max":
      return { kind: "max", element: INT };
    case "grows-like-bool_or":
      return { kind: "bool_or" };
    default:
      return undefined;
  }
}
