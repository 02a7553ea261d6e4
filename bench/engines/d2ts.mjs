#!/usr/bin/env node
// The d2ts (differential dataflow in TypeScript) comparison: TC and SG written with its
// `iterate` operator. In: `node bench/engines/d2ts.mjs tc|sg DIR` (DIR holds edge.facts or
// par.facts). Out: one line `path <count>` or `sg <count>`, like the hand-written baselines, so
// the harness reads every engine the same way.
//
// Why it is shaped so: `iterate` takes one stream, so the base relation travels inside the loop
// beside the derived one, tagged (0 = base, 1 = derived); each round joins the two and `distinct`
// keeps set semantics. The count is the number of (key, value) pairs whose total multiplicity
// in the output stream is positive.
//
// The input is closed (an empty frontier) once the data is sent, not merely advanced to version
// 1: this is a batch, nothing more will ever arrive. It also matters to d2ts 0.1.8's answers.
// With the input only advanced, the loop's frontier keeps two elements, {(1, 0), (0, k)}, so
// compaction keeps every finished round a version of its own; round 1 holds genuine zero
// differences (the seed retracted by `iterate`'s ingress and brought back by the feedback), and
// `Index.compact` deletes a key as a whole when one of its versions consolidates to nothing,
// dropping the key's round-0 data with it: TC chain200 then counts 594 paths instead of 19,900
// (d2ts's own examples/iterate.ts shows the same loss). With the input closed the frontier is
// {(0, k)} alone, compaction folds all finished rounds into one version, and a key is emptied
// only when its whole history cancels, so the counts are exact.
import { readFileSync } from "node:fs";
import { join as joinPath } from "node:path";
import { Antichain, D2, MessageType, MultiSet, concat, distinct, filter, iterate, join, map, output } from "@electric-sql/d2ts";

const BASE = 0;
const DERIVED = 1;

function readPairs(file) {
  const rows = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line === "") continue;
    const tab = line.indexOf("\t");
    rows.push([Number(line.slice(0, tab)), Number(line.slice(tab + 1))]);
  }
  return rows;
}

/** Runs the loop over tagged tuples `[key, [tag, value]]` and counts the derived ones. */
function runLoop(seed, step) {
  const graph = new D2({ initialFrontier: 0 });
  const input = graph.newInput();
  const multiplicity = new Map();
  input.pipe(
    iterate((stream) => stream.pipe(concat(step(stream)), distinct())),
    filter(([, [tag]]) => tag === DERIVED),
    output((message) => {
      if (message.type !== MessageType.DATA) return;
      for (const [[key, [, value]], count] of message.data.collection.getInner()) {
        const id = key + "," + value;
        multiplicity.set(id, (multiplicity.get(id) ?? 0) + count);
      }
    }),
  );
  graph.finalize();
  input.sendData(0, new MultiSet(seed.map((tuple) => [tuple, 1])));
  // Closed: see the header. graph.run() then returns once the loop has reached its fixpoint.
  input.sendFrontier(new Antichain([]));
  graph.run();
  let size = 0;
  for (const count of multiplicity.values()) if (count > 0) size++;
  return size;
}

const base = (stream) => stream.pipe(filter(([, [tag]]) => tag === BASE));
const derived = (stream) => stream.pipe(filter(([, [tag]]) => tag === DERIVED));

// path(x, y) <= edge(x, y);  path(x, z) <= path(x, y), edge(y, z);
function transitiveClosure(edges) {
  const seed = [];
  for (const [x, y] of edges) seed.push([x, [BASE, y]], [x, [DERIVED, y]]);
  return runLoop(seed, (stream) => {
    const edgeByFrom = base(stream).pipe(map(([x, [, y]]) => [x, y]));
    const pathByTo = derived(stream).pipe(map(([x, [, y]]) => [y, x]));
    return pathByTo.pipe(
      join(edgeByFrom),
      map(([, [x, z]]) => [x, [DERIVED, z]]),
    );
  });
}

// sg(x, y) <= par(x, p), par(y, p), x != y;  sg(x, y) <= par(x, a), sg(a, b), par(y, b);
// The base tuples are par keyed by child: [child, [BASE, parent]].
function sameGeneration(parents) {
  const byParent = new Map();
  for (const [child, parent] of parents) {
    const children = byParent.get(parent) ?? [];
    children.push(child);
    byParent.set(parent, children);
  }
  const seed = parents.map(([child, parent]) => [child, [BASE, parent]]);
  // The non-recursive rule is evaluated outside the loop, as its seed.
  for (const children of byParent.values())
    for (const x of children) for (const y of children) if (x !== y) seed.push([x, [DERIVED, y]]);
  return runLoop(seed, (stream) => {
    const parByParent = base(stream).pipe(map(([child, [, parent]]) => [parent, child]));
    // sg(a, b) joined on a with par(x, a) → (b, x); then on b with par(y, b) → sg(x, y).
    const withX = derived(stream)
      .pipe(map(([a, [, b]]) => [a, b]))
      .pipe(join(parByParent), map(([, [b, x]]) => [b, x]));
    return withX.pipe(
      join(parByParent),
      map(([, [x, y]]) => [x, [DERIVED, y]]),
    );
  });
}

const [workload, directory] = process.argv.slice(2);
if (workload === "tc") {
  console.log(`path\t${transitiveClosure(readPairs(joinPath(directory, "edge.facts")))}`);
} else if (workload === "sg") {
  console.log(`sg\t${sameGeneration(readPairs(joinPath(directory, "par.facts")))}`);
} else {
  console.error("usage: node bench/engines/d2ts.mjs tc|sg DIR");
  process.exit(2);
}
