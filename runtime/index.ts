// The runtime's public surface: what generated modules and embedding programs import.
// In: nothing. Out: the node base class and its types, the data structures generated code
// drives (relations, indexes, aggregations), lattice operations, values and built-ins.
// One barrel so a generated module has a single import to map ("hydrolog/runtime").

export {
  ProgramNode,
  externFailure,
  type NodeOptions,
  type NodeSnapshot,
  type ProgramTypes,
  type SentMessage,
  type TickFailure,
  type TickResult,
  type TickSuccess,
  wireTupleOf,
} from "./program.ts";
export type { ProgramSchema, CollectionSchema, ColumnSchema } from "./schema.ts";
export { Relation } from "./relation.ts";
export { HashIndex } from "./index-table.ts";
export { Aggregation } from "./aggregation.ts";
export { ValueSpace } from "./interner.ts";
export { decodeArrivals } from "./arrivals.ts";
export { latticeOps, type LatticeOps } from "./lattices.ts";
export { TickError } from "./errors.ts";
export {
  compareTuples,
  compareValues,
  counterTotal,
  encodeTuple,
  toJson,
  LwwValue,
  MapValue,
  SetValue,
  type CounterValue,
  type JsonValue,
} from "./values.ts";
export {
  abs,
  at,
  containsKey,
  containsSet,
  containsString,
  entry,
  floatDivide,
  floatModulo,
  hash,
  intDivide,
  intPow,
  keys,
  len,
  lower,
  matches,
  max2,
  min2,
  modulo,
  pow,
  seededContext,
  sizeCounter,
  sizeMap,
  sizeSet,
  stringConcat,
  substr,
  systemContext,
  toFloat,
  toInt,
  toStringValue,
  upper,
  type BuiltinContext,
} from "./builtins.ts";
