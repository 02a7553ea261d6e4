// Interning: every plain value a relation stores becomes a number ("code"), so tuples live in
// typed arrays and compare with `===` in the inner loops instead of being serialised to strings.
// In: strings and addrs (interned by their text), `any` JSON values and lattice values used as
// binding or group keys (interned by their canonical JSON text). Out: dense ids from 0, and
// back. Ints and floats need no interning (a number is its own code); bools are 0 and 1.
// Why several maps: a JS Map holds at most 2^24 entries, so the table starts a new map when one
// is full (lookups of values interned late check the earlier maps first, then the later ones).

import { canonicalJson } from "./values.ts";

/** Node's Map limit is 2^24 entries; stay a little below it. */
const MAP_CAPACITY = (1 << 24) - 16;

/** Strings (and addrs) to dense ids. */
export class StringInterner {
  /** `values[id]` is the string with that id. Never reorder: codes stored in relations point here. */
  readonly values: string[] = [];
  private readonly maps: Map<string, number>[] = [new Map()];

  intern(text: string): number {
    const maps = this.maps;
    const first = maps[0]!.get(text);
    if (first !== undefined) return first;
    for (let i = 1; i < maps.length; i++) {
      const id = maps[i]!.get(text);
      if (id !== undefined) return id;
    }
    let last = maps[maps.length - 1]!;
    if (last.size >= MAP_CAPACITY) {
      last = new Map();
      maps.push(last);
    }
    const id = this.values.length;
    this.values.push(text);
    last.set(text, id);
    return id;
  }

  /** The id of a string already interned, or -1 (probing a relation for a string nobody stored). */
  lookup(text: string): number {
    for (const map of this.maps) {
      const id = map.get(text);
      if (id !== undefined) return id;
    }
    return -1;
  }

  get size(): number {
    return this.values.length;
  }
}

/**
 * JSON values (`any` columns) and any other structured value, by canonical JSON text: equal
 * values (object keys in any order, sets built in any order) get the same id.
 */
export class JsonInterner {
  readonly values: unknown[] = [];
  private readonly texts = new StringInterner();

  intern(value: unknown): number {
    const text = canonicalJson(value);
    const id = this.texts.intern(text);
    if (id === this.values.length) this.values.push(value);
    return id;
  }

  get size(): number {
    return this.values.length;
  }
}

/** The interners of one node: codes are only meaningful within the node that made them. */
export class ValueSpace {
  readonly strings = new StringInterner();
  readonly json = new JsonInterner();
}
