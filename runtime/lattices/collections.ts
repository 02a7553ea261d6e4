// The lattices built from other values: set<T>, map<K, L> and pair<L1, L2>.
// In: the lattice type and, for map and pair, the operations of the inner lattices (passed in
// by runtime/lattices.ts, so this module never looks types up itself). Out: their LatticeOps.
// A map never stores a bottom value: absent and bottom are the same element of the lattice, and
// keeping them out makes structural equality lattice equality and `size` count real entries.

import type { LatticeType } from "../../compiler/types.ts";
import { DecodeError } from "../errors.ts";
import { decodeBase, describeJson } from "./base-values.ts";
import type { LatticeOps, LiftContext } from "./ops.ts";
import { compareValues, insertAt, MapValue, searchSorted, SetValue, type JsonValue } from "./structures.ts";

/** set<T>: union; the empty set is bottom. A JSON array decodes as the set of its elements. */
export function setOps(type: LatticeType & { kind: "set" }, name: string): LatticeOps<SetValue> {
  const element = type.element;
  const decodeElement = (json: unknown, where: string): unknown => {
    const value = decodeBase(element, json);
    return value instanceof DecodeError ? value.within(where) : value;
  };
  return {
    type,
    name,
    bottom: SetValue.EMPTY,
    merge: (a, b) => a.union(b),
    mergeAll: (values) => {
      if (values.length <= 2) return values.length === 0 ? SetValue.EMPTY : values.reduce((a, b) => a.union(b));
      const all: unknown[] = [];
      for (const value of values) for (const item of value.items) all.push(item);
      return SetValue.from(all);
    },
    leq: (a, b) => a.isSubsetOf(b),
    equals: (a, b) => a === b || (a.size === b.size && a.isSubsetOf(b)),
    lift: (base) => (base instanceof SetValue ? base : new SetValue([base])),
    isBottom: (value) => value.size === 0,
    encode: (value) => value.items.slice() as JsonValue[],
    encodeWire: (value) => value.items.slice() as JsonValue[],
    decode: (json) => {
      if (!Array.isArray(json)) {
        const single = decodeElement(json, `${name} (a single element)`);
        return single instanceof DecodeError ? single : new SetValue([single]);
      }
      const items: unknown[] = new Array(json.length);
      for (let i = 0; i < json.length; i++) {
        const item = decodeElement(json[i], `in element ${i}`);
        if (item instanceof DecodeError) return item;
        items[i] = item;
      }
      return SetValue.from(items);
    },
    compare: compareValues,
  };
}

/** map<K, L>: per-key merge; the empty map is bottom. */
export function mapOps(type: LatticeType & { kind: "map" }, name: string, inner: LatticeOps): LatticeOps<MapValue> {
  const keyType = type.key;

  const merge = (a: MapValue, b: MapValue): MapValue => {
    if (a === b || b.size === 0) return a;
    if (a.size === 0) return b;
    return b.size <= 4 ? mergeFew(a, b) : mergeWalk(a, b);
  };

  // A few entries into a (possibly large) map: probe each; copy only what changes.
  const mergeFew = (a: MapValue, b: MapValue): MapValue => {
    let keys = a.keys;
    let values = a.values as unknown[];
    let ownValues = false; // `values` is a private copy that may be written in place
    for (let j = 0; j < b.size; j++) {
      const key = b.keys[j];
      const at = keys === a.keys ? a.indexOf(key) : searchSorted(keys, key); // -1 or negative: absent
      if (at >= 0) {
        const merged = inner.merge(values[at], b.values[j]);
        if (merged === values[at]) continue;
        if (!ownValues) values = values.slice();
        ownValues = true;
        values[at] = merged;
      } else {
        const position = -searchSorted(keys, key) - 1;
        keys = insertAt(keys, position, key);
        values = insertAt(values, position, b.values[j]);
        ownValues = true;
      }
    }
    return ownValues ? new MapValue(keys, values) : a;
  };

  // Comparable sizes: check allocation-free that b adds something, then one sorted walk.
  const mergeWalk = (a: MapValue, b: MapValue): MapValue => {
    let changed = false;
    for (let j = 0; j < b.size && !changed; j++) {
      const at = a.indexOf(b.keys[j]);
      changed = at < 0 || inner.merge(a.values[at], b.values[j]) !== a.values[at];
    }
    if (!changed) return a;
    const keys: unknown[] = [];
    const values: unknown[] = [];
    let sameAsB = a.size <= b.size;
    let i = 0;
    let j = 0;
    while (i < a.size || j < b.size) {
      const order = i === a.size ? 1 : j === b.size ? -1 : compareValues(a.keys[i], b.keys[j]);
      if (order < 0) {
        keys.push(a.keys[i]);
        values.push(a.values[i++]);
        sameAsB = false;
      } else if (order > 0) {
        keys.push(b.keys[j]);
        values.push(b.values[j++]);
      } else {
        const merged = inner.merge(a.values[i++], b.values[j]);
        if (merged !== b.values[j]) sameAsB = false;
        keys.push(b.keys[j++]);
        values.push(merged);
      }
    }
    return sameAsB ? b : new MapValue(keys, values);
  };

  const leq = (a: MapValue, b: MapValue): boolean => {
    if (a === b) return true;
    if (a.size > b.size) return false;
    for (let i = 0; i < a.size; i++) {
      const at = b.indexOf(a.keys[i]);
      if (at < 0 || !inner.leq(a.values[i], b.values[at])) return false;
    }
    return true;
  };

  const lift = (base: unknown, context?: LiftContext): MapValue => {
    if (base instanceof MapValue) return normalize(base, context);
    if (Array.isArray(base) && base.length === 2) {
      const value = inner.lift(base[1], context);
      return inner.isBottom(value) ? MapValue.EMPTY : new MapValue([base[0]], [value]);
    }
    throw new TypeError(`cannot lift ${describeJson(base)} into ${name}`);
  };

  // Lifts every value into the value lattice and drops bottoms; the same map when nothing changes.
  const normalize = (map: MapValue, context?: LiftContext): MapValue => {
    let keys: unknown[] | undefined;
    let values: unknown[] | undefined;
    for (let i = 0; i < map.size; i++) {
      const value = inner.lift(map.values[i], context);
      const drop = inner.isBottom(value);
      if (keys === undefined && (drop || value !== map.values[i])) {
        keys = map.keys.slice(0, i);
        values = map.values.slice(0, i);
      }
      if (keys !== undefined && !drop) {
        keys.push(map.keys[i]);
        values!.push(value);
      }
    }
    if (keys === undefined) return map;
    return keys.length === 0 ? MapValue.EMPTY : new MapValue(keys, values!);
  };

  const decode = (json: unknown): MapValue | DecodeError => {
    if (!Array.isArray(json)) return new DecodeError(`expected ${name} as an array of [key, value] pairs, got ${describeJson(json)}`);
    const entries: [unknown, unknown][] = [];
    for (let i = 0; i < json.length; i++) {
      const entry: unknown = json[i];
      if (!Array.isArray(entry) || entry.length !== 2) {
        return new DecodeError(`in entry ${i}: expected a [key, value] pair, got ${describeJson(entry)}`);
      }
      const key = decodeBase(keyType, entry[0]);
      if (key instanceof DecodeError) return key.within(`in the key of entry ${i}`);
      const value = inner.decode(entry[1]);
      if (value instanceof DecodeError) return value.within(`in the value of entry ${i}`);
      if (!inner.isBottom(value)) entries.push([key, value]);
    }
    return MapValue.fromEntries(entries, inner.merge);
  };

  return {
    type,
    name,
    bottom: MapValue.EMPTY,
    merge,
    mergeAll: (values) => {
      if (values.length <= 2) return values.length === 0 ? MapValue.EMPTY : values.reduce(merge);
      const entries: [unknown, unknown][] = [];
      for (const value of values) for (let i = 0; i < value.size; i++) entries.push([value.keys[i], value.values[i]]);
      return MapValue.fromEntries(entries, inner.merge);
    },
    leq,
    equals: (a, b) => {
      if (a === b) return true;
      if (a.size !== b.size) return false;
      for (let i = 0; i < a.size; i++) {
        if (compareValues(a.keys[i], b.keys[i]) !== 0 || !inner.equals(a.values[i], b.values[i])) return false;
      }
      return true;
    },
    lift,
    isBottom: (value) => value.size === 0,
    encode: (value) => value.keys.map((key, i) => [key as JsonValue, inner.encode(value.values[i])]),
    encodeWire: (value) => value.keys.map((key, i) => [key as JsonValue, inner.encodeWire(value.values[i])]),
    decode,
    compare: (a, b) => {
      const length = Math.min(a.size, b.size);
      for (let i = 0; i < length; i++) {
        const order = compareValues(a.keys[i], b.keys[i]) || inner.compare(a.values[i], b.values[i]);
        if (order !== 0) return order;
      }
      return a.size - b.size;
    },
  };
}

type PairValue = readonly [unknown, unknown];

/** pair<L1, L2>: the product lattice; it has a bottom only when both sides have one. */
export function pairOps(
  type: LatticeType & { kind: "pair" },
  name: string,
  first: LatticeOps,
  second: LatticeOps,
): LatticeOps<PairValue> {
  const bottom: PairValue | undefined =
    first.bottom !== undefined && second.bottom !== undefined ? Object.freeze([first.bottom, second.bottom] as const) : undefined;
  const merge = (a: PairValue, b: PairValue): PairValue => {
    if (a === b) return a;
    const left = first.merge(a[0], b[0]);
    const right = second.merge(a[1], b[1]);
    if (left === a[0] && right === a[1]) return a;
    if (left === b[0] && right === b[1]) return b;
    return [left, right];
  };
  return {
    type,
    name,
    bottom,
    merge,
    mergeAll: (values) => (values.length === 0 ? bottom : values.reduce(merge)),
    leq: (a, b) => first.leq(a[0], b[0]) && second.leq(a[1], b[1]),
    equals: (a, b) => first.equals(a[0], b[0]) && second.equals(a[1], b[1]),
    lift: (base, context) => {
      if (!Array.isArray(base) || base.length !== 2) throw new TypeError(`cannot lift ${describeJson(base)} into ${name}`);
      const left = first.lift(base[0], context);
      const right = second.lift(base[1], context);
      return left === base[0] && right === base[1] ? (base as unknown as PairValue) : [left, right];
    },
    isBottom: (value) => bottom !== undefined && first.isBottom(value[0]) && second.isBottom(value[1]),
    encode: (value) => [first.encode(value[0]), second.encode(value[1])],
    encodeWire: (value) => [first.encodeWire(value[0]), second.encodeWire(value[1])],
    decode: (json) => {
      if (!Array.isArray(json) || json.length !== 2) return new DecodeError(`expected ${name} as [first, second], got ${describeJson(json)}`);
      const left = first.decode(json[0]);
      if (left instanceof DecodeError) return left.within(`in the first of ${name}`);
      const right = second.decode(json[1]);
      if (right instanceof DecodeError) return right.within(`in the second of ${name}`);
      return [left, right];
    },
    compare: (a, b) => first.compare(a[0], b[0]) || second.compare(a[1], b[1]),
  };
}
