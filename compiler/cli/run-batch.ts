// `hydro run prog.hydro --facts DIR --out DIR`: the Soufflé-compatible batch mode.
// In: a loaded node, the facts directory (each input R from DIR/R.facts: tab-separated, no
// header, a missing file is empty) and the output directory. Out: tick 0 with every input,
// then ticks while anything is pending; each output R written to OUT/R.csv, tab-separated and
// sorted, holding the union of its contents over all ticks. A malformed field is an error
// naming the file, line and column (HY5001, exit 2) before any tick runs.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProgramNode } from "../../runtime/program.ts";
import type { CollectionSchema } from "../../runtime/schema.ts";
import { compareTuples, parseFactField, type JsonValue } from "../../runtime/values.ts";
import { latticeOps } from "../../runtime/lattices.ts";
import { isLattice, type Type } from "../types.ts";
import { EXIT_ERRORS, EXIT_FINDINGS, EXIT_OK, type CliIo } from "./io.ts";

export interface BatchOptions {
  readonly factsDirectory: string;
  readonly outDirectory: string;
  /** Stop after this many ticks even if work is pending (a program may never quiesce). */
  readonly maxTicks?: number;
}

export type FactsResult = { ok: true; tuples: JsonValue[][] } | { ok: false; message: string };

/** Reads one `.facts` file into §6 JSON tuples (lattice columns by their encoding). */
export function readFactsFile(path: string, collection: CollectionSchema): FactsResult {
  if (!existsSync(path)) return { ok: true, tuples: [] };
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const tuples: JsonValue[][] = [];
  const arity = collection.columns.length;
  const parsers = collection.columns.map((column) => fieldParser(column.type));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith("\r") ? lines[i]!.slice(0, -1) : lines[i]!;
    if (line === "" && arity !== 0 && !(arity === 1 && isStringColumn(collection))) continue;
    const fields = arity === 0 ? [] : line.split("\t");
    if (fields.length !== arity) {
      return { ok: false, message: `${path}:${i + 1}: expected ${arity} tab-separated field${arity === 1 ? "" : "s"} for ${collection.name}, found ${fields.length}` };
    }
    const tuple: JsonValue[] = new Array(arity);
    for (let c = 0; c < arity; c++) {
      const value = parsers[c]!(fields[c]!);
      if (value instanceof FieldFailure) {
        let column = 1;
        for (let before = 0; before < c; before++) column += fields[before]!.length + 1;
        return { ok: false, message: `${path}:${i + 1}:${column}: ${collection.columns[c]!.name}: ${value.reason}` };
      }
      tuple[c] = value;
    }
    tuples.push(tuple);
  }
  return { ok: true, tuples };
}

class FieldFailure {
  constructor(readonly reason: string) {}
}

type FieldParser = (text: string) => JsonValue | FieldFailure;

/**
 * How one column's fields are read. Plain decimal ints, by far the most common field of a
 * fact file, are read digit by digit (no regular expression, no result object); anything else
 * an int column holds (a sign, spaces, too many digits, garbage) takes the general path, which
 * also words the error.
 */
function fieldParser(type: Type): FieldParser {
  const general = (text: string): JsonValue | FieldFailure => {
    const parsed = parseFactField(type, text);
    if (!parsed.ok) return new FieldFailure(parsed.reason);
    return isLattice(type) ? latticeOps(type).encodeWire(parsed.value) : (parsed.value as JsonValue);
  };
  if (type.kind !== "int") return general;
  return (text) => {
    const length = text.length;
    if (length === 0 || length > 15) return general(text);
    let value = 0;
    for (let i = 0; i < length; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return general(text);
      value = value * 10 + digit;
    }
    return value;
  };
}

function isStringColumn(collection: CollectionSchema): boolean {
  const kind = collection.columns[0]!.type.kind;
  return kind === "string" || kind === "addr";
}

/** A value as a `.csv` field: numbers, strings and booleans as text, anything else as JSON. */
export function formatField(value: JsonValue): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
      return String(value);
    default:
      return JSON.stringify(value);
  }
}

/** A set of texts beyond the 2^24 entries one JS Set holds: a new Set when one is full. */
class TextSet {
  private readonly sets: Set<string>[] = [new Set()];

  /** Adds a text; false when it was there already. */
  add(text: string): boolean {
    for (const set of this.sets) if (set.has(text)) return false;
    let last = this.sets[this.sets.length - 1]!;
    if (last.size >= (1 << 24) - 16) {
      last = new Set();
      this.sets.push(last);
    }
    last.add(text);
    return true;
  }
}

export function runBatch(node: ProgramNode, options: BatchOptions, io: CliIo): number {
  const inputs = node.schema.collections.filter((collection) => collection.kind === "input");
  for (const input of inputs) {
    const facts = readFactsFile(join(options.factsDirectory, `${input.name}.facts`), input);
    if (!facts.ok) {
      io.stderr(`${facts.message}: error HY5001: malformed facts file\n`);
      return EXIT_ERRORS;
    }
    if (facts.tuples.length > 0) node.push(input.name, facts.tuples);
  }

  const outputs = node.schema.collections.filter((collection) => collection.kind === "output");
  const union = new Map<string, { tuples: JsonValue[][]; seen: TextSet | null }>(
    outputs.map((output) => [output.name, { tuples: [], seen: null }]),
  );
  let failures = 0;
  let ticks = 0;
  const limit = options.maxTicks ?? Number.POSITIVE_INFINITY;
  do {
    const result = node.tick();
    ticks++;
    if (result.failed) {
      failures++;
      io.stderr(`${JSON.stringify(result)}\n`);
      continue;
    }
    for (const [name, tuples] of Object.entries(result.outputs as Record<string, JsonValue[][]>)) {
      const entry = union.get(name)!;
      if (entry.tuples.length === 0 && entry.seen === null) {
        entry.tuples.push(...tuples);
        continue;
      }
      // A second tick with output: deduplicate from here on.
      if (entry.seen === null) {
        entry.seen = new TextSet();
        for (const tuple of entry.tuples) entry.seen.add(JSON.stringify(tuple));
      }
      for (const tuple of tuples) if (entry.seen.add(JSON.stringify(tuple))) entry.tuples.push(tuple);
    }
  } while (node.hasPending() && ticks < limit);

  mkdirSync(options.outDirectory, { recursive: true });
  for (const [name, entry] of union) {
    const rows = entry.tuples.sort(compareTuples).map((tuple) => tuple.map(formatField).join("\t"));
    writeFileSync(join(options.outDirectory, `${name}.csv`), rows.length === 0 ? "" : `${rows.join("\n")}\n`);
  }
  if (node.hasPending()) io.stderr(`hydro run: stopped after ${ticks} ticks with work still pending (--max-ticks)\n`);
  return failures > 0 ? EXIT_FINDINGS : EXIT_OK;
}
