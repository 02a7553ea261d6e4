// A counter travelling over a channel keeps its per-node counts: `sent` shows its total
// (LANGUAGE.md §6), but what reaches the other node is the lossless wire form, so counts
// contributed by different nodes add up instead of being taken for one node's count.

import { describe, expect, it } from "vitest";
import { wireTupleOf, type ProgramNode } from "../runtime/program.ts";
import type { JsonValue } from "../runtime/values.ts";
import { compileProgram } from "./semantics-harness.ts";

const PROGRAM = `
  input hit(k: string);
  input peer(a: addr);
  table peers(a: addr);
  lattice hits(k: string; n: counter);
  channel tally(@to: addr, k: string; n: counter);
  output total(k: string, n: int);
  peers(a) <= peer(a);
  hits(k, 1) <= hit(k);
  tally(a, k, n) <~ hits(k, n), peers(a);
  hits(k, n) <= tally(_, k, n);
  total(k, n) <= hits(k, n);
`;

/** Delivers every message each node sent to the other, until nothing more is sent. */
function exchange(nodes: Record<string, ProgramNode>, rounds: number): void {
  for (let round = 0; round < rounds; round++) {
    const mail: [string, string, JsonValue[]][] = [];
    for (const node of Object.values(nodes)) {
      const result = node.tick();
      if (result.failed) throw new Error(result.error.message);
      for (const message of result.sent) mail.push([message.to, message.channel, wireTupleOf(message)]);
    }
    for (const [to, channel, tuple] of mail) nodes[to]?.pushArrivals({ [channel]: [tuple] });
  }
}

describe("counters over channels", () => {
  it("adds up the counts of different nodes", async () => {
    const Program = await compileProgram(PROGRAM);
    const nodes = { n1: new Program({ me: "n1" }), n2: new Program({ me: "n2" }), n3: new Program({ me: "n3" }) };
    nodes.n1.push("peer", [["n3"]]);
    nodes.n2.push("peer", [["n3"]]);
    nodes.n1.push("hit", [["a"]]);
    nodes.n2.push("hit", [["a"], ["b"]]);
    exchange(nodes, 3);
    // n3 counted nothing itself and holds the counts of n1 and n2. (Taking each arriving total
    // for one unnamed node's count would give max(1, 1) = 1 for a.)
    expect(nodes.n3.read("hits")).toEqual([["a", 2], ["b", 1]]);
    expect(nodes.n3.read("total")).toEqual([["a", 2], ["b", 1]]);
  });

  it("shows the total in sent and sends the per-node counts", async () => {
    const Program = await compileProgram(PROGRAM);
    const node = new Program({ me: "n1" });
    node.push("peer", [["n2"]]);
    node.push("hit", [["a"]]);
    const result = node.tick();
    if (result.failed) throw new Error(result.error.message);
    expect(result.sent).toEqual([{ to: "n2", channel: "tally", tuple: ["n2", "a", 1] }]);
    expect(wireTupleOf(result.sent[0]!)).toEqual(["n2", "a", [["n1", 1]]]);
    expect(JSON.parse(JSON.stringify(result.sent))).toEqual([{ to: "n2", channel: "tally", tuple: ["n2", "a", 1] }]);
  });
});
