// Rows of a relation as runtime values and as JSON, and runtime values staged as codes.
// In: a relation (its columns, codes, lattice values and value space) and a row, or a tuple
// of runtime values in schema column order. Out: the row decoded (plain codes back to values,
// lattice columns as they are, or encoded as LANGUAGE.md §6 JSON), or the tuple staged in the
// relation's `tuple` and `values` for insert().
// Why apart from relation.ts: this is the boundary with the outside (arrivals, outputs,
// error reports, snapshots), never the inner loop, which works on codes only.

import { decodeCode, encodeCode } from "./codes.ts";
import type { Relation } from "./relation.ts";
import type { JsonValue } from "./values.ts";

export function rowValues(relation: Relation, row: number): unknown[] {
  const { columns, plainPositions, latticePositions, width, data, lattice, space } = relation;
  const out = new Array<unknown>(columns.length);
  const offset = row * width;
  for (let i = 0; i < width; i++) out[plainPositions[i]!] = decodeCode(columns[plainPositions[i]!]!.code!, data[offset + i]!, space);
  for (let i = 0; i < lattice.length; i++) out[latticePositions[i]!] = lattice[i]![row];
  return out;
}

export function rowJson(relation: Relation, row: number): JsonValue[] {
  const out = rowValues(relation, row) as JsonValue[];
  for (let i = 0; i < relation.lattice.length; i++) {
    const position = relation.latticePositions[i]!;
    out[position] = relation.latticeOps[i]!.encode(out[position]);
  }
  return out;
}

/** The staged tuple as JSON (for error reports). */
export function stagedJson(relation: Relation): JsonValue[] {
  const { columns, plainPositions, latticePositions, latticeOps, width, tuple, values, space } = relation;
  const out = new Array<JsonValue>(columns.length);
  for (let i = 0; i < width; i++) out[plainPositions[i]!] = decodeCode(columns[plainPositions[i]!]!.code!, tuple[i]!, space) as JsonValue;
  for (let i = 0; i < latticeOps.length; i++) out[latticePositions[i]!] = latticeOps[i]!.encode(values[i]);
  return out;
}

export function stageValues(relation: Relation, tuple: readonly unknown[]): void {
  const { columns, plainPositions, latticePositions, width, space } = relation;
  for (let i = 0; i < width; i++) relation.tuple[i] = encodeCode(columns[plainPositions[i]!]!.code!, tuple[plainPositions[i]!], space);
  for (let i = 0; i < latticePositions.length; i++) relation.values[i] = tuple[latticePositions[i]!];
}
