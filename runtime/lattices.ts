// Lattice operations by type: the one entry point the runtime and generated code use.
// In: a LatticeType from compiler/types.ts. Out: its LatticeOps (bottom, merge, order, lift,
// JSON codec, sort order), built once per type spelling and cached, so generated code can keep
// `const OPS_n = latticeOps(type)` at module level and call straight into specialised closures.
// Representation of lattice values (what merge takes and returns; never mutated):
//   max<T>, min<T>      the T value itself (a number, string, boolean or JSON value)
//   bool_or, bool_and   a boolean
//   set<T>              a SetValue (sorted distinct items + lazy membership index)
//   map<K, L>           a MapValue (sorted distinct keys, parallel L values, no bottom values)
//   pair<L1, L2>        a readonly 2-element array
//   lww<T>              an LwwValue {timestamp, node, value}
//   counter             a ReadonlyMap<string, number> of positive per-node counts
// The implementations live in lattices/scalar.ts and lattices/collections.ts.

import type { LatticeType } from "../compiler/types.ts";
import { mapOps, pairOps, setOps } from "./lattices/collections.ts";
import type { LatticeOps } from "./lattices/ops.ts";
import { booleanOps, counterOps, extremumOps, lwwOps } from "./lattices/scalar.ts";

export type { LatticeOps, LiftContext } from "./lattices/ops.ts";
export {
  compareTuples,
  compareValues,
  counterTotal,
  LwwValue,
  MapValue,
  SetValue,
  type CounterValue,
  type JsonValue,
} from "./lattices/structures.ts";

const cache = new Map<string, LatticeOps>();

/** The operations of a lattice type, cached per spelling (`map<string, max<int>>`). */
export function latticeOps(type: LatticeType): LatticeOps {
  const name = latticeTypeName(type);
  let ops = cache.get(name);
  if (ops === undefined) {
    ops = build(type, name);
    cache.set(name, ops);
  }
  return ops;
}

function build(type: LatticeType, name: string): LatticeOps {
  switch (type.kind) {
    case "max":
    case "min":
      return extremumOps(type, name);
    case "bool_or":
    case "bool_and":
      return booleanOps(type, name);
    case "lww":
      return lwwOps(type, name);
    case "counter":
      return counterOps(type, name);
    case "set":
      return setOps(type, name);
    case "map":
      return mapOps(type, name, latticeOps(type.value));
    case "pair":
      return pairOps(type, name, latticeOps(type.first), latticeOps(type.second));
  }
}

/**
 * The source spelling of a lattice type; the same text as compiler/types.ts `typeToString`,
 * repeated here because the runtime may only import types from the compiler.
 */
export function latticeTypeName(type: LatticeType): string {
  switch (type.kind) {
    case "max":
    case "min":
    case "set":
    case "lww":
      return `${type.kind}<${type.element.kind}>`;
    case "map":
      return `map<${type.key.kind}, ${latticeTypeName(type.value)}>`;
    case "pair":
      return `pair<${latticeTypeName(type.first)}, ${latticeTypeName(type.second)}>`;
    default:
      return type.kind;
  }
}
