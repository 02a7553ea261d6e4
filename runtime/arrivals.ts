// Arrivals from outside a node, checked strictly before they may touch it.
// In: a JSON object `{"put": [["c1", "k", "v", 1]], …}` (a stdio line, an HTTP body, a network
// batch) or one collection's tuples, and the program's schema. Out: runtime-valued tuples per
// collection, or one message saying what is wrong (unknown collection, not an input, channel or
// periodic, wrong arity, wrong type), naming the collection, tuple and column.
// Why data and not exceptions: a bad line is expected input; the caller reports it and goes on.

import type { Type } from "../compiler/types.ts";
import { isArrivalKind, type CollectionSchema, type ProgramSchema } from "./schema.ts";
import { decodeTuple, describeJson } from "./values.ts";

export type Arrivals = ReadonlyMap<string, readonly unknown[][]>;

export type ArrivalsResult = { readonly ok: true; readonly arrivals: Arrivals } | { readonly ok: false; readonly message: string };

export function columnTypes(collection: CollectionSchema): Type[] {
  return collection.columns.map((column) => column.type);
}

/** Checks one collection's tuples (a JSON array of arrays). */
export function decodeCollectionArrivals(collection: CollectionSchema, json: unknown): { ok: true; tuples: unknown[][] } | { ok: false; message: string } {
  if (!isArrivalKind(collection.kind)) {
    const article = collection.kind === "input" || collection.kind === "output" ? "an" : "a";
    return { ok: false, message: `${collection.name} is ${article} ${collection.kind}: only inputs, channels and periodics take arrivals` };
  }
  if (!Array.isArray(json)) return { ok: false, message: `${collection.name}: expected an array of tuples, got ${describeJson(json)}` };
  const types = columnTypes(collection);
  const tuples: unknown[][] = [];
  for (let i = 0; i < json.length; i++) {
    const tuple = decodeTuple(types, json[i]);
    if (!tuple.ok) return { ok: false, message: `${collection.name}, tuple ${i + 1}: ${tuple.reason}` };
    tuples.push(tuple.value);
  }
  return { ok: true, tuples };
}

/** Checks a whole arrivals object. */
export function decodeArrivals(schema: ProgramSchema, json: unknown): ArrivalsResult {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, message: `expected a JSON object of arrivals like {"input": [[...], ...]}, got ${describeJson(json)}` };
  }
  const byName = new Map(schema.collections.map((collection) => [collection.name, collection]));
  const arrivals = new Map<string, unknown[][]>();
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    const collection = byName.get(name);
    if (collection === undefined) return { ok: false, message: `unknown collection ${JSON.stringify(name)}` };
    const decoded = decodeCollectionArrivals(collection, value);
    if (!decoded.ok) return decoded;
    arrivals.set(name, decoded.tuples);
  }
  return { ok: true, arrivals };
}
