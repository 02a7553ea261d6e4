// Codes: the numbers relations store for plain column values, and the hash over them.
// In: a column's base type and a runtime value (or a code). Out: the code (ints and floats as
// themselves, bools 0/1, strings and addrs by string id, `any` by JSON id) and back again.
// Why numbers: a tuple of codes sits in a typed-array row (Int32Array while every code is a
// small int, see isSmallCode), hashes without allocating and compares with `===`; the
// generated code decodes only where an expression needs the value.
// The hash is a multiplicative step per code and a final avalanche; it is not the `hash`
// built-in (values.ts), which must be stable across runs and machines.

import type { Type } from "../compiler/types.ts";
import type { ValueSpace } from "./interner.ts";

/** How a base type is coded: columns of the same kind share codes (int and float; string and addr). */
export type CodeKind = "number" | "string" | "bool" | "json";

/** A lattice-typed column declared before the `;` is a plain value: coded by its canonical JSON. */
export function codeKindOf(type: Type): CodeKind {
  switch (type.kind) {
    case "int":
    case "float":
      return "number";
    case "string":
    case "addr":
      return "string";
    case "bool":
      return "bool";
    default:
      return "json";
  }
}

export function encodeCode(kind: CodeKind, value: unknown, space: ValueSpace): number {
  switch (kind) {
    case "number":
      return value as number;
    case "string":
      return space.strings.intern(value as string);
    case "bool":
      return value ? 1 : 0;
    case "json":
      return space.json.intern(value);
  }
}

export function decodeCode(kind: CodeKind, code: number, space: ValueSpace): unknown {
  switch (kind) {
    case "number":
      return code;
    case "string":
      return space.strings.values[code];
    case "bool":
      return code === 1;
    case "json":
      return space.json.values[code];
  }
}

/** Where a relation keeps its rows' codes: Int32Array while every code is small, else Float64Array. */
export type CodeArray = Int32Array | Float64Array;

/**
 * Whether a code may live in an Int32Array row and a packed table slot: an int32 other than
 * -2^31 (a packed slot's empty mark) and other than -0 (it would come back as 0). Codes of
 * strings, bools and JSON values always are; numbers almost always.
 */
export function isSmallCode(code: number): boolean {
  return (code | 0) === code && code !== -2147483648 && (code !== 0 || 1 / code > 0);
}

// ---------------------------------------------------------------------------------------------
// Hashing codes

const FLOAT_VIEW = new Float64Array(1);
const INT_VIEW = new Int32Array(FLOAT_VIEW.buffer);

export const HASH_SEED = 0x2545f491;

/** Mixes one code into a running hash: a multiplicative step per code, int32 codes on the fast path. */
export function mixCode(hash: number, code: number): number {
  let k = code | 0;
  if (k !== code) k = wideCode(code);
  return Math.imul(hash ^ k, 0x9e3779b1);
}

/** A code that is no int32 (a float, a large int): fold its 64 bits. */
function wideCode(code: number): number {
  FLOAT_VIEW[0] = code;
  return INT_VIEW[0]! ^ Math.imul(INT_VIEW[1]!, 0x5bd1e995);
}

/** The final avalanche, so nearby keys spread over the whole table (low bits index it). */
export function finishHash(hash: number): number {
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 12;
  hash = Math.imul(hash, 0x297a2d39);
  hash ^= hash >>> 15;
  return hash;
}

/** The hash of one int32 code on its own (mixCode and finishHash, the int32 path only). */
export function hashInt(code: number): number {
  return finishHash(Math.imul(0x2545f491 ^ code, 0x9e3779b1));
}

/** The hash of `columns` of the row starting at `offset` in `data`. */
export function hashColumns(data: CodeArray, offset: number, columns: Int32Array): number {
  let hash = HASH_SEED;
  for (let i = 0; i < columns.length; i++) hash = mixCode(hash, data[offset + columns[i]!]!);
  return finishHash(hash);
}

/** The hash of the first `length` codes of `key`. */
export function hashKey(key: Float64Array, length: number): number {
  let hash = HASH_SEED;
  for (let i = 0; i < length; i++) hash = mixCode(hash, key[i]!);
  return finishHash(hash);
}

/** Grows a typed array to at least `minimum` elements, keeping its contents. */
export function grownInt32(array: Int32Array, minimum: number, fill?: number): Int32Array<ArrayBuffer> {
  let capacity = array.length > 0 ? array.length : 16;
  while (capacity < minimum) capacity *= 2;
  const grown = new Int32Array(capacity);
  grown.set(array);
  if (fill !== undefined && fill !== 0) grown.fill(fill, array.length);
  return grown;
}

/** A copy of `array` in a new array of `length` elements of the same kind (longer or shorter). */
export function resizedCodes(array: CodeArray, length: number): CodeArray {
  const resized = array instanceof Int32Array ? new Int32Array(length) : new Float64Array(length);
  resized.set(array.length <= length ? array : array.subarray(0, length));
  return resized;
}
