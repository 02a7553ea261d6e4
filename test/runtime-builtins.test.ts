// Every built-in of LANGUAGE.md §4 and the arithmetic helpers, with their edge cases: clamping
// substr, truncating division, the sign of %, conversions that must fail the tick, and the
// context-driven nondeterministic built-ins.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  abs,
  at,
  builtinImplementations,
  contains,
  containsKey,
  containsSet,
  containsString,
  entry,
  entryLww,
  floatDivide,
  floatModulo,
  hash,
  intDivide,
  intPow,
  keys,
  keySet,
  len,
  lower,
  matches,
  max2,
  me,
  min2,
  modulo,
  now,
  pow,
  random,
  seededContext,
  size,
  sizeCounter,
  sizeMap,
  sizeSet,
  stringConcat,
  substr,
  systemContext,
  toFloat,
  toInt,
  toStringValue,
  upper,
  uuid,
  type BuiltinContext,
} from "../runtime/builtins.ts";
import { TickError } from "../runtime/errors.ts";
import { latticeOps } from "../runtime/lattices.ts";
import { hashValue, LwwValue, MapValue, SetValue } from "../runtime/values.ts";

const context: BuiltinContext = seededContext("node-a", 42, () => 1_700_000_000_000);

function tickErrorOf(run: () => unknown): TickError {
  try {
    run();
  } catch (error) {
    if (error instanceof TickError) return error;
    throw error;
  }
  throw new Error("expected a TickError");
}

describe("string built-ins", () => {
  it("len, lower, upper count and map UTF-16 code units", () => {
    expect(len("")).toBe(0);
    expect(len("héllo")).toBe(5);
    expect(len("😀")).toBe(2);
    expect(lower("ÀbC")).toBe("àbc");
    expect(upper("straße")).toBe("STRASSE");
  });

  it("substr is 0-based and clamps", () => {
    expect(substr("hello", 1, 3)).toBe("ell");
    expect(substr("hello", 0, 0)).toBe("");
    expect(substr("hello", 3, 100)).toBe("lo");
    expect(substr("hello", -2, 3)).toBe("hel");
    expect(substr("hello", 7, 2)).toBe("");
    expect(substr("hello", 2, -1)).toBe("");
    expect(substr("", 0, 5)).toBe("");
  });

  it("substr never throws and stays within the string", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: -10, max: 30 }), fc.integer({ min: -10, max: 30 }), (text, start, length) => {
        const part = substr(text, start, length);
        expect(text.includes(part)).toBe(true);
        expect(part.length).toBeLessThanOrEqual(Math.max(0, length));
      }),
    );
  });

  it("contains on strings, sets and maps", () => {
    expect(containsString("hello", "ell")).toBe(true);
    expect(containsString("hello", "")).toBe(true);
    expect(containsString("hello", "Hell")).toBe(false);
    expect(containsSet(SetValue.of(1, 2), 2)).toBe(true);
    expect(containsSet(SetValue.of(1, 2), 3)).toBe(false);
    expect(containsKey(new MapValue(["k"], [1]), "k")).toBe(true);
    expect(contains("abc", "bc")).toBe(true);
    expect(contains(SetValue.of("x"), "x")).toBe(true);
    expect(contains(new MapValue(["k"], [1]), "j")).toBe(false);
    expect(() => contains(3, 1)).toThrow(TypeError);
  });

  it("matches searches with a JavaScript regular expression and fails the tick on a bad one", () => {
    expect(matches("order-17", "\\d+")).toBe(true);
    expect(matches("order-17", "^\\d+$")).toBe(false);
    expect(matches("abc", "^a.c$")).toBe(true);
    expect(matches("ABC", "abc")).toBe(false);
    expect(tickErrorOf(() => matches("x", "(")).message).toMatch(/^matches: invalid regular expression "\("/);
    expect(tickErrorOf(() => matches("x", "(")).message).toMatch(/^matches: invalid regular expression "\("/); // cached
  });

  it("stringConcat joins strings and converts other operands like to_string", () => {
    expect(stringConcat("a", "b")).toBe("ab");
    expect(stringConcat("n=", 3)).toBe("n=3");
    expect(stringConcat(true, SetValue.of(2, 1))).toBe("true[1,2]");
  });
});

describe("numeric built-ins", () => {
  it("abs, min2, max2", () => {
    expect(abs(-3)).toBe(3);
    expect(abs(2.5)).toBe(2.5);
    expect(min2(3, -1)).toBe(-1);
    expect(max2(3, -1)).toBe(3);
    expect(min2("b", "B")).toBe("B");
    expect(max2("a", "B")).toBe("a");
  });

  it("pow on floats and on ints", () => {
    expect(pow(2, 0.5)).toBeCloseTo(Math.SQRT2);
    expect(pow(2, -1)).toBe(0.5);
    expect(tickErrorOf(() => pow(10, 400)).message).toBe("pow(10, 400) is not a finite number");
    expect(intPow(2, 10)).toBe(1024);
    expect(intPow(-3, 3)).toBe(-27);
    expect(intPow(5, 0)).toBe(1);
    expect(intPow(0, 0)).toBe(1);
    expect(intPow(2, -1)).toBe(0);
    expect(intPow(-1, -3)).toBe(-1);
    expect(intPow(1, -5)).toBe(1);
    expect(intPow(2, 52)).toBe(2 ** 52);
    expect(tickErrorOf(() => intPow(2, 53)).message).toBe("pow(2, 53) is outside the int range");
    expect(tickErrorOf(() => intPow(0, -1)).message).toBe("pow(0, -1): division by zero");
  });

  it("intDivide truncates toward zero and fails the tick on zero", () => {
    expect(intDivide(7, 2)).toBe(3);
    expect(intDivide(-7, 2)).toBe(-3);
    expect(intDivide(7, -2)).toBe(-3);
    expect(intDivide(-7, -2)).toBe(3);
    expect(Object.is(intDivide(0, -5), 0)).toBe(true);
    expect(Object.is(intDivide(-1, 2), 0)).toBe(true);
    expect(intDivide(Number.MAX_SAFE_INTEGER, 1)).toBe(Number.MAX_SAFE_INTEGER);
    expect(intDivide(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1)).toBe(1);
    expect(tickErrorOf(() => intDivide(1, 0)).message).toBe("division by zero: 1 / 0");
  });

  it("intDivide is exact for every pair of safe integers", () => {
    const safe = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -5, max: 5 }));
    fc.assert(
      fc.property(safe, safe, (a, b) => {
        fc.pre(b !== 0);
        const expected = BigInt(a) / BigInt(b); // BigInt division truncates toward zero
        expect(BigInt(intDivide(a, b))).toBe(expected);
        expect(BigInt(modulo(a, b))).toBe(BigInt(a) % BigInt(b));
      }),
    );
  });

  it("modulo takes the sign of the dividend", () => {
    expect(modulo(7, 3)).toBe(1);
    expect(modulo(-7, 3)).toBe(-1);
    expect(modulo(7, -3)).toBe(1);
    expect(modulo(-7, -3)).toBe(-1);
    expect(Object.is(modulo(-6, 3), 0)).toBe(true);
    expect(tickErrorOf(() => modulo(5, 0)).message).toBe("division by zero: 5 % 0");
  });

  it("float division and remainder", () => {
    expect(floatDivide(7, 2)).toBe(3.5);
    expect(floatDivide(-1, 4)).toBe(-0.25);
    expect(tickErrorOf(() => floatDivide(1.5, 0)).message).toBe("division by zero: 1.5 / 0");
    expect(tickErrorOf(() => floatDivide(1e308, 1e-10)).message).toContain("not a finite number");
    expect(floatModulo(-7.5, 2)).toBe(-1.5);
    expect(tickErrorOf(() => floatModulo(1, 0)).message).toBe("division by zero: 1 % 0");
  });
});

describe("conversions", () => {
  it("to_int truncates toward zero and parses decimal strings", () => {
    expect(toInt(3.9)).toBe(3);
    expect(toInt(-3.9)).toBe(-3);
    expect(Object.is(toInt(-0.5), 0)).toBe(true);
    expect(toInt("42")).toBe(42);
    expect(toInt(" -17 ")).toBe(-17);
    expect(toInt("2.75")).toBe(2);
    expect(toInt("1e3")).toBe(1000);
    expect(toInt(true)).toBe(1);
    expect(toInt(false)).toBe(0);
  });

  it("to_int fails the tick for what is not a number", () => {
    expect(tickErrorOf(() => toInt("abc")).message).toBe('to_int: "abc" is not a number');
    expect(tickErrorOf(() => toInt("")).message).toBe('to_int: "" is not a number');
    expect(tickErrorOf(() => toInt("0x10")).message).toBe('to_int: "0x10" is not a number');
    expect(tickErrorOf(() => toInt("Infinity")).message).toBe('to_int: "Infinity" is not a number');
    expect(tickErrorOf(() => toInt(1e300)).message).toBe("to_int: 1e+300 is outside the int range");
    expect(tickErrorOf(() => toInt(null)).message).toBe("to_int: cannot convert null to a number");
  });

  it("to_float", () => {
    expect(toFloat(3)).toBe(3);
    expect(toFloat("1e-3")).toBe(0.001);
    expect(toFloat(".5")).toBe(0.5);
    expect(tickErrorOf(() => toFloat("1,5")).message).toBe('to_float: "1,5" is not a number');
  });

  it("to_string", () => {
    expect(toStringValue("s")).toBe("s");
    expect(toStringValue(42)).toBe("42");
    expect(toStringValue(-0.5)).toBe("-0.5");
    expect(toStringValue(false)).toBe("false");
    expect(toStringValue({ b: 1, a: [null] })).toBe('{"a":[null],"b":1}');
    expect(toStringValue(new LwwValue(1, "n", "v"))).toBe('[1,"n","v"]');
  });

  it("hash is hashValue", () => {
    expect(hash("a")).toBe(1637994474);
    expect(hash([1, "a"])).toBe(hashValue([1, "a"]));
  });
});

describe("lattice built-ins", () => {
  const counter = new Map([
    ["n1", 2],
    ["n2", 5],
  ]);

  it("size of sets, maps and counters", () => {
    expect(sizeSet(SetValue.of(1, 2, 2))).toBe(2);
    expect(sizeSet(SetValue.EMPTY)).toBe(0);
    expect(sizeMap(new MapValue(["a", "b"], [1, 2]))).toBe(2);
    expect(sizeCounter(counter)).toBe(7);
    expect(size(SetValue.of("x"))).toBe(1);
    expect(size(MapValue.EMPTY)).toBe(0);
    expect(size(counter)).toBe(7);
    expect(() => size(3)).toThrow(TypeError);
  });

  it("entry, at and keys", () => {
    const mapType = { kind: "map", key: { kind: "string" }, value: { kind: "set", element: { kind: "int" } } } as const;
    const ops = latticeOps(mapType);
    const setBottom = latticeOps(mapType.value).bottom;
    const single = entry("k", SetValue.of(1));
    expect(single).toEqual(new MapValue(["k"], [SetValue.of(1)]));
    const merged = ops.merge(ops.lift(entry("b", 2)), ops.lift(entry("a", SetValue.of(1))));
    expect(ops.encode(merged)).toEqual([["a", [1]], ["b", [2]]]);
    expect(ops.lift(entry("c", SetValue.EMPTY))).toBe(ops.bottom); // an entry to bottom is no entry
    expect(at(merged, "b", setBottom)).toEqual(SetValue.of(2));
    expect(at(merged, "z", setBottom)).toBe(SetValue.EMPTY);
    expect(at(new MapValue(["a"], [3]), "z")).toBeUndefined(); // max<int> has no bottom: absent
    expect(keys(merged)).toEqual(["a", "b"]);
    const asSet = keySet(merged);
    expect(asSet).toEqual(SetValue.of("a", "b"));
    expect(asSet.has("b") && !asSet.has("c")).toBe(true);
    expect(keySet(MapValue.EMPTY)).toBe(SetValue.EMPTY);
  });

  it("entry_lww builds an lww value with its version", () => {
    const ops = latticeOps({ kind: "lww", element: { kind: "int" } });
    const older = entryLww(5, "n2", 1);
    const newer = entryLww(5, "n3", 2);
    expect(older).toEqual(new LwwValue(5, "n2", 1));
    expect(ops.merge(older, newer)).toBe(newer);
    expect(ops.encode(ops.merge(newer, older))).toEqual([5, "n3", 2]);
  });
});

describe("the node and nondeterministic built-ins", () => {
  it("read the context", () => {
    expect(me(context)).toBe("node-a");
    expect(now(context)).toBe(1_700_000_000_000);
  });

  it("a seeded context repeats itself, and its numbers are in range", () => {
    const first = seededContext("n", 7, () => 0);
    const second = seededContext("n", 7, () => 0);
    const other = seededContext("n", 8, () => 0);
    const draws = Array.from({ length: 100 }, () => random(first));
    expect(draws).toEqual(Array.from({ length: 100 }, () => random(second)));
    expect(draws).not.toEqual(Array.from({ length: 100 }, () => random(other)));
    for (const draw of draws) expect(draw >= 0 && draw < 1).toBe(true);
    expect(new Set(draws).size).toBeGreaterThan(95);
    const id = uuid(first);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuid(first)).not.toBe(id);
  });

  it("the system context uses the real clock and crypto UUIDs", () => {
    const system = systemContext("me");
    const before = Date.now();
    expect(now(system)).toBeGreaterThanOrEqual(before);
    expect(uuid(system)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const draw = random(system);
    expect(draw >= 0 && draw < 1).toBe(true);
  });
});

describe("builtinImplementations", () => {
  it("names every built-in of LANGUAGE.md §4", () => {
    expect(Object.keys(builtinImplementations).sort()).toEqual(
      [
        "abs",
        "at",
        "contains",
        "entry",
        "entry_lww",
        "hash",
        "keys",
        "len",
        "lower",
        "matches",
        "max2",
        "me",
        "min2",
        "now",
        "pair",
        "pow",
        "random",
        "size",
        "substr",
        "to_float",
        "to_int",
        "to_string",
        "upper",
        "uuid",
      ].sort(),
    );
  });

  it("calls through with the context first", () => {
    const call = (name: string, ...args: unknown[]) => builtinImplementations[name]!(context, ...args);
    expect(call("len", "abc")).toBe(3);
    expect(call("lower", "A")).toBe("a");
    expect(call("upper", "a")).toBe("A");
    expect(call("substr", "hello", 1, 2)).toBe("el");
    expect(call("contains", SetValue.of(1), 1)).toBe(true);
    expect(call("matches", "abc", "b")).toBe(true);
    expect(call("abs", -2)).toBe(2);
    expect(call("min2", 1, 2)).toBe(1);
    expect(call("max2", 1, 2)).toBe(2);
    expect(call("pow", 2, 3)).toBe(8);
    expect(call("to_string", 5)).toBe("5");
    expect(call("to_int", "5")).toBe(5);
    expect(call("to_float", "5.5")).toBe(5.5);
    expect(call("hash", "a")).toBe(1637994474);
    expect(call("me")).toBe("node-a");
    expect(call("size", SetValue.of(1, 2))).toBe(2);
    expect(call("entry", "k", 1)).toEqual(new MapValue(["k"], [1]));
    expect(call("at", new MapValue(["k"], [1]), "k")).toBe(1);
    expect(call("keys", new MapValue(["k"], [1]))).toEqual(["k"]);
    expect(call("entry_lww", 1, "n", "v")).toEqual(new LwwValue(1, "n", "v"));
    expect(call("now")).toBe(1_700_000_000_000);
    const draw = call("random") as number;
    expect(draw >= 0 && draw < 1).toBe(true);
    expect(call("uuid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => call("to_int", "abc")).toThrow(TickError);
  });
});

describe("lifting with a context", () => {
  it("credits counter amounts to this node and stamps lww writes", () => {
    const counterOps = latticeOps({ kind: "counter" });
    const lifted = counterOps.lift(3, context);
    expect([...lifted]).toEqual([["node-a", 3]]);
    expect(counterOps.lift(["n2", 4])).toEqual(new Map([["n2", 4]]));
    expect(counterOps.lift(0, context)).toBe(counterOps.bottom);
    expect(() => counterOps.lift(3)).toThrow(TypeError);
    const lwwOps = latticeOps({ kind: "lww", element: { kind: "string" } });
    expect(lwwOps.lift("v", context)).toEqual(new LwwValue(1_700_000_000_000, "node-a", "v"));
    expect(() => lwwOps.lift("v")).toThrow(TypeError);
  });
});
