// Change capture and replay: after any sequence of ticks (failed ones included), replaying
// the per-tick records rebuilds exactly the node's state, and a node restored from it behaves
// the same as the original.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ProgramClass } from "../runtime/load.ts";
import type { NodeSnapshot } from "../runtime/program.ts";
import { withChangeCapture, type CapturingNode, type TuplesByName } from "../runtime/service/changes.ts";
import { Replay, type TickRecord } from "../runtime/service/records.ts";
import { compareTuples, type JsonValue } from "../runtime/values.ts";
import { compileProgram, FIXED_CONTEXT } from "./semantics-harness.ts";

const SOURCE = readFileSync(new URL("./fixtures/service/durable.hydro", import.meta.url), "utf8");

function sortedState(snapshot: NodeSnapshot) {
  const sortAll = (byName: Record<string, JsonValue[][]>) =>
    Object.fromEntries(
      Object.entries(byName)
        .filter(([, tuples]) => tuples.length > 0)
        .map(([name, tuples]) => [name, [...tuples].sort(compareTuples)])
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  return {
    nextTick: snapshot.nextTick,
    collections: sortAll(snapshot.collections),
    pending: { inserts: sortAll(snapshot.pending.inserts), deletes: sortAll(snapshot.pending.deletes), upserts: sortAll(snapshot.pending.upserts) },
    queued: sortAll(snapshot.queued),
  };
}

/** The record the service would write for the tick that just ran. */
function recordOf(node: CapturingNode, result: ReturnType<CapturingNode["tick"]>): TickRecord {
  const changes = node.takeChanges();
  const queued: TuplesByName = {};
  if (!result.failed) for (const message of result.sent) if (message.to === node.me) (queued[message.channel] ??= []).push(message.tuple as JsonValue[]);
  return { k: "tick", tick: result.tick, put: changes.put, removed: changes.removed, pending: node.pendingOperations(), queued, sends: [], consumed: {}, periodic: {} };
}

/** A deterministic stream of arrivals that exercises every rule. */
function* arrivals(seed: number): Generator<Record<string, JsonValue[][]>> {
  let state = seed;
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const keys = ["a", "b", "c", "d"];
  for (;;) {
    const line: Record<string, JsonValue[][]> = {};
    const k = keys[next(keys.length)]!;
    switch (next(7)) {
      case 0:
        line["set_kv"] = [[k, next(100)]];
        break;
      case 1:
        line["del_kv"] = [[k]];
        break;
      case 2:
        line["add"] = [[k, next(50)], [keys[next(4)]!, next(50)]];
        break;
      case 3:
        line["tag"] = [[k, `t${next(3)}`]];
        break;
      case 4:
        line["boom"] = [[k]];
        break;
      case 5:
        line["set_kv"] = [[k, next(100)]];
        line["del_kv"] = [[keys[next(4)]!]];
        break;
      default:
        break; // an empty tick: the previous tick's deferred operations still apply
    }
    yield line;
  }
}

describe("change capture", () => {
  let Program: ProgramClass;

  it("replays to the node's exact state after every tick, failed ticks included", async () => {
    Program ??= await compileProgram(SOURCE);
    const Capturing = withChangeCapture(Program);
    for (const seed of [1, 7, 42]) {
      const node = new Capturing({ me: "n1", context: FIXED_CONTEXT });
      const replay = new Replay(node.schema, null);
      let failures = 0;
      let ticks = 0;
      for (const line of arrivals(seed)) {
        if (ticks++ === 120) break;
        const pushed = node.pushArrivals(line);
        expect(pushed.ok).toBe(true);
        const result = node.tick();
        if (result.failed) failures++;
        replay.apply(recordOf(node, result));
        expect(sortedState(replay.nodeSnapshot()!)).toEqual(sortedState(node.snapshot()));
      }
      expect(failures).toBeGreaterThan(0);
    }
  });

  it("restores a node from the replayed state that answers like the original", async () => {
    Program ??= await compileProgram(SOURCE);
    const Capturing = withChangeCapture(Program);
    const original = new Capturing({ me: "n1", context: FIXED_CONTEXT });
    const replay = new Replay(original.schema, null);
    let ticks = 0;
    for (const line of arrivals(5)) {
      if (ticks++ === 60) break;
      original.pushArrivals(line);
      replay.apply(recordOf(original, original.tick()));
    }
    const restored = new Capturing({ me: "n1", context: FIXED_CONTEXT });
    restored.restore(replay.nodeSnapshot()!);
    for (const name of original.collectionNames) {
      if (["table", "lattice"].includes(original.schema.collections.find((c) => c.name === name)!.kind)) {
        expect(restored.read(name)).toEqual(original.read(name));
      }
    }
    // The same arrivals from here on give the same results and the same states.
    ticks = 0;
    for (const line of arrivals(99)) {
      if (ticks++ === 30) break;
      original.pushArrivals(line);
      restored.pushArrivals(line);
      expect(restored.tick()).toEqual(original.tick());
      expect(sortedState(restored.snapshot())).toEqual(sortedState(original.snapshot()));
    }
  });

  it("reports facts of tick 0 and nothing for a tick that changes nothing", async () => {
    const Facts = withChangeCapture(await compileProgram(`table edge(a: int, b: int); edge(1, 2); edge(2, 3); input go(x: int);`));
    const node = new Facts();
    node.tick();
    expect(node.takeChanges()).toEqual({ put: { edge: [[1, 2], [2, 3]] }, removed: {} });
    node.push("go", [[1]]);
    node.tick();
    expect(node.takeChanges()).toEqual({ put: {}, removed: {} });
  });
});
