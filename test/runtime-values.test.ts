// The runtime value layer at the edges: the total order of LANGUAGE.md §6, the set and map
// structures against a reference model, the strict column codecs with their rejection reasons,
// the run-independent hash (golden numbers: a change in hashing must be deliberate), and
// Soufflé-style fact fields.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BaseType, LatticeType, Type } from "../compiler/types.ts";
import { latticeOps } from "../runtime/lattices.ts";
import {
  canonicalJson,
  compareTuples,
  compareValues,
  decodeColumn,
  decodeTuple,
  encodeColumn,
  encodeTuple,
  fnv1a32,
  hashValue,
  LwwValue,
  MapValue,
  parseFactField,
  SetValue,
  toJson,
} from "../runtime/values.ts";

const INT: BaseType = { kind: "int" };
const FLOAT: BaseType = { kind: "float" };
const STRING: BaseType = { kind: "string" };
const BOOL: BaseType = { kind: "bool" };
const ADDR: BaseType = { kind: "addr" };
const ANY: BaseType = { kind: "any" };
const setOf = (element: BaseType): LatticeType => ({ kind: "set", element });
const maxOf = (element: BaseType): LatticeType => ({ kind: "max", element });
const COUNTER: LatticeType = { kind: "counter" };
const MAP_STRING_MAX_INT: LatticeType = { kind: "map", key: STRING, value: maxOf(INT) };

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe("compareValues", () => {
  it("orders kinds, then values within a kind as §6 says", () => {
    const expected: unknown[] = [
      null,
      false,
      true,
      -5,
      0,
      1.5,
      2,
      "",
      "A",
      "B",
      "a",
      "ab",
      "b",
      "é",
      "😀", // a surrogate pair: code units 0xd83d 0xde00
      "\uffff", // above the surrogates by code unit (though below 😀 by code point)
      [],
      [1],
      [1, 2],
      [2],
      ["a"],
      {},
      { a: 1 },
      { a: 2 },
      { a: 2, b: 0 },
      { b: 0 },
    ];
    const shuffled = [...expected].reverse();
    shuffled.push(shuffled.shift());
    expect(shuffled.sort(compareValues)).toEqual(expected);
  });

  it("does not use locale order", () => {
    expect(compareValues("Z", "a")).toBeLessThan(0);
    expect(compareValues("a", "B")).toBeGreaterThan(0);
    expect(compareValues("😀", "\uffff")).toBeLessThan(0);
  });

  it("is a total order on JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.jsonValue(), (a, b, c) => {
        expect(compareValues(a, a)).toBe(0);
        expect(sign(compareValues(a, b)) + sign(compareValues(b, a))).toBe(0);
        if (compareValues(a, b) <= 0 && compareValues(b, c) <= 0) expect(compareValues(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it("orders lattice structures as the JSON they encode to", () => {
    const values: unknown[] = [
      SetValue.of(1, 2),
      SetValue.of(1, 3),
      SetValue.EMPTY,
      new MapValue(["a"], [SetValue.of(2)]),
      new MapValue(["a", "b"], [1, 2]),
      new LwwValue(3, "n1", "x"),
      new LwwValue(3, "n0", "y"),
      new Map([["n1", 4]]),
      new Map([["n1", 1], ["n2", 2]]),
      [1, [2]],
      3,
      "s",
    ];
    for (const a of values) {
      for (const b of values) {
        expect(sign(compareValues(a, b))).toBe(sign(compareValues(toJson(a), toJson(b))));
      }
    }
    expect(compareValues(new Map([["n1", 1], ["n2", 2]]), 3)).toBe(0); // a counter is its total
  });

  it("compareTuples goes column by column, shorter first", () => {
    expect(compareTuples([1, "b"], [1, "c"])).toBeLessThan(0);
    expect(compareTuples([2], [1, "z"])).toBeGreaterThan(0);
    expect(compareTuples([1], [1, "a"])).toBeLessThan(0);
    expect(compareTuples([SetValue.of(1)], [SetValue.of(1)])).toBe(0);
  });
});

describe("SetValue and MapValue against a reference model", () => {
  const elements = fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 50 });

  it("SetValue: has, union, subset, with", () => {
    fc.assert(
      fc.property(elements, elements, fc.integer({ min: -1, max: 61 }), (xs, ys, probe) => {
        const a = SetValue.from(xs);
        const b = SetValue.from(ys);
        const union = new Set([...xs, ...ys]);
        expect(a.items).toEqual([...new Set(xs)].sort((p, q) => p - q));
        expect(a.has(probe)).toBe(xs.includes(probe));
        expect(a.union(b).items).toEqual([...union].sort((p, q) => p - q));
        expect(a.isSubsetOf(b)).toBe(xs.every((x) => ys.includes(x)));
        expect(a.with(probe).items).toEqual([...new Set([...xs, probe])].sort((p, q) => p - q));
        if (xs.includes(probe)) expect(a.with(probe)).toBe(a);
        if (ys.every((y) => xs.includes(y))) expect(a.union(b)).toBe(a);
      }),
    );
  });

  it("SetValue of JSON values finds arrays and objects by value", () => {
    const set = SetValue.from<unknown>([[1, 2], { a: 1 }, "x", 3, [1]]);
    expect(set.has([1, 2])).toBe(true);
    expect(set.has({ a: 1 })).toBe(true);
    expect(set.has({ a: 2 })).toBe(false);
    expect(set.items).toEqual([3, "x", [1], [1, 2], { a: 1 }]);
  });

  it("map merge agrees with a per-key reference", () => {
    const ops = latticeOps(MAP_STRING_MAX_INT);
    const entries = fc.array(fc.tuple(fc.constantFrom(..."abcdefghijklmnopqrst"), fc.integer({ min: 0, max: 9 })), {
      maxLength: 25,
    });
    fc.assert(
      fc.property(entries, entries, (xs, ys) => {
        const reference = new Map<string, number>();
        for (const [key, value] of [...xs, ...ys]) reference.set(key, Math.max(value, reference.get(key) ?? -1));
        const a = MapValue.fromEntries(xs, Math.max);
        const b = MapValue.fromEntries(ys, Math.max);
        const merged = ops.merge(a, b);
        expect([...merged]).toEqual([...reference].sort((p, q) => compareValues(p[0], q[0])));
        for (const key of "abcdefghijklmnopqrstu") expect(merged.get(key)).toBe(reference.get(key));
      }),
    );
  });
});

describe("encodeColumn and decodeColumn", () => {
  const accepts = (type: Type, json: unknown) => {
    const result = decodeColumn(type, json);
    if (!result.ok) throw new Error(result.reason);
    return result.value;
  };
  const rejects = (type: Type, json: unknown) => {
    const result = decodeColumn(type, json);
    if (result.ok) throw new Error(`accepted ${JSON.stringify(json)}`);
    return result.reason;
  };

  it("checks base types strictly, with reasons", () => {
    expect(accepts(INT, -3)).toBe(-3);
    expect(rejects(INT, 1.5)).toBe("expected an int (a safe integer), got 1.5");
    expect(rejects(INT, 2 ** 53)).toBe("expected an int (a safe integer), got 9007199254740992");
    expect(rejects(INT, "3")).toBe('expected an int (a safe integer), got "3"');
    expect(accepts(FLOAT, 1)).toBe(1);
    expect(accepts(FLOAT, 2.5)).toBe(2.5);
    expect(rejects(FLOAT, "2.5")).toBe('expected a float (a finite number), got "2.5"');
    expect(rejects(FLOAT, Number.POSITIVE_INFINITY)).toContain("non-finite");
    expect(accepts(STRING, "")).toBe("");
    expect(rejects(STRING, null)).toBe("expected a string, got null");
    expect(accepts(ADDR, "host:9000")).toBe("host:9000");
    expect(rejects(ADDR, 9000)).toBe("expected an addr (a string), got 9000");
    expect(accepts(BOOL, false)).toBe(false);
    expect(rejects(BOOL, 0)).toBe("expected a bool (true or false), got 0");
    expect(rejects(BOOL, [])).toBe("expected a bool (true or false), got an empty array");
  });

  it("takes any JSON value for `any`, and nothing else", () => {
    expect(accepts(ANY, { a: [1, null, "x"] })).toEqual({ a: [1, null, "x"] });
    expect(rejects(ANY, [1, Number.NaN])).toBe("expected a JSON value, in element 1: got the non-finite number NaN");
    expect(rejects(ANY, { a: undefined })).toBe('expected a JSON value, in field "a": got nothing');
    expect(rejects(ANY, new Map())).toBe("expected a JSON value, got a non-plain object");
  });

  it("decodes lattice columns from their §6 encoding and lifts a single set element", () => {
    expect(accepts(setOf(INT), [3, 1, 3])).toEqual(SetValue.of(1, 3));
    expect(accepts(setOf(INT), 5)).toEqual(SetValue.of(5));
    expect(accepts(setOf(ANY), [[1, 2]])).toEqual(SetValue.of([1, 2]));
    expect(rejects(setOf(INT), [1, "x"])).toBe('in element 1: expected an int (a safe integer), got "x"');
    expect(accepts(maxOf(STRING), "m")).toBe("m");
    expect(accepts(MAP_STRING_MAX_INT, [["b", 1], ["a", 2], ["b", 3]])).toEqual(new MapValue(["a", "b"], [2, 3]));
    expect(rejects(MAP_STRING_MAX_INT, { a: 1 })).toBe(
      "expected map<string, max<int>> as an array of [key, value] pairs, got an object",
    );
    expect(rejects(MAP_STRING_MAX_INT, [["a"]])).toBe("in entry 0: expected a [key, value] pair, got an array of 1");
    expect(rejects(MAP_STRING_MAX_INT, [[1, 1]])).toBe("in the key of entry 0: expected a string, got 1");
    expect(accepts({ kind: "lww", element: STRING }, [5, "n1", "v"])).toEqual(new LwwValue(5, "n1", "v"));
    expect(rejects({ kind: "lww", element: STRING }, [5, "n1", 3])).toBe("in the value of lww<string>: expected a string, got 3");
    expect(accepts({ kind: "bool_and" }, false)).toBe(false);
    const counter = accepts(COUNTER, 7);
    expect(encodeColumn(COUNTER, counter)).toBe(7);
    expect(rejects(COUNTER, -1)).toContain("expected a counter");
    const wire = accepts(COUNTER, [["n2", 3], ["n1", 4]]);
    expect(latticeOps(COUNTER).encodeWire(wire)).toEqual([["n1", 4], ["n2", 3]]);
    expect(rejects({ kind: "pair", first: COUNTER, second: setOf(INT) }, [1])).toBe(
      "expected pair<counter, set<int>> as [first, second], got an array of 1",
    );
  });

  it("encodes columns and tuples", () => {
    expect(encodeColumn(INT, 3)).toBe(3);
    expect(encodeColumn(setOf(STRING), SetValue.of("b", "a"))).toEqual(["a", "b"]);
    expect(encodeColumn(MAP_STRING_MAX_INT, new MapValue(["a"], [2]))).toEqual([["a", 2]]);
    expect(encodeTuple([STRING, setOf(INT)], ["k", SetValue.of(2, 1)])).toEqual(["k", [1, 2]]);
  });

  it("decodes tuples with the column named in the reason", () => {
    expect(decodeTuple([STRING, INT], ["a", 1])).toEqual({ ok: true, value: ["a", 1] });
    expect(decodeTuple([STRING, INT], ["a"])).toEqual({ ok: false, reason: "expected 2 columns, got 1" });
    expect(decodeTuple([STRING, INT], ["a", "b"])).toEqual({
      ok: false,
      reason: 'column 2: expected an int (a safe integer), got "b"',
    });
    expect(decodeTuple([STRING], "a")).toEqual({ ok: false, reason: 'expected a tuple (an array), got "a"' });
  });
});

/** JSON.stringify with object keys in code-unit order (JSON.stringify puts integer-like keys first). */
function referenceCanonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(referenceCanonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${referenceCanonical(record[key])}`);
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value);
}

describe("hashValue", () => {
  it("is FNV-1a over UTF-8 (published test vectors)", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });

  it("gives the golden numbers (a change here changes every program's hash results)", () => {
    const golden: [unknown, number][] = [
      [0, 890022063],
      [-7, 449647517],
      [1.5, 3896645433],
      ["", 4291472005],
      ["a", 1637994474],
      ["é😀", 756193930],
      [true, 1303515621],
      [null, 1996966820],
      [[1, "a"], 1855062799],
      [{ b: 1, a: 2 }, 2942496995],
      [SetValue.of(3, 1), 965467347],
      [new MapValue(["k"], [5]), 1818600723],
      [new LwwValue(5, "n1", "v"), 2590771349],
      [new Map([["n1", 2], ["n2", 3]]), 806133968],
    ];
    for (const [value, expected] of golden) expect([value, hashValue(value)]).toEqual([value, expected]);
  });

  it("hashes the bytes of the canonical JSON, for any string", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.jsonValue()), (value) => {
        const text = canonicalJson(value);
        expect(text).toBe(referenceCanonical(value));
        expect(hashValue(value)).toBe(fnv1a32(text));
        expect(Number.isInteger(hashValue(value)) && hashValue(value) >= 0 && hashValue(value) < 2 ** 32).toBe(true);
      }),
    );
  });

  it("ignores key order and construction order", () => {
    expect(hashValue({ a: 1, b: [2] })).toBe(hashValue({ b: [2], a: 1 }));
    expect(hashValue(SetValue.from([3, 1, 2]))).toBe(hashValue(SetValue.from([2, 3, 1])));
    expect(hashValue("1")).not.toBe(hashValue(1));
  });
});

describe("parseFactField", () => {
  const parsed = (type: Type, text: string) => {
    const result = parseFactField(type, text);
    if (!result.ok) throw new Error(result.reason);
    return result.value;
  };
  const reason = (type: Type, text: string) => {
    const result = parseFactField(type, text);
    if (result.ok) throw new Error(`accepted ${text}`);
    return result.reason;
  };

  it("parses ints, floats, bools; keeps strings as written", () => {
    expect(parsed(INT, "42")).toBe(42);
    expect(parsed(INT, " -7 ")).toBe(-7);
    expect(parsed(INT, "+3")).toBe(3);
    expect(Object.is(parsed(INT, "-0"), 0)).toBe(true);
    expect(reason(INT, "1.5")).toBe('expected an int, got "1.5"');
    expect(reason(INT, "abc")).toBe('expected an int, got "abc"');
    expect(reason(INT, "")).toBe('expected an int, got ""');
    expect(reason(INT, "99999999999999999999")).toBe('int out of the safe range: "99999999999999999999"');
    expect(parsed(FLOAT, "1e-3")).toBe(0.001);
    expect(parsed(FLOAT, "-2.5")).toBe(-2.5);
    expect(parsed(FLOAT, "7")).toBe(7);
    expect(reason(FLOAT, "Infinity")).toBe('expected a float, got "Infinity"');
    expect(reason(FLOAT, "0x10")).toBe('expected a float, got "0x10"');
    expect(parsed(STRING, " a b ")).toBe(" a b ");
    expect(parsed(STRING, "")).toBe("");
    expect(parsed(ADDR, "host:1")).toBe("host:1");
    expect(parsed(BOOL, "true")).toBe(true);
    expect(parsed(BOOL, "false")).toBe(false);
    expect(reason(BOOL, "yes")).toBe('expected a bool (true or false), got "yes"');
    expect(parsed(ANY, '{"a":[1]}')).toEqual({ a: [1] });
    expect(reason(ANY, "{a")).toBe('expected JSON text, got "{a"');
  });

  it("reads lattice fields as JSON, or as one element of a max, min or set", () => {
    expect(parsed(maxOf(INT), "5")).toBe(5);
    expect(parsed(maxOf(STRING), "123")).toBe("123");
    expect(parsed(setOf(STRING), "alice")).toEqual(SetValue.of("alice"));
    expect(parsed(setOf(INT), "[2,1]")).toEqual(SetValue.of(1, 2));
    expect(parsed(MAP_STRING_MAX_INT, '[["a",1]]')).toEqual(new MapValue(["a"], [1]));
    expect(reason(MAP_STRING_MAX_INT, "a")).toBe('expected map<string, max<int>> as JSON text, got "a"');
    expect(reason(setOf(INT), "x")).toBe('expected set<int> as JSON text, got "x"');
  });
});
