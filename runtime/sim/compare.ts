// Comparing runs: do two schedules end with the same outputs and state, and if not, where do
// the outcomes and the schedules first part?
// In: RunResults of one topology under different seeds, and the aspects to compare (outputs,
// state). Out: a fingerprint per run (equal fingerprints, equal outcomes), the first differing
// tuple (node, aspect, collection, and the tuples only one run has), and the first place where
// the two schedules differ.
// Why schedules are compared by order and not by time: two seeds almost never give the same
// delays, yet a different delay only matters when it changes which message a node sees first.
// Each node's view is aligned on content (who received what from whom, in which order), so the
// first difference shown is the first reordering, loss or duplicate, with the times beside it.

import { canonicalJson, compareTuples, type JsonValue } from "../values.ts";
import type { RunResult, ScheduleEntry } from "./simulation.ts";
import type { CompareAspect } from "./topology.ts";

/** A canonical text of everything compared; equal texts mean agreeing outcomes. */
export function fingerprint(run: RunResult, aspects: readonly CompareAspect[]): string {
  const parts: string[] = [];
  for (const [name, outcome] of [...run.nodes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const aspect of aspects) {
      const collections = outcome[aspect];
      for (const collection of Object.keys(collections).sort()) {
        parts.push(`${name}\u0000${aspect}\u0000${collection}\u0000${canonicalJson(collections[collection])}`);
      }
    }
  }
  return parts.join("\n");
}

export interface OutcomeDifference {
  readonly node: string;
  readonly aspect: CompareAspect;
  readonly collection: string;
  /** Tuples of this collection present in the first run only, and in the second run only. */
  readonly onlyInFirst: readonly JsonValue[][];
  readonly onlyInSecond: readonly JsonValue[][];
}

/** The first collection (nodes in topology order, outputs before state) whose tuples differ. */
export function firstDifference(first: RunResult, second: RunResult, aspects: readonly CompareAspect[]): OutcomeDifference | null {
  for (const [node, a] of first.nodes) {
    const b = second.nodes.get(node);
    if (b === undefined) continue;
    for (const aspect of (["outputs", "state"] as const).filter((name) => aspects.includes(name))) {
      const names = [...new Set([...Object.keys(a[aspect]), ...Object.keys(b[aspect])])];
      for (const collection of names) {
        const left = a[aspect][collection] ?? [];
        const right = b[aspect][collection] ?? [];
        const { onlyInFirst, onlyInSecond } = symmetricDifference(left, right);
        if (onlyInFirst.length > 0 || onlyInSecond.length > 0) return { node, aspect, collection, onlyInFirst, onlyInSecond };
      }
    }
  }
  return null;
}

/** Both inputs sorted (compareTuples); the tuples of each that the other lacks, in order. */
function symmetricDifference(left: readonly JsonValue[][], right: readonly JsonValue[][]): { onlyInFirst: JsonValue[][]; onlyInSecond: JsonValue[][] } {
  const onlyInFirst: JsonValue[][] = [];
  const onlyInSecond: JsonValue[][] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) onlyInFirst.push(left[i++]!);
    else if (i >= left.length) onlyInSecond.push(right[j++]!);
    else {
      const order = compareTuples(left[i]!, right[j]!);
      if (order === 0) {
        i++;
        j++;
      } else if (order < 0) onlyInFirst.push(left[i++]!);
      else onlyInSecond.push(right[j++]!);
    }
  }
  return { onlyInFirst, onlyInSecond };
}

/** What an entry is, without its time and tick: the key on which schedules are aligned. */
export function entryIdentity(entry: ScheduleEntry): string {
  switch (entry.kind) {
    case "deliver":
    case "drop":
      return `${entry.kind} ${entry.node} ${entry.from} ${entry.channel} ${canonicalJson(entry.tuple)}${entry.kind === "drop" ? ` ${entry.reason}` : ""}`;
    case "input":
      return `input ${entry.node} ${entry.collections.join(",")}${entry.dropped ? " dropped" : ""}`;
    case "timer":
      return `timer ${entry.node} ${entry.collection} ${entry.firing}`;
    case "crash":
    case "restart":
      return `${entry.kind} ${entry.node}`;
    case "failure":
      return `failure ${entry.node} ${entry.message}`;
  }
}

export interface ScheduleDifference {
  /** The node whose view differs first. */
  readonly node: string;
  /** That node's entries in each schedule (deliveries, drops, inputs, crashes, failures). */
  readonly first: readonly ScheduleEntry[];
  readonly second: readonly ScheduleEntry[];
  /** The index in each list of the first entry that differs (the lists agree before them). */
  readonly firstIndex: number;
  readonly secondIndex: number;
}

/** Where a differing output tuple was first emitted: in which run, by which node, in which tick. */
export interface OutputOrigin {
  readonly run: "first" | "second";
  readonly node: string;
  readonly tick: number;
  readonly time: number;
  readonly tuple: readonly JsonValue[];
}

/**
 * Where two schedules first part, seen from the nodes. Each node's view is the sequence of what
 * reached it (timer firings left out: they happen in every schedule), cut into tick batches.
 * With the origin of a differing output tuple, the search follows the tuple upstream: when the
 * tick that emitted it (or an earlier tick of that node) took a message the other schedule never
 * delivered there, the message's sender behaved differently, so the cause is looked for at the
 * tick that sent it. The answer is the first node reached that took only messages the other
 * schedule delivered too — in another order or other batches: the race itself. Otherwise (a
 * state difference, or no view differs there), the node whose view differs earliest.
 */
export function firstScheduleDifference(
  first: readonly ScheduleEntry[],
  second: readonly ScheduleEntry[],
  nodes: readonly string[],
  origin?: OutputOrigin,
): ScheduleDifference | null {
  if (origin !== undefined) {
    const [mine, other] = origin.run === "first" ? [first, second] : [second, first];
    const cause = traceCause(mine, other, origin.node, origin.tick, new Set());
    const found = nodeDifference(first, second, cause);
    if (found !== null) return found;
  }
  let best: ScheduleDifference | null = null;
  let bestTime = Infinity;
  for (const node of nodes) {
    const difference = nodeDifference(first, second, node);
    if (difference === null) continue;
    const time = differenceTime(difference);
    if (time < bestTime) {
      best = difference;
      bestTime = time;
    }
  }
  return best;
}

function traceCause(mine: readonly ScheduleEntry[], other: readonly ScheduleEntry[], node: string, tick: number, visited: Set<string>): string {
  visited.add(`${node}\u0000${tick}`);
  const delivered = new Set(other.filter((entry) => entry.kind === "deliver" && entry.node === node).map(entryIdentity));
  const unmatched = mine.filter(
    (entry): entry is Extract<ScheduleEntry, { kind: "deliver" }> =>
      entry.kind === "deliver" && entry.node === node && entry.tick <= tick && !delivered.has(entryIdentity(entry)),
  );
  // The tick's own batch first, then earlier ticks, latest first: the nearest cause.
  unmatched.sort((a, b) => (a.tick === tick ? -1 : 0) - (b.tick === tick ? -1 : 0) || b.tick - a.tick);
  for (const entry of unmatched) {
    if (visited.has(`${entry.from}\u0000${entry.sentTick}`)) continue;
    return traceCause(mine, other, entry.from, entry.sentTick, visited);
  }
  return node;
}

function nodeDifference(first: readonly ScheduleEntry[], second: readonly ScheduleEntry[], node: string): ScheduleDifference | null {
  const a = nodeView(first, node);
  const b = nodeView(second, node);
  const batchesA = batches(a);
  const batchesB = batches(b);
  let batch = 0;
  while (batch < batchesA.length && batch < batchesB.length && batchesA[batch]!.identity === batchesB[batch]!.identity) batch++;
  if (batch === batchesA.length && batch === batchesB.length) return null;
  return { node, first: a, second: b, firstIndex: batchesA[batch]?.start ?? a.length, secondIndex: batchesB[batch]?.start ?? b.length };
}

function differenceTime(difference: ScheduleDifference): number {
  return Math.min(difference.first[difference.firstIndex]?.time ?? Infinity, difference.second[difference.secondIndex]?.time ?? Infinity);
}

/**
 * A node's view cut into the batches its ticks took together (a crash or restart is a batch of
 * its own): two messages taken in one tick or in two ticks may give different results, so the
 * batches, not only the order, are compared. Within a batch the order does not matter.
 */
function batches(view: readonly ScheduleEntry[]): { identity: string; start: number }[] {
  const result: { start: number; parts: string[] }[] = [];
  let current: { start: number; parts: string[] } | null = null;
  let currentTick: number | null = null;
  view.forEach((entry, index) => {
    const tick = entry.kind === "deliver" || entry.kind === "input" || entry.kind === "failure" ? entry.tick : null;
    if (tick === null) {
      // A loss, crash or restart: a batch of its own, which does not cut the tick around it.
      result.push({ start: index, parts: [entryIdentity(entry)] });
      if (entry.kind !== "drop") current = null;
      return;
    }
    if (current === null || tick !== currentTick) {
      current = { start: index, parts: [] };
      result.push(current);
      currentTick = tick;
    }
    current.parts.push(entryIdentity(entry));
  });
  return result.map(({ start, parts }) => ({ start, identity: parts.sort().join("\n") }));
}

function nodeView(schedule: readonly ScheduleEntry[], node: string): ScheduleEntry[] {
  return schedule.filter((entry) => entry.node === node && entry.kind !== "timer");
}
