// How types relate: which value a lattice shows in an expression, what may be written where,
// what may be compared with what, and which base values lift into which lattices.
// In: semantic types (compiler/types.ts). Out: yes/no answers used by the type checker and the
// built-in signatures (stdlib/builtins.ts), so both apply the same rules.
// The rules are deliberately lenient where the runtime representation is the same: `int` widens
// to `float` (both are JS numbers), and `string` and `addr` are interchangeable (both are JS
// strings; LANGUAGE.md only promises that a string literal is accepted as an addr, but a
// variable bound from a string column is just as good a node name).

import { BOOL, INT, isLattice, sameType, typeToString, type BaseType, type LatticeType, type Type } from "./types.ts";

/**
 * The plain value a type shows in an expression: a base type is itself, `max<T>`/`min<T>`/
 * `lww<T>` show a T, `bool_or`/`bool_and` a bool, `counter` an int. Sets, maps and pairs have
 * no plain value (they are used through `size`, `contains`, `at`, `keys`, `x in s`, `==`).
 */
export function valueType(type: Type): BaseType | null {
  switch (type.kind) {
    case "max":
    case "min":
    case "lww":
      return type.element;
    case "bool_or":
    case "bool_and":
      return BOOL;
    case "counter":
      return INT;
    case "set":
    case "map":
    case "pair":
      return null;
    default:
      return type;
  }
}

export function isNumeric(type: BaseType): boolean {
  return type.kind === "int" || type.kind === "float";
}

export function isStringLike(type: BaseType): boolean {
  return type.kind === "string" || type.kind === "addr";
}

/** A plain value of type `from` may stand where a plain `to` is expected. */
function baseAssignable(from: BaseType, to: BaseType): boolean {
  if (from.kind === to.kind || to.kind === "any") return true;
  if (from.kind === "int" && to.kind === "float") return true;
  return isStringLike(from) && isStringLike(to);
}

/**
 * A value of type `from` may be written where `to` is expected, as is (no lift): into a base
 * type, by its plain value (or anything at all into `any`, which holds JSON); into a lattice,
 * only the same lattice.
 */
export function assignable(from: Type, to: Type): boolean {
  if (isLattice(to)) return sameType(from, to);
  if (to.kind === "any") return true;
  const value = valueType(from);
  return value !== null && baseAssignable(value, to);
}

/**
 * A value of type `from` becomes a `to` lattice by a `lift`: a set takes an element, max/min a
 * value, bool_or/bool_and a bool, a counter an int amount. Maps are written with `entry(k, v)`
 * and lww registers with `entry_lww(timestamp, node, value)`, so they never lift implicitly;
 * pairs only take pair values.
 */
export function liftable(from: Type, to: LatticeType): boolean {
  const value = valueType(from);
  if (value === null) return false;
  switch (to.kind) {
    case "set":
    case "max":
    case "min":
      return baseAssignable(value, to.element);
    case "bool_or":
    case "bool_and":
      return value.kind === "bool";
    case "counter":
      return value.kind === "int";
    default:
      return false;
  }
}

/** `==` and `!=`: equal lattices compare whole; otherwise their plain values must agree. */
export function equalityComparable(a: Type, b: Type): boolean {
  if (isLattice(a) && isLattice(b) && sameType(a, b)) return true;
  const left = valueType(a);
  const right = valueType(b);
  if (left === null || right === null) return false;
  if (left.kind === "any" || right.kind === "any") return true;
  if (isNumeric(left) && isNumeric(right)) return true;
  if (isStringLike(left) && isStringLike(right)) return true;
  return left.kind === right.kind;
}

/** `<`, `<=`, `>`, `>=`: numbers with numbers, strings (and addrs) with strings. */
export function orderComparable(a: Type, b: Type): boolean {
  const left = valueType(a);
  const right = valueType(b);
  if (left === null || right === null) return false;
  return (isNumeric(left) && isNumeric(right)) || (isStringLike(left) && isStringLike(right));
}

/** "int", or "max<int> (an int)" when a lattice stands for its value, for messages. */
export function describeType(type: Type): string {
  const value = valueType(type);
  if (isLattice(type) && value !== null) return `${typeToString(type)} (a ${value.kind} value)`;
  return typeToString(type);
}
