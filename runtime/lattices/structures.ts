// The immutable structures behind lattice values, and the one total order over runtime values.
// In: plain values (numbers, strings, booleans, JSON) and the lattice structures built from them.
// Out: SetValue, MapValue and LwwValue, the counter representation, and compareValues, the order
// of LANGUAGE.md §6 that sorts every output and keeps set elements and map keys in order.
// The order and the structures live in one module because each needs the other: a set keeps its
// elements sorted by compareValues, and compareValues orders a set as the sorted array it encodes
// to. Everything above (lattice operations, column codecs, built-ins) imports from here, never
// the other way round, so the module graph has no cycle.
// Hot paths (compareValues on primitives, set membership, union when nothing is new) allocate
// nothing: generated code calls them in its inner loops.

/** A JSON value: what `any` columns hold and what every encoder produces. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A grow-only counter: the count each node has contributed (entries are positive). */
export type CounterValue = ReadonlyMap<string, number>;

/** The value of a counter: the sum of its per-node counts. */
export function counterTotal(counter: CounterValue): number {
  let total = 0;
  for (const count of counter.values()) total += count;
  return total;
}

/** Lookups by binary search before a set or map builds its hash index (see SetValue.has). */
const INDEX_AFTER_PROBES = 16;

/**
 * A `set<T>` value: distinct elements sorted by compareValues. Membership of a primitive goes
 * through a JS Set built once the set has been probed a few times (sets never change, so it never
 * goes stale; until then a binary search); membership
 * of a JSON array or object (only in `set<any>`) is a binary search, since JS sets compare
 * objects by reference.
 */
export class SetValue<T = unknown> implements Iterable<T> {
  static readonly EMPTY: SetValue<never> = new SetValue<never>([]);

  /** Distinct, in compareValues order. Never mutate. */
  readonly items: readonly T[];
  private index: Set<unknown> | undefined = undefined;
  private probes = 0;

  /** Trusted: `items` must already be sorted by compareValues and distinct (see `from`). */
  constructor(items: readonly T[]) {
    this.items = items;
  }

  static from<T>(elements: Iterable<T>): SetValue<T> {
    const items = sortUnique(Array.from(elements));
    return items.length === 0 ? (SetValue.EMPTY as SetValue<T>) : new SetValue(items);
  }

  static of<T>(...elements: T[]): SetValue<T> {
    return SetValue.from(elements);
  }

  get size(): number {
    return this.items.length;
  }

  has(element: unknown): boolean {
    const items = this.items;
    if (typeof element === "object" && element !== null) return searchSorted(items, element) >= 0;
    if (items.length <= 8) {
      for (let i = 0; i < items.length; i++) if (items[i] === element) return true;
      return false;
    }
    const index = this.index;
    if (index !== undefined) return index.has(element);
    // Build the hash index only for a set that is probed often: a set made by adding one
    // element to another is usually probed once or twice before it is replaced in turn.
    if (++this.probes < INDEX_AFTER_PROBES) return searchSorted(items, element) >= 0;
    this.index = new Set(items);
    return this.index.has(element);
  }

  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]();
  }

  /** This set with one more element; this very set when it already holds it. */
  with(element: T): SetValue<T> {
    const at = searchSorted(this.items, element);
    return at >= 0 ? this : new SetValue(insertAt(this.items, -at - 1, element));
  }

  /**
   * The union. Returns `this` when `other` adds nothing and `other` when `this` adds nothing,
   * so callers detect change by reference; the check allocates nothing.
   */
  union(other: SetValue<T>): SetValue<T> {
    if (other === this) return this;
    const a = this.items;
    const b = other.items;
    if (b.length === 0) return this;
    if (a.length === 0) return other;
    let missing = 0;
    if (b.length <= 4 || b.length * 16 < a.length) {
      for (let i = 0; i < b.length; i++) if (!this.has(b[i])) missing++;
    } else {
      missing = countMissing(a, b);
    }
    if (missing === 0) return this;
    if (a.length + missing === b.length) return other;
    if (missing === 1) {
      // One new element (the common `s <= x` case): a copy with one insertion, no compare walk.
      for (let i = 0; i < b.length; i++) {
        const at = searchSorted(a, b[i]);
        if (at < 0) return new SetValue(insertAt(a, -at - 1, b[i]!));
      }
    }
    return new SetValue(mergeSorted(a, b, a.length + missing));
  }

  isSubsetOf(other: SetValue<T>): boolean {
    const a = this.items;
    if (a.length > other.items.length) return false;
    if (a.length <= 4 || a.length * 16 < other.items.length) {
      for (let i = 0; i < a.length; i++) if (!other.has(a[i])) return false;
      return true;
    }
    return countMissing(other.items, a) === 0;
  }
}

/**
 * A `map<K, L>` value: distinct keys sorted by compareValues, with their lattice values in a
 * parallel array. Lookups of primitive keys go through a JS Map built once the map has been probed
 * a few times (a binary search until then).
 * The map lattice never stores a bottom value (a key mapped to bottom is the same as absent),
 * so structural equality is lattice equality; `MapValue`s built by hand (`entry`) are
 * normalised by the lattice's `lift`.
 */
export class MapValue<K = unknown, V = unknown> implements Iterable<[K, V]> {
  static readonly EMPTY: MapValue<never, never> = new MapValue<never, never>([], []);

  /** Distinct, in compareValues order. Never mutate. */
  readonly keys: readonly K[];
  /** `values[i]` is the value at `keys[i]`. Never mutate. */
  readonly values: readonly V[];
  private index: Map<unknown, number> | undefined = undefined;
  private probes = 0;

  /** Trusted: `keys` sorted by compareValues and distinct, `values` parallel to it. */
  constructor(keys: readonly K[], values: readonly V[]) {
    this.keys = keys;
    this.values = values;
  }

  /** Builds from entries in any order; `combine` resolves a repeated key (default: the later). */
  static fromEntries<K, V>(entries: Iterable<readonly [K, V]>, combine?: (a: V, b: V) => V): MapValue<K, V> {
    const sorted = Array.from(entries).sort((x, y) => compareValues(x[0], y[0]));
    const keys: K[] = [];
    const values: V[] = [];
    for (const [key, value] of sorted) {
      const last = keys.length - 1;
      if (last >= 0 && compareValues(keys[last], key) === 0) {
        values[last] = combine ? combine(values[last]!, value) : value;
      } else {
        keys.push(key);
        values.push(value);
      }
    }
    return keys.length === 0 ? (MapValue.EMPTY as MapValue<K, V>) : new MapValue(keys, values);
  }

  get size(): number {
    return this.keys.length;
  }

  /** The position of `key` in `keys`, or -1. */
  indexOf(key: unknown): number {
    const keys = this.keys;
    if (typeof key === "object" && key !== null) {
      const at = searchSorted(keys, key);
      return at >= 0 ? at : -1;
    }
    if (keys.length <= 8) {
      for (let i = 0; i < keys.length; i++) if (keys[i] === key) return i;
      return -1;
    }
    let index = this.index;
    if (index === undefined) {
      if (++this.probes < INDEX_AFTER_PROBES) {
        const at = searchSorted(keys, key);
        return at >= 0 ? at : -1;
      }
      index = new Map();
      for (let i = 0; i < keys.length; i++) index.set(keys[i], i);
      this.index = index;
    }
    return index.get(key) ?? -1;
  }

  get(key: unknown): V | undefined {
    const at = this.indexOf(key);
    return at < 0 ? undefined : this.values[at];
  }

  has(key: unknown): boolean {
    return this.indexOf(key) >= 0;
  }

  *[Symbol.iterator](): Iterator<[K, V]> {
    for (let i = 0; i < this.keys.length; i++) yield [this.keys[i]!, this.values[i]!];
  }
}

/** An `lww<T>` value: the write with the highest (timestamp, node) wins. */
export class LwwValue<T = unknown> {
  constructor(
    readonly timestamp: number,
    readonly node: string,
    readonly value: T,
  ) {}
}

// ---------------------------------------------------------------------------------------------
// The total order

/**
 * The total order of LANGUAGE.md §6 over every runtime value: `false` before `true`, numbers
 * numerically, strings by UTF-16 code unit (never localeCompare), arrays element by element
 * with the shorter first on a tie, plain objects as their entries in sorted key order. Across
 * kinds: null < boolean < number < string < array < object. Lattice structures order as the
 * JSON they encode to: a set as its sorted array, a map as its array of [key, value] pairs, an
 * lww as [timestamp, node, value], a counter as its total (a number).
 */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const typeA = typeof a;
  if (typeA === typeof b) {
    if (typeA === "number") return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    if (typeA === "string") return (a as string) < (b as string) ? -1 : 1;
    if (typeA === "boolean") return a ? 1 : -1;
  }
  return compareStructured(a, b);
}

/** Tuples (arrays of column values) in column order; a shorter tuple first on a tie. */
export function compareTuples(a: readonly unknown[], b: readonly unknown[]): number {
  const length = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < length; i++) {
    const order = compareValues(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

const RANK_UNDEFINED = -1;
const RANK_NULL = 0;
const RANK_BOOLEAN = 1;
const RANK_NUMBER = 2;
const RANK_STRING = 3;
const RANK_SEQUENCE = 4;
const RANK_OBJECT = 5;

function rank(value: unknown): number {
  switch (typeof value) {
    case "boolean":
      return RANK_BOOLEAN;
    case "number":
      return RANK_NUMBER;
    case "string":
      return RANK_STRING;
    case "undefined":
      return RANK_UNDEFINED;
    case "object":
      if (value === null) return RANK_NULL;
      if (Array.isArray(value) || value instanceof SetValue || value instanceof MapValue || value instanceof LwwValue) {
        return RANK_SEQUENCE;
      }
      if (value instanceof Map) return RANK_NUMBER;
      return RANK_OBJECT;
    default:
      return RANK_OBJECT + 1;
  }
}

function compareStructured(a: unknown, b: unknown): number {
  const rankA = rank(a);
  const rankB = rank(b);
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  switch (rankA) {
    case RANK_NUMBER:
      return compareValues(asNumber(a), asNumber(b));
    case RANK_SEQUENCE:
      return compareSequences(a, b);
    case RANK_OBJECT:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
    default:
      return 0;
  }
}

function asNumber(value: unknown): number {
  return typeof value === "number" ? value : counterTotal(value as CounterValue);
}

function compareArrays(a: readonly unknown[], b: readonly unknown[]): number {
  return compareTuples(a, b);
}

function compareSequences(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) return compareArrays(a, b);
  if (a instanceof SetValue && b instanceof SetValue) return compareArrays(a.items, b.items);
  if (a instanceof MapValue && b instanceof MapValue) {
    const length = a.size < b.size ? a.size : b.size;
    for (let i = 0; i < length; i++) {
      const order = compareValues(a.keys[i], b.keys[i]) || compareValues(a.values[i], b.values[i]);
      if (order !== 0) return order;
    }
    return a.size - b.size;
  }
  if (a instanceof LwwValue && b instanceof LwwValue) {
    return compareValues(a.timestamp, b.timestamp) || compareValues(a.node, b.node) || compareValues(a.value, b.value);
  }
  return compareArrays(asSequence(a), asSequence(b));
}

/** A sequence-like value as the array it encodes to (only for the rare mixed comparisons). */
function asSequence(value: unknown): readonly unknown[] {
  if (value instanceof SetValue) return value.items;
  if (value instanceof MapValue) return value.keys.map((key, i) => [key, value.values[i]]);
  if (value instanceof LwwValue) return [value.timestamp, value.node, value.value];
  return value as readonly unknown[];
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const keysA = Object.keys(a).sort();
  const keysB = Object.keys(b).sort();
  const length = keysA.length < keysB.length ? keysA.length : keysB.length;
  for (let i = 0; i < length; i++) {
    const keyA = keysA[i]!;
    const keyB = keysB[i]!;
    const order = compareValues(keyA, keyB) || compareValues(a[keyA], b[keyB]);
    if (order !== 0) return order;
  }
  return keysA.length - keysB.length;
}

// ---------------------------------------------------------------------------------------------
// Sorted arrays

/** The index of `value` in sorted `items`, or `-(insertion point) - 1` when absent. */
export function searchSorted(items: readonly unknown[], value: unknown): number {
  let low = 0;
  let high = items.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = compareValues(items[middle], value);
    if (order < 0) low = middle + 1;
    else if (order > 0) high = middle - 1;
    else return middle;
  }
  return -low - 1;
}

/** Sorts in place by compareValues and drops repeats; returns the same array. */
export function sortUnique<T>(elements: T[]): T[] {
  if (elements.length < 2) return elements;
  let allNumbers = true;
  let allStrings = true;
  for (const element of elements) {
    if (typeof element !== "number") allNumbers = false;
    if (typeof element !== "string") allStrings = false;
  }
  if (allNumbers) (elements as number[]).sort((x, y) => x - y);
  else if (allStrings) elements.sort(); // the default sort orders strings by UTF-16 code unit
  else elements.sort(compareValues);
  let kept = 1;
  for (let i = 1; i < elements.length; i++) {
    if (compareValues(elements[kept - 1], elements[i]) !== 0) elements[kept++] = elements[i]!;
  }
  elements.length = kept;
  return elements;
}

/**
 * A copy of `items` with `value` inserted at `position`. An explicit loop: it is about twice as
 * fast as slice + splice in V8, and persistent values make this copy the cost of every insert.
 */
export function insertAt<T>(items: readonly T[], position: number, value: T): T[] {
  const length = items.length;
  const out = new Array<T>(length + 1);
  for (let i = 0; i < position; i++) out[i] = items[i]!;
  out[position] = value;
  for (let i = position; i < length; i++) out[i + 1] = items[i]!;
  return out;
}

/** How many elements of sorted `b` are not in sorted `a` (a linear walk). */
function countMissing(a: readonly unknown[], b: readonly unknown[]): number {
  let i = 0;
  let j = 0;
  let missing = 0;
  while (j < b.length) {
    if (i === a.length) return missing + (b.length - j);
    const order = compareValues(a[i], b[j]);
    if (order < 0) i++;
    else if (order > 0) {
      missing++;
      j++;
    } else {
      i++;
      j++;
    }
  }
  return missing;
}

/** The sorted union of two sorted, distinct arrays, of known size. */
function mergeSorted<T>(a: readonly T[], b: readonly T[], size: number): T[] {
  const out = new Array<T>(size);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const order = compareValues(a[i], b[j]);
    if (order < 0) out[k++] = a[i++]!;
    else if (order > 0) out[k++] = b[j++]!;
    else {
      out[k++] = a[i++]!;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
