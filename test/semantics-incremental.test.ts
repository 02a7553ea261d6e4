// Incremental strata (lower.ts, incrementalCollections): a table that only grows through
// monotone rules starts each tick from the rows added since the last committed tick. The
// oracle is the same program with incrementality switched off by a rule that never fires
// (a deletion from an input nobody fills makes the table not grow-only): after every tick of
// a random schedule, both nodes must hold the same contents everywhere, including after failed
// ticks (key violations), deletions and replacements in the tables the rules read, lattice
// values growing in place, and per-tick collections in the same stratum. (A rule reading
// lattice values of its own stratum is never incremental.)

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ProgramNode } from "../runtime/program.ts";
import type { JsonValue } from "../runtime/values.ts";
import { compileProgram } from "./semantics-harness.ts";
import { compileSourceToIr } from "../compiler/index.ts";
import { memoryHost } from "../compiler/host.ts";
import { makeSource } from "../compiler/source.ts";

const PROGRAM = `
  input link(x: int, y: int);
  input unlink(x: int, y: int);
  input label(x: int, name: string);
  input bump(x: int, v: int);
  input wish(x: int);
  table edge(x: int, y: int);
  table named(x: int, name: string) key(x);
  lattice level(x: int; v: max<int>);
  scratch fresh(x: int);
  table counted(n: int);
  table path(x: int, y: int);
  table tagged(x: int, name: string, y: int);
  table high(x: int, y: int);
  table later(x: int);
  output reached(n: int);

  edge(x, y) <= link(x, y);
  edge(x, y) <- unlink(x, y);
  named(x, n) <+- label(x, n);
  level(x, v) <= bump(x, v);
  fresh(x) <= wish(x);
  fresh(x) <= path(x, x);

  path(x, y) <= edge(x, y);
  path(x, z) <= path(x, y), edge(y, z);
  path(x, y) <= fresh(x), edge(y, x);
  tagged(x, n, y) <= path(x, y), named(y, n);
  // counted (an aggregate over level) puts high in a stratum above level: level's values grow
  // in place before high's stratum runs, which the runtime must notice.
  counted(count()) <= level(_, _);
  high(x, y) <= path(x, y), level(y, v), v > 2, counted(n), n > 0;
  later(x) <+ wish(x);
  reached(count()) <= path(_, _);
`;

/** The same program with every growing table made ineligible by a deletion that never fires. */
const ORACLE = `${PROGRAM}
  input never(x: int, y: int);
  path(x, y) <- never(x, y);
  tagged(x, "", y) <- never(x, y);
  high(x, y) <- never(x, y);
  later(x) <- never(x, _);
`;

/** The collections whose rules got incremental plans. */
function growingTables(text: string): string[] {
  const result = compileSourceToIr(makeSource("/virtual/p.hydro", text), memoryHost({ "/virtual/p.hydro": text }));
  if (result.ir === null) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  return [...new Set(result.ir.rules.filter((rule) => rule.incrementalPlans.length > 0).map((rule) => rule.head))].sort();
}

const NAMES = ["path", "tagged", "high", "later", "edge", "named", "level", "fresh"];

function contents(node: ProgramNode): Record<string, unknown> {
  return Object.fromEntries(NAMES.map((name) => [name, node.read(name)]));
}

const node = fc.integer({ min: 0, max: 6 });
const arrivals = fc.record(
  {
    link: fc.array(fc.tuple(node, node), { maxLength: 3 }),
    unlink: fc.array(fc.tuple(node, node), { maxLength: 1 }),
    // Two labels of one node in one tick are a key violation at the next tick: it fails.
    label: fc.array(fc.tuple(node, fc.constantFrom("a", "b")), { maxLength: 2 }),
    bump: fc.array(fc.tuple(node, fc.integer({ min: 0, max: 5 })), { maxLength: 2 }),
    wish: fc.array(node, { maxLength: 1 }).map((xs) => xs.map((x) => [x])),
  },
  { requiredKeys: [] },
);

describe("incremental strata", () => {
  it("marks growing tables incremental and leaves the oracle's alone", () => {
    // edge has a deletion, named a key, level a lattice column, fresh is per-tick.
    expect(growingTables(PROGRAM)).toEqual(["high", "path", "tagged"]);
    expect(growingTables(ORACLE)).toEqual([]);
  });

  it("derives what a full evaluation derives, tick after tick", async () => {
    const Incremental = await compileProgram(PROGRAM);
    const Full = await compileProgram(ORACLE);
    fc.assert(
      fc.property(fc.array(arrivals, { minLength: 1, maxLength: 12 }), (schedule) => {
        const incremental = new Incremental({ me: "n" });
        const full = new Full({ me: "n" });
        for (const tick of schedule) {
          const json = tick as Record<string, JsonValue[][]>;
          expect(incremental.pushArrivals(json)).toEqual({ ok: true });
          expect(full.pushArrivals(json)).toEqual({ ok: true });
          const a = incremental.tick();
          const b = full.tick();
          expect(a).toEqual(b);
          expect(contents(incremental)).toEqual(contents(full));
        }
      }),
      { numRuns: 250 },
    );
  });
});
