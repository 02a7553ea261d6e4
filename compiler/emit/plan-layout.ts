// Small pure helpers of the plan emitter: where a column lives in a relation's storage, how
// generated locals are named, and facts about IR expressions and aggregates.
// In: IR collections, expressions and aggregates. Out: positions, names and booleans; no code
// is written here, so operators.ts reads as the walk over a plan and nothing else.

import type { IrAggregate, IrCollection, IrExpression, SinkKind } from "../ir.ts";
import { isLattice, type Type } from "../types.ts";
import { valueType } from "../typecheck-values.ts";
import { camelCase } from "./writer.ts";
import { variablesOf } from "../ir-expressions.ts";
export { variablesOf };

export interface ColumnLayout {
  /** For each schema column: its index among plain columns, or -1. */
  readonly plainIndex: readonly number[];
  /** For each schema column: its index among lattice columns, or -1. */
  readonly latticeIndex: readonly number[];
  readonly width: number;
}

export function columnLayout(collection: IrCollection): ColumnLayout {
  let plain = 0;
  let lattice = 0;
  const plainIndex: number[] = [];
  const latticeIndex: number[] = [];
  for (const column of collection.columns) {
    plainIndex.push(column.lattice ? -1 : plain++);
    latticeIndex.push(column.lattice ? lattice++ : -1);
  }
  return { plainIndex, latticeIndex, width: plain };
}

export function aggregateKind(aggregate: IrAggregate): "count" | "countDistinct" | "sum" | "min" | "max" | "choose" | "avg" | "collect" {
  if (aggregate.function === "count") return aggregate.argument === null ? "count" : "countDistinct";
  return aggregate.function;
}

/** A group expression's stored type: its own (a lattice group value is kept whole). */
export function plainTypeOf(type: Type): Type {
  return isLattice(type) && valueType(type) !== null && type.kind !== "lww" && type.kind !== "counter" ? valueType(type)! : type;
}

/** `data[…]` position of plain column `index` of `row` in rows of `width` codes. */
export function cell(row: string, width: number, index: number): string {
  if (width === 1) return row;
  return index === 0 ? `${row} * ${width}` : `${row} * ${width} + ${index}`;
}

export function wrap(code: string): string {
  return /^[\w.$]+$/.test(code) || (code.startsWith("(") && code.endsWith(")")) ? code : `(${code})`;
}

/** `d.pipe_in` → `pipeIn`: locals name a collection without its module alias. */
export function localBase(name: string): string {
  return camelCase(name.replace(/^.*\./, ""));
}

export function indexLocalName(collection: IrCollection, positions: readonly number[]): string {
  const base = localBase(collection.name);
  return `${base}By${positions.map((position) => capitalize(collection.columns[position]!.name)).join("")}`;
}

export function sinkLocalName(kind: SinkKind, name: string): string {
  const base = localBase(name);
  switch (kind) {
    case "merge":
      return base;
    case "defer":
      return `${base}Inserts`;
    case "delete":
      return `${base}Deletes`;
    case "upsert":
      return `${base}Upserts`;
    case "send":
      return `${base}Outbox`;
  }
}

export function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}

export function sameExpression(a: IrExpression, b: IrExpression): boolean {
  const strip = (key: string, value: unknown) => (key === "span" ? undefined : value);
  return JSON.stringify(a, strip) === JSON.stringify(b, strip);
}
