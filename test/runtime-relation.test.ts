// The relation and its indexes against a plain reference model: random inserts, deletes and
// rollbacks must leave the same set of tuples, and every index must find exactly the rows
// holding its key.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValueSpace } from "../runtime/interner.ts";
import { latticeOps } from "../runtime/lattices.ts";
import { Relation, type RelationColumn } from "../runtime/relation.ts";
import { TickError } from "../runtime/errors.ts";

const INT_COLUMN = (name: string): RelationColumn => ({ name, code: "number", lattice: null });
const STRING_COLUMN = (name: string): RelationColumn => ({ name, code: "string", lattice: null });

function pairs(relation: Relation): string[] {
  const out: string[] = [];
  for (let row = 0; row < relation.size; row++) out.push(JSON.stringify(relation.rowValues(row)));
  return out.sort();
}

function indexRows(relation: Relation, columns: number[], key: number[]): number[] {
  const index = relation.index(columns);
  key.forEach((code, i) => (index.key[i] = code));
  const rows: number[] = [];
  for (let row = index.find(); row !== -1; row = index.next[row]!) rows.push(row);
  return rows.sort((a, b) => a - b);
}

describe("Relation", () => {
  it("keeps set semantics and finds rows through an index", () => {
    const relation = new Relation({ name: "edge", columns: [INT_COLUMN("x"), INT_COLUMN("y")], space: new ValueSpace() });
    relation.index([0]);
    for (const [x, y] of [[1, 2], [1, 3], [2, 3], [1, 2]]) {
      relation.tuple[0] = x!;
      relation.tuple[1] = y!;
      relation.insert();
    }
    expect(relation.size).toBe(3);
    expect(indexRows(relation, [0], [1]).map((row) => relation.rowValues(row)[1])).toEqual([2, 3]);
    expect(indexRows(relation, [0], [7])).toEqual([]);
  });

  it("matches a reference set under random inserts, deletes and rollbacks", () => {
    // Mostly small ints (the packed layout), sometimes a code that forces the general layout.
    const code = fc.oneof({ arbitrary: fc.integer({ min: -5, max: 40 }), weight: 30 }, { arbitrary: fc.constantFrom(0.5, 2 ** 40, -1e15), weight: 1 });
    const operation = fc.oneof(
      fc.record({ kind: fc.constant("insert" as const), x: code, y: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant("delete" as const), x: code, y: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant("begin" as const) }),
      fc.record({ kind: fc.constant("rollback" as const) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 300 }), (operations) => {
        const relation = new Relation({ name: "r", columns: [INT_COLUMN("x"), INT_COLUMN("y")], space: new ValueSpace() });
        relation.index([1]);
        relation.index([0, 1]);
        let model = new Set<string>();
        let saved = new Set<string>();
        let inTick = false;
        for (const op of operations) {
          if (op.kind === "begin") {
            relation.beginTick();
            saved = new Set(model);
            inTick = true;
          } else if (op.kind === "rollback") {
            if (!inTick) continue;
            relation.rollback();
            model = new Set(saved);
            inTick = false;
          } else if (op.kind === "insert") {
            relation.tuple[0] = op.x;
            relation.tuple[1] = op.y;
            const changed = relation.insert() >= 0;
            expect(changed).toBe(!model.has(JSON.stringify([op.x, op.y])));
            model.add(JSON.stringify([op.x, op.y]));
          } else {
            if (inTick) continue; // deletes happen only between evaluations
            relation.tuple[0] = op.x;
            relation.tuple[1] = op.y;
            const row = relation.find();
            if (row >= 0) relation.removeRow(row);
            model.delete(JSON.stringify([op.x, op.y]));
          }
        }
        expect(pairs(relation)).toEqual([...model].sort());
        for (let y = 0; y <= 5; y++) {
          const expected = [...model].filter((text) => JSON.parse(text)[1] === y).sort();
          const found = indexRows(relation, [1], [y]).map((row) => JSON.stringify(relation.rowValues(row))).sort();
          expect(found).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("grows past many rows and keeps every tuple findable", () => {
    const relation = new Relation({ name: "big", columns: [INT_COLUMN("x"), INT_COLUMN("y")], space: new ValueSpace() });
    const index = relation.index([0]);
    for (let i = 0; i < 50_000; i++) {
      relation.tuple[0] = i % 1000;
      relation.tuple[1] = i;
      relation.insert();
    }
    expect(relation.size).toBe(50_000);
    index.key[0] = 7;
    let count = 0;
    for (let row = index.find(); row !== -1; row = index.next[row]!) count++;
    expect(count).toBe(50);
    relation.tuple[0] = 999;
    relation.tuple[1] = 49_999;
    expect(relation.contains()).toBe(true);
    relation.tuple[1] = 50_000;
    expect(relation.contains()).toBe(false);
  });

  it("merges lattice columns and records grown rows in the delta", () => {
    const ops = latticeOps({ kind: "min", element: { kind: "int" } });
    const relation = new Relation({
      name: "best",
      columns: [STRING_COLUMN("node"), { name: "cost", code: null, lattice: ops }],
      space: new ValueSpace(),
    });
    const a = relation.space.strings.intern("a");
    relation.tuple[0] = a;
    relation.values[0] = 5;
    relation.insert();
    relation.beginFixpoint();
    relation.values[0] = 7;
    expect(relation.insert()).toBe(-1);
    relation.values[0] = 3;
    expect(relation.insert()).toBe(0);
    expect(relation.advance()).toBe(true);
    expect(relation.deltaSize).toBe(1);
    expect(relation.rowJson(0)).toEqual(["a", 3]);
    expect(relation.advance()).toBe(false);
    relation.endFixpoint();
  });

  it("does not create a row for a bottom lattice value, and rolls back grown values", () => {
    const ops = latticeOps({ kind: "set", element: { kind: "int" } });
    const relation = new Relation({ name: "s", columns: [INT_COLUMN("k"), { name: "v", code: null, lattice: ops }], space: new ValueSpace() });
    relation.tuple[0] = 1;
    relation.values[0] = ops.bottom;
    expect(relation.insert()).toBe(-1);
    expect(relation.size).toBe(0);
    relation.values[0] = ops.lift(4);
    relation.insert();
    relation.beginTick();
    relation.values[0] = ops.lift(5);
    relation.insert();
    expect(relation.rowJson(0)).toEqual([1, [4, 5]]);
    relation.rollback();
    expect(relation.rowJson(0)).toEqual([1, [4]]);
  });

  it("reports a key violation naming both tuples", () => {
    const relation = new Relation({ name: "kvs", columns: [STRING_COLUMN("key"), STRING_COLUMN("value")], key: [0], space: new ValueSpace() });
    relation.stageValues(["k", "v1"]);
    relation.insert();
    relation.stageValues(["k", "v1"]);
    expect(relation.insert()).toBe(-1);
    relation.stageValues(["k", "v2"]);
    try {
      relation.insert();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TickError);
      expect((error as TickError).tuples).toEqual([["k", "v1"], ["k", "v2"]]);
    }
  });
});
