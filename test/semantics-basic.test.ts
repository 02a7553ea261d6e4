import { describe, expect, it } from "vitest";
import { nodeOf, outputsOf, tickWith } from "./semantics-harness.ts";

describe("smoke", () => {
  it("computes a transitive closure", async () => {
    const node = await nodeOf(`
      input edge(x: int, y: int);
      table path(x: int, y: int);
      output reach(x: int, y: int);
      path(x, y) <= edge(x, y);
      path(x, z) <= path(x, y), edge(y, z);
      reach(x, y) <= path(x, y);
    `);
    const result = tickWith(node, { edge: [[1, 2], [2, 3], [3, 4]] });
    expect(outputsOf(result).reach).toEqual([[1, 2], [1, 3], [1, 4], [2, 3], [2, 4], [3, 4]]);
  });
});
