// Distinct appends: a plan whose bindings are pairwise distinct and whose head keeps each
// binding's variables whole writes a relation that was empty when the plan began without
// looking for duplicates (`insertPair(x, y, bWasEmpty)`). Which rules qualify (and which must
// not: projections, dropped join variables, a declared key, a plan reading its own head), and
// that relations written so stay sets when other rules add to them, probe them, or later
// ticks write them again.

import { describe, expect, it } from "vitest";
import { emitTypeScript } from "../compiler/emit/index.ts";
import { memoryHost } from "../compiler/host.ts";
import { compileSourceToIr } from "../compiler/index.ts";
import { makeSource } from "../compiler/source.ts";
import { nodeOf, outputsOf, tickWith } from "./semantics-harness.ts";

const PATH = "/virtual/distinct.hydro";

async function emitText(text: string): Promise<string> {
  const result = compileSourceToIr(makeSource(PATH, text), memoryHost({ [PATH]: text }));
  if (result.ir === null) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  return emitTypeScript(result.ir, { format: false });
}

/** Whether the method generated for the rule on `line` appends without probing. */
function appendsFresh(module: string, line: number): boolean {
  const start = module.indexOf(`(line ${line})`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = module.indexOf("(line ", start + 1);
  return /insertPair\([^)]*WasEmpty\)/.test(module.slice(start, end < 0 ? undefined : end));
}

describe("distinct appends", () => {
  it("skip the duplicate probe only where two bindings can never give the same tuple", async () => {
    const module = await emitText(
      [
        "input a(x: int, y: int);",
        "input w(x: int, y: int, z: int);",
        "input s(k: string, v: int);",
        "scratch copy(x: int, y: int);",
        "scratch swapped(y: int, x: int);",
        "scratch projected(x: int, y: int);",
        "scratch hop(x: int, z: int);",
        "table keyed(x: int, y: int) key(x);",
        "scratch self(x: int, y: int);",
        "scratch named(k: string, v: int);",
        "scratch ranged(x: int, i: int);",
        "copy(x, y) <= a(x, y);", // line 12
        "swapped(y, x) <= a(x, y), x != y;", // line 13: a filter removes bindings, never duplicates them
        "projected(x, y) <= w(x, y, _);", // line 14: two rows of w may share x and y
        "hop(x, z) <= a(x, y), a(y, z);", // line 15: y is dropped
        "keyed(x, y) <= a(x, y);", // line 16: a declared key checks every insert
        "self(x, y) <= a(x, y), self(y, x);", // line 17: reads its own head (recursive)
        "named(k, v) <= s(k, v);", // line 18: strings by their codes
        "ranged(x, i) <= a(x, n), i in range(0, n);", // line 19: n is not kept
      ].join("\n"),
    );
    expect(appendsFresh(module, 12)).toBe(true);
    expect(appendsFresh(module, 13)).toBe(true);
    expect(appendsFresh(module, 14)).toBe(false);
    expect(appendsFresh(module, 15)).toBe(false);
    expect(appendsFresh(module, 16)).toBe(false);
    expect(appendsFresh(module, 17)).toBe(false);
    expect(appendsFresh(module, 18)).toBe(true);
    expect(appendsFresh(module, 19)).toBe(false);
  });

  it("keep sets when other rules add the same tuples, probe them, and later ticks write them again", async () => {
    const node = await nodeOf(
      [
        "input a(x: int, y: int);",
        "input b(x: int, y: int);",
        "input c(x: int, y: int, z: int);",
        "table both(x: int, y: int);",
        "scratch projected(x: int, y: int);",
        "output projected_size(n: int);",
        "scratch either(x: int, y: int);",
        "scratch only_a(x: int, y: int);",
        "output either_size(n: int);",
        "output only_a_size(n: int);",
        "output both_size(n: int);",
        "either(x, y) <= a(x, y);",
        "either(x, y) <= b(x, y);",
        "only_a(x, y) <= a(x, y), !either(y, x);",
        "both(x, y) <= a(x, y);",
        "projected(x, y) <= c(x, y, _);",
        "projected_size(count()) <= projected(_, _);",
        "either_size(count()) <= either(_, _);",
        "only_a_size(count()) <= only_a(_, _);",
        "both_size(count()) <= both(_, _);",
      ].join("\n"),
    );
    const a = Array.from({ length: 500 }, (_, i) => [i % 50, i]);
    const b = Array.from({ length: 500 }, (_, i) => [i % 50, i + 250]);
    const c = Array.from({ length: 300 }, (_, i) => [i % 10, i % 20, i]);
    const first = outputsOf(tickWith(node, { a, b, c }));
    expect(first["projected_size"]).toEqual([[20]]);
    expect(first["either_size"]).toEqual([[750]]);
    // only_a: rows of a whose reverse is not in either (a reverse exists only for x = y).
    const reversed = new Set([...a, ...b].map(([x, y]) => `${x},${y}`));
    expect(first["only_a_size"]).toEqual([[a.filter(([x, y]) => !reversed.has(`${y},${x}`)).length]]);
    expect(first["both_size"]).toEqual([[500]]);
    const second = outputsOf(tickWith(node, { a: a.slice(0, 100), b: [] }));
    expect(second["either_size"]).toEqual([[100]]);
    expect(second["both_size"]).toEqual([[500]]);
  });
});
