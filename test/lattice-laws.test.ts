// Property tests: every lattice type obeys the lattice laws and the runtime's contracts.
// Values are generated from the type itself (recursively, so nested maps and pairs get the
// same treatment as scalars) over small domains, so that equal and comparable values are common
// and the laws about `≤`-related values are exercised rather than vacuously true.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BaseType, LatticeType } from "../compiler/types.ts";
import { DecodeError } from "../runtime/errors.ts";
import { latticeOps, latticeTypeName, LwwValue, MapValue, SetValue, type LatticeOps } from "../runtime/lattices.ts";
import { compareValues } from "../runtime/values.ts";

const INT: BaseType = { kind: "int" };
const FLOAT: BaseType = { kind: "float" };
const STRING: BaseType = { kind: "string" };
const BOOL: BaseType = { kind: "bool" };
const ADDR: BaseType = { kind: "addr" };
const ANY: BaseType = { kind: "any" };

const max = (element: BaseType): LatticeType => ({ kind: "max", element });
const min = (element: BaseType): LatticeType => ({ kind: "min", element });
const set = (element: BaseType): LatticeType => ({ kind: "set", element });
const lww = (element: BaseType): LatticeType => ({ kind: "lww", element });
const map = (key: BaseType, value: LatticeType): LatticeType => ({ kind: "map", key, value });
const pair = (first: LatticeType, second: LatticeType): LatticeType => ({ kind: "pair", first, second });
const BOOL_OR: LatticeType = { kind: "bool_or" };
const BOOL_AND: LatticeType = { kind: "bool_and" };
const COUNTER: LatticeType = { kind: "counter" };

const TYPES: LatticeType[] = [
  max(INT),
  max(FLOAT),
  max(STRING),
  max(BOOL),
  max(ANY),
  min(INT),
  min(FLOAT),
  min(STRING),
  min(ANY),
  set(INT),
  set(FLOAT),
  set(STRING),
  set(ADDR),
  set(BOOL),
  set(ANY),
  BOOL_OR,
  BOOL_AND,
  lww(INT),
  lww(STRING),
  lww(ANY),
  COUNTER,
  map(STRING, max(INT)),
  map(INT, set(STRING)),
  map(STRING, pair(max(INT), set(INT))),
  map(STRING, map(INT, COUNTER)),
  map(ANY, BOOL_OR),
  map(ADDR, lww(FLOAT)),
  pair(COUNTER, COUNTER),
  pair(BOOL_OR, BOOL_AND),
  pair(lww(STRING), min(INT)),
  pair(set(INT), map(STRING, BOOL_AND)),
];

const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, 1, -2, 0.5, "", "a", "b"),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("a", "b", "c"), tie("value"), { maxKeys: 3 }),
  ),
})).value;

function baseArbitrary(type: BaseType): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case "int":
      return fc.oneof({ weight: 5, arbitrary: fc.integer({ min: -5, max: 5 }) }, { weight: 1, arbitrary: fc.maxSafeInteger() });
    case "float":
      return fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(-1.5, 0, 0.25, 2, 1e21) },
        { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
      );
    case "string":
      return fc.oneof({ weight: 5, arbitrary: fc.constantFrom("", "a", "b", "ab", "B", "é", "😀", "\uffff") }, { weight: 1, arbitrary: fc.string() });
    case "addr":
      return fc.constantFrom("n1", "n2", "host:9000");
    case "bool":
      return fc.boolean();
    case "any":
      return anyValue;
  }
}

const NODES = fc.constantFrom("n1", "n2", "n3");

function latticeArbitrary(type: LatticeType): fc.Arbitrary<unknown> {
  const ops = latticeOps(type);
  switch (type.kind) {
    case "max":
    case "min":
      return baseArbitrary(type.element);
    case "bool_or":
    case "bool_and":
      return fc.boolean();
    case "set":
      return fc.array(baseArbitrary(type.element), { maxLength: 12 }).map((items) => SetValue.from(items));
    case "lww":
      return fc
        .tuple(fc.integer({ min: 0, max: 3 }), NODES, baseArbitrary(type.element))
        .map(([timestamp, node, value]) => new LwwValue(timestamp, node, value));
    case "counter":
      return fc.array(fc.tuple(NODES, fc.integer({ min: 0, max: 4 })), { maxLength: 4 }).map((entries) => ops.lift(new Map(entries)));
    case "map": {
      const inner = latticeOps(type.value);
      return fc
        .array(fc.tuple(baseArbitrary(type.key), latticeArbitrary(type.value)), { maxLength: 7 })
        .map((entries) => ops.lift(MapValue.fromEntries(entries, inner.merge)));
    }
    case "pair":
      return fc.tuple(latticeArbitrary(type.first), latticeArbitrary(type.second));
  }
}

function containsCounter(type: LatticeType): boolean {
  if (type.kind === "counter") return true;
  if (type.kind === "map") return containsCounter(type.value);
  if (type.kind === "pair") return containsCounter(type.first) || containsCounter(type.second);
  return false;
}

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
const runs = { numRuns: 200 };

function lawsFor(type: LatticeType): void {
  const ops: LatticeOps = latticeOps(type);
  const value = latticeArbitrary(type);
  const three = fc.tuple(value, value, value);

  it("merge is associative, commutative and idempotent", () => {
    fc.assert(
      fc.property(three, ([a, b, c]) => {
        expect(ops.equals(ops.merge(ops.merge(a, b), c), ops.merge(a, ops.merge(b, c)))).toBe(true);
        expect(ops.equals(ops.merge(a, b), ops.merge(b, a))).toBe(true);
        expect(ops.merge(a, a)).toBe(a);
      }),
      runs,
    );
  });

  it("bottom is the identity of merge", () => {
    if (ops.bottom === undefined) {
      expect(["max", "min", "lww", "pair"]).toContain(type.kind);
      return;
    }
    expect(ops.isBottom(ops.bottom)).toBe(true);
    fc.assert(
      fc.property(value, (a) => {
        expect(ops.merge(a, ops.bottom)).toBe(a);
        expect(ops.equals(ops.merge(ops.bottom, a), a)).toBe(true);
        expect(ops.leq(ops.bottom, a)).toBe(true);
        expect(ops.isBottom(a)).toBe(ops.equals(a, ops.bottom));
      }),
      runs,
    );
  });

  it("merge is the least upper bound of leq", () => {
    fc.assert(
      fc.property(three, ([a, b, c]) => {
        const joined = ops.merge(a, b);
        expect(ops.leq(a, joined)).toBe(true);
        expect(ops.leq(b, joined)).toBe(true);
        if (ops.leq(a, c) && ops.leq(b, c)) expect(ops.leq(joined, c)).toBe(true);
        const above = ops.merge(ops.merge(c, b), a); // an upper bound of a and b built independently
        expect(ops.leq(joined, above)).toBe(true);
        expect(ops.leq(a, b)).toBe(ops.equals(joined, b));
      }),
      runs,
    );
  });

  it("leq is a partial order and equals agrees with it", () => {
    fc.assert(
      fc.property(three, ([a, b, c]) => {
        expect(ops.leq(a, a)).toBe(true);
        expect(ops.equals(a, a)).toBe(true);
        expect(ops.equals(a, b)).toBe(ops.leq(a, b) && ops.leq(b, a));
        if (ops.leq(a, b) && ops.leq(b, c)) expect(ops.leq(a, c)).toBe(true);
        const middle = ops.merge(a, b);
        expect(ops.leq(a, ops.merge(middle, c))).toBe(true);
      }),
      runs,
    );
  });

  it("merge returns the first argument itself when the second adds nothing, and never mutates", () => {
    fc.assert(
      fc.property(three, ([a, b, c]) => {
        const before = [ops.encodeWire(a), ops.encodeWire(b)];
        const joined = ops.merge(a, b);
        expect([ops.encodeWire(a), ops.encodeWire(b)]).toEqual(before);
        expect(ops.merge(joined, a)).toBe(joined);
        expect(ops.merge(joined, b)).toBe(joined);
        if (ops.leq(c, a)) expect(ops.merge(a, c)).toBe(a);
        if (!ops.leq(b, a)) expect(joined).not.toBe(a);
      }),
      runs,
    );
  });

  it("mergeAll agrees with folding merge", () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 5 }), (values) => {
        const all = ops.mergeAll(values);
        if (values.length === 0) {
          expect(all).toBe(ops.bottom);
          return;
        }
        expect(ops.equals(all, values.reduce((x, y) => ops.merge(x, y)))).toBe(true);
      }),
      runs,
    );
  });

  it("encode and decode round-trip through JSON text", () => {
    fc.assert(
      fc.property(value, (a) => {
        const wire = JSON.parse(JSON.stringify(ops.encodeWire(a)));
        const fromWire = ops.decode(wire);
        expect(fromWire).not.toBeInstanceOf(DecodeError);
        expect(ops.equals(fromWire, a)).toBe(true);
        const encoded = JSON.parse(JSON.stringify(ops.encode(a)));
        const decoded = ops.decode(encoded);
        expect(decoded).not.toBeInstanceOf(DecodeError);
        expect(ops.encode(decoded)).toEqual(encoded);
        if (!containsCounter(type)) expect(ops.equals(decoded, a)).toBe(true);
      }),
      runs,
    );
  });

  it("compare is a total order consistent with the encoding", () => {
    fc.assert(
      fc.property(three, ([a, b, c]) => {
        expect(sign(ops.compare(a, b))).toBe(sign(compareValues(ops.encode(a), ops.encode(b))));
        expect(sign(ops.compare(a, b)) + sign(ops.compare(b, a))).toBe(0);
        expect(sign(compareValues(a, b))).toBe(sign(ops.compare(a, b)));
        if (ops.equals(a, b)) expect(ops.compare(a, b)).toBe(0);
        if (ops.compare(a, b) <= 0 && ops.compare(b, c) <= 0) expect(ops.compare(a, c)).toBeLessThanOrEqual(0);
      }),
      runs,
    );
  });

  it("lift leaves values of the lattice as they are", () => {
    fc.assert(
      fc.property(value, (a) => {
        expect(ops.lift(a, { me: "n1", now: () => 7 })).toBe(a);
      }),
      runs,
    );
  });
}

describe("lattice laws", () => {
  for (const type of TYPES) describe(latticeTypeName(type), () => lawsFor(type));

  it("covers every lattice kind", () => {
    const kinds = new Set<string>();
    const visit = (type: LatticeType): void => {
      kinds.add(type.kind);
      if (type.kind === "map") visit(type.value);
      if (type.kind === "pair") [type.first, type.second].forEach(visit);
    };
    TYPES.forEach(visit);
    expect([...kinds].sort()).toEqual(["bool_and", "bool_or", "counter", "lww", "map", "max", "min", "pair", "set"]);
  });
});
