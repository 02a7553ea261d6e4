// The scripted inputs of a topology, checked against the programs that will receive them.
// In: a parsed Topology and each node's program schema. Out: located HY5006 diagnostics for
// arrivals that name no input, channel or periodic of the node's program, or whose tuples have
// the wrong arity or types; the arrivals as plain JSON objects ready for `pushArrivals`.
// Why before the first run: a bad tuple would otherwise surface only when its time comes, once
// per schedule; checked here, the mistake is reported once, at the tuple, before anything runs.

import { decodeCollectionArrivals } from "../arrivals.ts";
import { diagnostic, type Diagnostic } from "../../compiler/diagnostics.ts";
import { spanOf } from "../../compiler/source.ts";
import type { ProgramSchema } from "../schema.ts";
import { plainJson, type LocatedValue } from "./located-json.ts";
import type { Topology } from "./topology.ts";

export function checkScriptedInputs(topology: Topology, schemas: ReadonlyMap<string, ProgramSchema>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const at = (value: { start: number; end: number }) => spanOf(topology.source, value.start, value.end);
  for (const input of topology.inputs) {
    const schema = schemas.get(input.node);
    if (schema === undefined || input.arrivals.kind !== "object") continue;
    for (const entry of input.arrivals.entries) {
      const collection = schema.collections.find((candidate) => candidate.name === entry.key);
      const keySpan = at({ start: entry.keyStart, end: entry.keyEnd });
      if (collection === undefined) {
        const takers = schema.collections
          .filter((candidate) => candidate.kind === "input" || candidate.kind === "channel" || candidate.kind === "periodic")
          .map((candidate) => candidate.name);
        diagnostics.push(
          diagnostic("HY5006", keySpan, `node ${JSON.stringify(input.node)} (module ${schema.moduleName}) has no collection ${JSON.stringify(entry.key)}`, {
            help: takers.length === 0 ? "its program declares no input, channel or periodic" : `it takes arrivals into ${takers.join(", ")}`,
          }),
        );
        continue;
      }
      if (entry.value.kind !== "array") {
        diagnostics.push(diagnostic("HY5006", at(entry.value), `${entry.key}: expected an array of tuples`));
        continue;
      }
      const whole = decodeCollectionArrivals(collection, []);
      if (!whole.ok) {
        diagnostics.push(diagnostic("HY5006", keySpan, whole.message));
        continue;
      }
      for (const tuple of entry.value.items) {
        const decoded = decodeCollectionArrivals(collection, [plainJson(tuple)]);
        if (!decoded.ok) diagnostics.push(diagnostic("HY5006", at(tuple), decoded.message.replace(", tuple 1", "")));
      }
    }
  }
  return diagnostics;
}

/** The arrivals object of a scripted input as plain JSON (LANGUAGE.md §6). */
export function arrivalsJson(arrivals: LocatedValue): Record<string, unknown> {
  return plainJson(arrivals) as Record<string, unknown>;
}
