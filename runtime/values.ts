// Runtime values at the edges of a node: ordering, hashing, and the column codecs.
// In: values of any column type (base values and lattice values, see runtime/lattices.ts for
// their representation), typed by compiler/types.ts Types. Out: the total order of LANGUAGE.md
// §6 (re-exported from lattices/structures.ts), a canonical JSON text and a hash that are the
// same on every run and machine, and strict codecs for columns arriving as JSON (stdio, HTTP)
// or as Soufflé-style tab-separated fact fields.
// Decoders return data, never throw: a bad stdin line is reported and the node goes on.

import type { BaseType, LatticeType, Type } from "../compiler/types.ts";
import { DecodeError } from "./errors.ts";
import { latticeOps } from "./lattices.ts";
import { decodeBase, describeJson } from "./lattices/base-values.ts";
import { counterTotal, LwwValue, MapValue, SetValue, type CounterValue, type JsonValue } from "./lattices/structures.ts";

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
export { describeJson } from "./lattices/base-values.ts";

export type DecodeResult<V = unknown> = { ok: true; value: V } | { ok: false; reason: string };

const BASE_KINDS: ReadonlySet<string> = new Set(["int", "float", "string", "bool", "addr", "any"]);

function isLatticeType(type: Type): type is LatticeType {
  return !BASE_KINDS.has(type.kind);
}

// ---------------------------------------------------------------------------------------------
// Column codecs

/** A column value as LANGUAGE.md §6 JSON: base values as themselves, lattices by `encode`. */
export function encodeColumn(type: Type, value: unknown): JsonValue {
  return isLatticeType(type) ? latticeOps(type).encode(value) : (value as JsonValue);
}

/** A tuple as its JSON array. */
export function encodeTuple(types: readonly Type[], tuple: readonly unknown[]): JsonValue[] {
  const out: JsonValue[] = new Array(types.length);
  for (let i = 0; i < types.length; i++) out[i] = encodeColumn(types[i]!, tuple[i]);
  return out;
}

/**
 * A column value from untrusted JSON, strictly: an int must be a safe integer, a float any
 * finite number, a string or addr a string, a bool a boolean, `any` any JSON value. A lattice
 * column takes its §6 encoding (or the lossless wire form); in addition a `set<T>` takes a
 * single non-array element as a one-element set, and a counter takes a total, credited to the
 * node "". Nothing else is lifted: a map must be an array of pairs, an lww a
 * [timestamp, node, value] triple.
 */
export function decodeColumn(type: Type, json: unknown): DecodeResult {
  const value = isLatticeType(type) ? latticeOps(type).decode(json) : decodeBase(type, json);
  return value instanceof DecodeError ? { ok: false, reason: value.reason } : { ok: true, value };
}

/** A tuple from untrusted JSON: an array with one valid value per column. */
export function decodeTuple(types: readonly Type[], json: unknown): DecodeResult<unknown[]> {
  if (!Array.isArray(json)) return { ok: false, reason: `expected a tuple (an array), got ${describeJson(json)}` };
  if (json.length !== types.length) {
    return { ok: false, reason: `expected ${types.length} column${types.length === 1 ? "" : "s"}, got ${json.length}` };
  }
  const tuple: unknown[] = new Array(types.length);
  for (let i = 0; i < types.length; i++) {
    const column = decodeColumn(types[i]!, json[i]);
    if (!column.ok) return { ok: false, reason: `column ${i + 1}: ${column.reason}` };
    tuple[i] = column.value;
  }
  return { ok: true, value: tuple };
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * One field of a tab-separated `.facts` line. Ints and floats in decimal (surrounding blanks
 * ignored), strings and addrs exactly as written, bools `true`/`false`, `any` as JSON text.
 * A lattice field is its JSON encoding; failing that, a max/min/set field is the text of one
 * element, lifted (so `5` fills a `max<int>` and `alice` a `set<string>`).
 */
export function parseFactField(type: Type, text: string): DecodeResult {
  if (!isLatticeType(type)) return parseBaseField(type, text);
  const ops = latticeOps(type);
  let fromJson: unknown = undefined;
  try {
    fromJson = ops.decode(JSON.parse(text));
  } catch {
    fromJson = new DecodeError(`expected ${ops.name} as JSON text, got ${describeJson(text)}`);
  }
  if (!(fromJson instanceof DecodeError)) return { ok: true, value: fromJson };
  if (type.kind === "max" || type.kind === "min" || type.kind === "set") {
    const element = parseBaseField(type.element, text);
    if (element.ok) return { ok: true, value: ops.lift(element.value) };
  }
  return { ok: false, reason: (fromJson as DecodeError).reason };
}

function parseBaseField(type: BaseType, text: string): DecodeResult {
  switch (type.kind) {
    case "string":
    case "addr":
      return { ok: true, value: text };
    case "int": {
      const trimmed = text.trim();
      if (!INTEGER_TEXT.test(trimmed)) return { ok: false, reason: `expected an int, got ${describeJson(text)}` };
      const value = Number(trimmed);
      if (!Number.isSafeInteger(value)) return { ok: false, reason: `int out of the safe range: ${describeJson(text)}` };
      return { ok: true, value: value === 0 ? 0 : value };
    }
    case "float": {
      const trimmed = text.trim();
      const value = Number(trimmed);
      if (!NUMBER_TEXT.test(trimmed) || !Number.isFinite(value)) {
        return { ok: false, reason: `expected a float, got ${describeJson(text)}` };
      }
      return { ok: true, value };
    }
    case "bool": {
      const trimmed = text.trim();
      if (trimmed === "true" || trimmed === "false") return { ok: true, value: trimmed === "true" };
      return { ok: false, reason: `expected a bool (true or false), got ${describeJson(text)}` };
    }
    case "any":
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false, reason: `expected JSON text, got ${describeJson(text)}` };
      }
  }
}

// ---------------------------------------------------------------------------------------------
// Canonical JSON and hashing

/** Where a traversal writes canonical JSON: a text buffer or a running hash. */
interface Sink {
  ascii(text: string): void;
  string(text: string): void;
}

/**
 * Writes the canonical JSON of a runtime value: JSON.stringify's formatting with object keys
 * in code-unit order and lattice structures as their §6 encoding (set → sorted array, map →
 * [key, value] pairs, lww → [timestamp, node, value], counter → total).
 */
function writeCanonical(value: unknown, sink: Sink): void {
  switch (typeof value) {
    case "string":
      sink.string(value);
      return;
    case "number":
      sink.ascii(Number.isFinite(value) ? String(value) : "null");
      return;
    case "boolean":
      sink.ascii(value ? "true" : "false");
      return;
    case "object":
      if (value === null) sink.ascii("null");
      else if (Array.isArray(value)) writeSequence(value, sink);
      else if (value instanceof SetValue) writeSequence(value.items, sink);
      else if (value instanceof MapValue) {
        sink.ascii("[");
        for (let i = 0; i < value.size; i++) {
          sink.ascii(i === 0 ? "[" : ",[");
          writeCanonical(value.keys[i], sink);
          sink.ascii(",");
          writeCanonical(value.values[i], sink);
          sink.ascii("]");
        }
        sink.ascii("]");
      } else if (value instanceof LwwValue) writeSequence([value.timestamp, value.node, value.value], sink);
      else if (value instanceof Map) writeCanonical(counterTotal(value as CounterValue), sink);
      else {
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record).sort();
        sink.ascii("{");
        for (let i = 0; i < keys.length; i++) {
          if (i > 0) sink.ascii(",");
          sink.string(keys[i]!);
          sink.ascii(":");
          writeCanonical(record[keys[i]!], sink);
        }
        sink.ascii("}");
      }
      return;
    default:
      sink.ascii("null");
  }
}

function writeSequence(items: readonly unknown[], sink: Sink): void {
  sink.ascii("[");
  for (let i = 0; i < items.length; i++) {
    if (i > 0) sink.ascii(",");
    writeCanonical(items[i], sink);
  }
  sink.ascii("]");
}

/** The canonical JSON text of a runtime value (used by `to_string` of structured values). */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  writeCanonical(value, {
    ascii: (text) => parts.push(text),
    string: (text) => parts.push(JSON.stringify(text)),
  });
  return parts.join("");
}

/** A runtime value as plain JSON, lattice structures as their §6 encoding (see canonicalJson). */
export function toJson(value: unknown): JsonValue {
  return JSON.parse(canonicalJson(value)) as JsonValue;
}

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
let fnvState = FNV_OFFSET_BASIS;

function feedByte(byte: number): void {
  fnvState = Math.imul(fnvState ^ byte, FNV_PRIME);
}

function feedAscii(text: string): void {
  for (let i = 0; i < text.length; i++) feedByte(text.charCodeAt(i));
}

const HEX = "0123456789abcdef";

function feedEscapedUnit(unit: number): void {
  feedAscii("\\u");
  feedByte(HEX.charCodeAt((unit >> 12) & 15));
  feedByte(HEX.charCodeAt((unit >> 8) & 15));
  feedByte(HEX.charCodeAt((unit >> 4) & 15));
  feedByte(HEX.charCodeAt(unit & 15));
}

/** Feeds the UTF-8 bytes of JSON.stringify(text) without building it. */
function feedJsonString(text: string): void {
  feedByte(0x22);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x20 && unit < 0x80) {
      if (unit === 0x22 || unit === 0x5c) feedByte(0x5c);
      feedByte(unit);
    } else if (unit < 0x20) {
      const short = unit === 8 ? "b" : unit === 9 ? "t" : unit === 10 ? "n" : unit === 12 ? "f" : unit === 13 ? "r" : "";
      if (short === "") feedEscapedUnit(unit);
      else {
        feedByte(0x5c);
        feedByte(short.charCodeAt(0));
      }
    } else if (unit < 0x800) {
      feedByte(0xc0 | (unit >> 6));
      feedByte(0x80 | (unit & 63));
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const point = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
        feedByte(0xf0 | (point >> 18));
        feedByte(0x80 | ((point >> 12) & 63));
        feedByte(0x80 | ((point >> 6) & 63));
        feedByte(0x80 | (point & 63));
        i++;
      } else {
        feedEscapedUnit(unit); // a lone surrogate: JSON.stringify escapes it
      }
    } else {
      feedByte(0xe0 | (unit >> 12));
      feedByte(0x80 | ((unit >> 6) & 63));
      feedByte(0x80 | (unit & 63));
    }
  }
  feedByte(0x22);
}

const HASH_SINK: Sink = { ascii: feedAscii, string: feedJsonString };

/**
 * The `hash` built-in: 32-bit FNV-1a over the UTF-8 bytes of the value's canonical JSON, as a
 * non-negative integer below 2^32. No seed, so it is the same on every run, node and machine;
 * `hash("a")` hashes the three bytes `"a"`, so a string and a number never share a preimage.
 */
export function hashValue(value: unknown): number {
  fnvState = FNV_OFFSET_BASIS;
  writeCanonical(value, HASH_SINK);
  return fnvState >>> 0;
}

/** 32-bit FNV-1a over the UTF-8 bytes of a text (the primitive under hashValue). */
export function fnv1a32(text: string): number {
  const bytes = new TextEncoder().encode(text);
  let state = FNV_OFFSET_BASIS;
  for (const byte of bytes) state = Math.imul(state ^ byte, FNV_PRIME);
  return state >>> 0;
}
