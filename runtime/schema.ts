// The shape of a program as the runtime needs it: its collections and their columns.
// In: written by the emitter into every generated module as a constant (types as the same
// plain objects as compiler/types.ts, so `latticeOps` and the column codecs take them as is).
// Out: read by the node (runtime/program.ts) to build relations, validate arrivals, encode
// results and take snapshots.
// Why a separate shape: the runtime must not depend on the compiler's IR, only on its types, so
// a generated module carries everything it needs in plain data.

import type { CollectionKind } from "../compiler/ast.ts";
import type { LatticeType, Type } from "../compiler/types.ts";
import { codeKindOf, type CodeKind } from "./codes.ts";
import { latticeOps } from "./lattices.ts";
import type { RelationColumn } from "./relation.ts";

export type { CollectionKind };

export interface ColumnSchema {
  readonly name: string;
  readonly type: Type;
  /** Declared after `;`: merged, never conflicting. */
  readonly lattice: boolean;
}

export interface CollectionSchema {
  readonly name: string;
  readonly kind: CollectionKind;
  readonly columns: readonly ColumnSchema[];
  /** Declared key columns; null when the whole tuple (or all plain columns) is the key. */
  readonly key: readonly number[] | null;
  /** The `@` column of a channel. */
  readonly addressColumn: number | null;
  /** A periodic's period in milliseconds. */
  readonly periodMs: number | null;
  /** `lattice total: max<int>;`: one value, shown as one tuple. */
  readonly scalar: boolean;
}

export interface ProgramSchema {
  readonly moduleName: string;
  readonly collections: readonly CollectionSchema[];
}

/** Kinds whose contents live for one tick only. */
export function isPerTick(kind: CollectionKind): boolean {
  return kind !== "table" && kind !== "lattice";
}

/** Kinds that receive arrivals from outside the node. */
export function isArrivalKind(kind: CollectionKind): boolean {
  return kind === "input" || kind === "channel" || kind === "periodic";
}

export function relationColumns(schema: CollectionSchema): RelationColumn[] {
  return schema.columns.map((column) => ({
    name: column.name,
    code: column.lattice ? null : codeKindOf(column.type),
    lattice: column.lattice ? latticeOps(column.type as LatticeType) : null,
  }));
}

export function columnCodeKind(column: ColumnSchema): CodeKind | null {
  return column.lattice ? null : codeKindOf(column.type);
}
