// The coverage program (every lattice, aggregate, most built-ins, externs, every collection kind
// and rule operator) run for three ticks, with every derived value checked by hand.

import { describe, expect, it } from "vitest";
import { hashValue } from "../runtime/values.ts";
import { COVERAGE, UDFS } from "./emit-coverage-program.ts";
import { FIXED_CONTEXT, nodeOnDisk, outputsOf, tickWith } from "./semantics-harness.ts";

describe("the coverage program", () => {
  it("derives what every rule says", async () => {
    const node = await nodeOnDisk(COVERAGE, { "udfs.ts": UDFS }, { me: "n0", context: FIXED_CONTEXT });
    const first = tickWith(node, {
      obs: [
        ["ab", 3, 1.5, true, { x: 1 }, "n1"],
        ["ab", 5, 0.5, false, [1], "n2"],
      ],
      cfg: [["ab", [2, ["p"]]]],
      tick_every: [[3]],
    });
    expect(first.failed).toBeUndefined();
    if (first.failed) return;
    expect(first.outputs).toEqual({
      stats: [["ab", 2, 2, 8, 3, 5, 4, "ab"]],
      everything: [["ab", [3, 5]]],
      derived: [
        ["ABab", 0.75, 29, "[1]", true, 7 + hashValue("ab"), "n0"],
        ["ABab", 2.25, 12, '{"x', true, 7 + hashValue("ab"), "n0"],
      ],
      reads: [["ab", 2, false, 5, 4]],
    });
    expect(first.sent).toEqual([
      { to: "n1", channel: "note", tuple: ["n1", "ab", 3] },
      { to: "n2", channel: "note", tuple: ["n2", "ab", 5] },
    ]);
    expect(node.read("hi")).toEqual([["ab", 5]]);
    expect(node.read("lo")).toEqual([["ab", 0.5]]);
    expect(node.read("members")).toEqual([["ab", ["n1", "n2"]]]);
    expect(node.read("flags")).toEqual([["ab", true, false]]);
    expect(node.read("reg")).toEqual([["ab", [5, "n2", "ab"]]]);
    expect(node.read("hits")).toEqual([["ab", 1]]);
    expect(node.read("per")).toEqual([["ab", [["ab", 5]]]]);
    expect(node.read("pairs")).toEqual([["ab", [5, ["ab", "p"]]]]);
    expect(node.read("total")).toEqual([[5]]);
    expect(node.read("numbers")).toEqual([[0], [1], [2]]);
    expect(node.read("kv")).toEqual([]);

    const second = tickWith(node, {});
    expect(outputsOf(second)).toEqual({ reads: [["ab", 2, false, 5, 4]] });
    // The upsert of tick 0 applied at tick 1; tick 1 saw no obs, so kv's tuple is deleted at tick 2.
    expect(node.read("kv")).toEqual([["ab", "AB"]]);
    tickWith(node, {});
    expect(node.read("kv")).toEqual([]);
    expect(node.read("numbers")).toEqual([]);
  });
});
