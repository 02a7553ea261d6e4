// The storage layouts of a relation against a reference model: rows as Int32Array codes until
// a code is not small (a float, a large int, -0, -2^31), packed unique tables of one to four
// columns with and without a row lookup, the general table (wider rows, a declared key), and
// indexes keyed by the code itself or by a hash. Random inserts, finds, deletes and rollbacks
// must leave the same tuples, and every index must find exactly the rows holding its key.
// Also the semi-naive delta of a relation without lattice columns: a range of appended rows.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValueSpace } from "../runtime/interner.ts";
import { Relation, type RelationColumn } from "../runtime/relation.ts";
import { latticeOps } from "../runtime/lattices.ts";
import { TickError } from "../runtime/errors.ts";

const INT_COLUMN = (name: string): RelationColumn => ({ name, code: "number", lattice: null });

/** A model key: -0 and 0 are one value, as `===` says. */
function keyOf(tuple: readonly number[]): string {
  return JSON.stringify(tuple.map((code) => (code === 0 ? 0 : code)));
}

function contents(relation: Relation): string[] {
  const out: string[] = [];
  for (let row = 0; row < relation.size; row++) out.push(keyOf(relation.rowValues(row) as number[]));
  return out.sort();
}

function stage(relation: Relation, tuple: readonly number[]): void {
  tuple.forEach((code, i) => (relation.tuple[i] = code));
}

const SMALL = fc.integer({ min: -3, max: 12 });
const NOT_SMALL = fc.constantFrom(0.5, 2 ** 40, -0, -2147483648, -1e15);
const SMALL_EDGES = fc.constantFrom(2147483647, -2147483647);

function scenario(width: number, wideWeight: number) {
  const code = fc.oneof({ arbitrary: SMALL, weight: 40 }, { arbitrary: SMALL_EDGES, weight: 1 }, { arbitrary: NOT_SMALL, weight: wideWeight });
  const tuple = fc.array(code, { minLength: width, maxLength: width });
  const operation = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant("insert" as const), tuple }), weight: 6 },
    { arbitrary: fc.record({ kind: fc.constant("find" as const), tuple }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant("delete" as const), tuple }), weight: 1 },
    // A tuple the relation holds (the n-th of the model), so wide rows are deleted too.
    { arbitrary: fc.record({ kind: fc.constant("deleteHeld" as const), n: fc.nat() }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant("begin" as const) }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant("rollback" as const) }), weight: 1 },
  );
  return fc.array(operation, { maxLength: 300 });
}

/** Runs operations against a relation and a model; `keyed`: column 0 is a declared key. */
function check(width: number, keyed: boolean, operations: ReturnType<typeof scenario> extends fc.Arbitrary<infer T> ? T : never): void {
  const columns = Array.from({ length: width }, (_, i) => INT_COLUMN(`c${i}`));
  const relation = new Relation({ name: "r", columns, key: keyed ? [0] : null, space: new ValueSpace() });
  const indexes = [[0], [width - 1], width > 1 ? [width - 1, 0] : [0]];
  for (const index of indexes) relation.index(index);
  let model = new Map<string, number[]>();
  let saved = model;
  let inTick = false;
  let everWide = false;
  /** Every tuple ever staged: the index keys to check include those no longer held. */
  const seen: number[][] = [];
  const keyHolder = (tuple: number[]) => [...model.values()].find((held) => keyOf([held[0]!]) === keyOf([tuple[0]!]));
  for (const op of operations) {
    if (op.kind === "begin") {
      relation.beginTick();
      saved = new Map(model);
      inTick = true;
    } else if (op.kind === "rollback") {
      if (!inTick) continue;
      relation.rollback();
      model = new Map(saved);
      inTick = false;
    } else if (op.kind === "insert") {
      stage(relation, op.tuple);
      seen.push(op.tuple);
      // Trying to insert a code that is not small widens the rows for good, inserted or not.
      if (op.tuple.some((code) => (code | 0) !== code || code === -2147483648 || Object.is(code, -0))) everWide = true;
      const present = model.has(keyOf(op.tuple));
      const holder = keyed ? keyHolder(op.tuple) : undefined;
      if (keyed && holder !== undefined && !present) {
        expect(() => relation.insert()).toThrow(TickError);
        continue;
      }
      expect(relation.insert() >= 0).toBe(!present);
      if (!present) model.set(keyOf(op.tuple), op.tuple);
    } else if (op.kind === "find") {
      stage(relation, op.tuple);
      const present = model.has(keyOf(op.tuple));
      expect(relation.contains()).toBe(present);
      expect(relation.wouldChange()).toBe(!present);
      const row = relation.find();
      if (present) expect(keyOf(relation.rowValues(row) as number[])).toBe(keyOf(op.tuple));
      else if (!keyed) expect(row).toBe(-1);
    } else {
      if (inTick) continue; // deletes happen only between evaluations
      const held = [...model.values()];
      if (op.kind === "deleteHeld" && held.length === 0) continue;
      const deleted = op.kind === "deleteHeld" ? held[op.n % held.length]! : op.tuple;
      stage(relation, deleted);
      const row = relation.findExact();
      expect(row >= 0).toBe(model.has(keyOf(deleted)));
      if (row >= 0) relation.removeRow(row);
      model.delete(keyOf(deleted));
      verify(relation, model, indexes, seen);
    }
  }
  verify(relation, model, indexes, seen);
  expect(relation.data instanceof Float64Array).toBe(everWide);
}

/** Every held tuple is found at a row holding it, and every index finds exactly the rows holding its key. */
function verify(relation: Relation, model: Map<string, number[]>, indexes: number[][], seen: number[][]): void {
  expect(contents(relation)).toEqual([...model.keys()].sort());
  // Mismatches are collected and compared once: an expect per tuple would dominate the run.
  const wrong: string[] = [];
  for (const tuple of model.values()) {
    stage(relation, tuple);
    const row = relation.find();
    if (row < 0 || keyOf(relation.rowValues(row) as number[]) !== keyOf(tuple)) wrong.push(`find ${keyOf(tuple)} gave row ${row}`);
  }
  for (const columnsOfIndex of indexes) {
    const index = relation.index(columnsOfIndex);
    const project = (tuple: readonly number[]) => keyOf(columnsOfIndex.map((column) => tuple[column]!));
    const expected = new Map<string, string[]>();
    for (const tuple of model.values()) {
      const key = project(tuple);
      if (!expected.has(key)) expected.set(key, []);
      expected.get(key)!.push(keyOf(tuple));
    }
    if (index.keyCount !== expected.size) wrong.push(`index ${columnsOfIndex}: ${index.keyCount} keys instead of ${expected.size}`);
    const keys = new Set(seen.map(project));
    keys.add(keyOf(columnsOfIndex.map(() => 99)));
    for (const text of keys) {
      (JSON.parse(text) as number[]).forEach((code, i) => (index.key[i] = code));
      const found: string[] = [];
      for (let row = index.find(); row !== -1 && found.length <= relation.size; row = index.next[row]!) found.push(keyOf(relation.rowValues(row) as number[]));
      const want = (expected.get(text) ?? []).sort().join(" ");
      if (found.sort().join(" ") !== want) wrong.push(`index ${columnsOfIndex} key ${text}: ${found.join(" ")} instead of ${want}`);
      if (columnsOfIndex.length === 1 && index.findCode(index.key[0]!) !== index.find()) wrong.push(`index ${columnsOfIndex} key ${text}: findCode differs from find`);
    }
  }
  expect(wrong).toEqual([]);
}

describe("relation layouts", () => {
  for (const width of [1, 2, 3, 4, 5]) {
    it(`keeps a set of ${width}-column tuples, small codes only (packed table of ${width <= 4 ? "codes" : "rows and hashes"})`, () => {
      fc.assert(fc.property(scenario(width, 0), (operations) => check(width, false, operations)), { numRuns: 120 });
    });
    it(`keeps a set of ${width}-column tuples when codes stop being small`, () => {
      fc.assert(fc.property(scenario(width, 2), (operations) => check(width, false, operations)), { numRuns: 120 });
    });
  }
  for (const width of [2, 3]) {
    it(`keeps a ${width}-column relation with a declared key, key violations included`, () => {
      fc.assert(fc.property(scenario(width, 1), (operations) => check(width, true, operations)), { numRuns: 120 });
    });
  }

  // Thousands of rows, so deletions shift long probe runs of the unique table and the indexes.
  for (const width of [1, 2, 3, 5]) {
    for (const wide of [false, true]) {
      it(`deletes half of many ${width}-column tuples (${wide ? "some codes not small" : "small codes"}) and still finds the rest`, () => {
        const columns = Array.from({ length: width }, (_, i) => INT_COLUMN(`c${i}`));
        const relation = new Relation({ name: "r", columns, space: new ValueSpace() });
        const indexes = [[0], [width - 1], width > 1 ? [width - 1, 0] : [0]];
        for (const index of indexes) relation.index(index);
        let state = 12345;
        const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
        const model = new Map<string, number[]>();
        const seen: number[][] = [];
        for (let i = 0; i < 6000; i++) {
          const tuple = Array.from({ length: width }, (_, column) => (column === 0 ? i : Math.floor(random() * 50)));
          if (wide && i % 1000 === 999) tuple[width - 1] = i + 0.5;
          stage(relation, tuple);
          relation.insert();
          model.set(keyOf(tuple), tuple);
          seen.push(tuple);
          if (i === 100) {
            // From here on the table keeps the row of each tuple, through its growth too.
            stage(relation, seen[0]!);
            expect(relation.find()).toBe(0);
          }
        }
        for (const tuple of seen) {
          if (random() < 0.5) continue;
          stage(relation, tuple);
          relation.removeRow(relation.findExact());
          model.delete(keyOf(tuple));
        }
        for (let i = 0; i < 500; i++) {
          const tuple = Array.from({ length: width }, (_, column) => (column === 0 ? 10_000 + i : i % 7));
          stage(relation, tuple);
          relation.insert();
          model.set(keyOf(tuple), tuple);
          seen.push(tuple);
        }
        verify(relation, model, indexes, seen);
      });
    }
  }

  it("stores small codes as Int32Array rows and moves to Float64Array at the first other code", () => {
    const relation = new Relation({ name: "r", columns: [INT_COLUMN("x"), INT_COLUMN("y")], space: new ValueSpace() });
    const index = relation.index([0]);
    for (let i = 0; i < 1000; i++) {
      stage(relation, [i % 10, i]);
      relation.insert();
    }
    expect(relation.data).toBeInstanceOf(Int32Array);
    stage(relation, [3, 0.25]);
    relation.insert();
    expect(relation.data).toBeInstanceOf(Float64Array);
    index.key[0] = 3;
    let count = 0;
    for (let row = index.find(); row !== -1; row = index.next[row]!) count++;
    expect(count).toBe(101);
    stage(relation, [3, 0.25]);
    expect(relation.contains()).toBe(true);
    stage(relation, [9, 999]);
    expect(relation.contains()).toBe(true);
  });

  it("gives a relation without lattice columns its delta as the range of rows appended", () => {
    const relation = new Relation({ name: "path", columns: [INT_COLUMN("x"), INT_COLUMN("y")], space: new ValueSpace() });
    stage(relation, [1, 2]);
    relation.insert();
    stage(relation, [2, 3]);
    relation.insert();
    relation.beginFixpoint();
    expect([relation.deltaStart, relation.deltaEnd]).toEqual([0, 2]);
    stage(relation, [1, 3]);
    relation.insert();
    stage(relation, [1, 2]);
    relation.insert();
    expect(relation.changed).toBe(true);
    expect(relation.advance()).toBe(true);
    expect([relation.deltaStart, relation.deltaEnd]).toEqual([2, 3]);
    expect(relation.rowValues(2)).toEqual([1, 3]);
    stage(relation, [2, 3]);
    relation.insert();
    expect(relation.changed).toBe(false);
    expect(relation.advance()).toBe(false);
    relation.endFixpoint();
    expect([relation.deltaStart, relation.deltaEnd]).toEqual([0, 0]);
  });

  it("lists each changed row of a relation with lattice columns once per round, and a failed tick puts grown values back", () => {
    const ops = latticeOps({ kind: "max", element: { kind: "int" } });
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 50 })), { maxLength: 60 }), { maxLength: 6 }), (rounds) => {
        const relation = new Relation({ name: "best", columns: [INT_COLUMN("k"), { name: "v", code: null, lattice: ops }], space: new ValueSpace() });
        const model = new Map<number, number>();
        for (let k = 0; k < 100; k++) {
          relation.tuple[0] = k;
          relation.values[0] = 10;
          relation.insert();
          model.set(k, 10);
        }
        const before = new Map(model);
        relation.beginTick();
        relation.beginFixpoint();
        expect(relation.deltaSize).toBe(100);
        for (const round of rounds) {
          const changed = new Set<number>();
          for (const [k, v] of round) {
            relation.tuple[0] = k;
            relation.values[0] = v;
            const grew = relation.insert() >= 0;
            expect(grew).toBe(!model.has(k) || v > model.get(k)!);
            if (grew) {
              model.set(k, v);
              changed.add(k);
            }
          }
          expect(relation.advance()).toBe(changed.size > 0);
          const listed = Array.from(relation.delta.subarray(0, relation.deltaSize), (row) => relation.rowValues(row)[0] as number);
          expect(listed.sort((a, b) => a - b)).toEqual([...changed].sort((a, b) => a - b));
        }
        relation.endFixpoint();
        relation.rollback();
        const rows = new Map<number, number>();
        for (let row = 0; row < relation.size; row++) rows.set(relation.rowValues(row)[0] as number, relation.rowValues(row)[1] as number);
        expect(rows).toEqual(before);
      }),
      { numRuns: 100 },
    );
  });

  it("appends pairs known to be new without a probe, and puts them in the unique table at the next lookup", () => {
    for (const next of ["contains", "insert", "remove", "rollback", "widen", "clear"] as const) {
      const relation = new Relation({ name: "open", columns: [INT_COLUMN("x"), INT_COLUMN("w")], space: new ValueSpace() });
      const index = relation.index([1]);
      relation.beginTick();
      for (let i = 0; i < 3000; i++) expect(relation.insertPair(i, i % 7, true)).toBe(i);
      const model = new Map<string, number[]>();
      for (let i = 0; i < 3000; i++) model.set(keyOf([i, i % 7]), [i, i % 7]);
      const seen = [...model.values()];
      if (next === "contains") {
        expect(relation.containsPair(10, 3)).toBe(true);
        expect(relation.containsPair(10, 4)).toBe(false);
      } else if (next === "insert") {
        expect(relation.insertPair(10, 3)).toBe(-1);
        expect(relation.insertPair(10, 4)).toBe(3000);
        model.set(keyOf([10, 4]), [10, 4]);
      } else if (next === "remove") {
        stage(relation, [5, 5]);
        relation.removeRow(relation.findExact());
        model.delete(keyOf([5, 5]));
      } else if (next === "rollback") {
        relation.rollback();
        model.clear();
      } else if (next === "widen") {
        expect(relation.insertPair(0.5, 1)).toBe(3000);
        model.set(keyOf([0.5, 1]), [0.5, 1]);
        expect(relation.data).toBeInstanceOf(Float64Array);
      } else {
        relation.clear();
        model.clear();
        expect(relation.insertPair(1, 1)).toBe(0);
        model.set(keyOf([1, 1]), [1, 1]);
      }
      expect(index.keyCount).toBe(new Set([...model.values()].map((tuple) => tuple[1])).size);
      verify(relation, model, [[1], [0]], [...seen, [10, 4], [0.5, 1]]);
    }
  });
});
