// The topology of a simulation: which nodes run which program, how the network misbehaves,
// when nodes crash, what each node is told from outside, and what the runs must agree on.
// In: the text of a topology.json and its path. Out: a validated Topology (program paths made
// absolute, relative to the topology file; defaults filled in) or located diagnostics
// (HY5004 shape, HY5005 unknown node) for every mistake found, not only the first.
// Why a checker of our own: a topology is written by hand, and "expected a number at
// topology.json:14:19" with a code frame beats a stack trace. The scripted inputs are checked
// against the programs' schemas later (checkScriptedInputs), once the programs are compiled.
//
// The format (all times in simulated milliseconds from 0):
//   {"nodes": [{"name": "server1", "program": "cart.hydro"}, …],            required, ≥ 1 node
//    "network": {"delay": [1, 10],     each message takes min..max ms (integers, uniform)
//                "reorder": true,      false: each sender→receiver link delivers in send order
//                "duplicate": 0.1,     probability that a message is delivered twice
//                "loss": 0.05,         probability that a message (each copy) is dropped
//                "partitions": [{"from": 100, "to": 400, "groups": [["a"], ["b", "c"]]}]},
//    "crashes": [{"node": "server1", "at": 50, "restart": 300}],         restart optional
//    "inputs": {"client": [{"at": 0, "arrivals": {"action": [["server1", 1, "apples", 2]]}}]},
//    "until": 5000,                    stop at this time (default: when nothing is in flight)
//    "compare": ["outputs", "state"]}  what the schedules must agree on (default both)

import { dirname, isAbsolute, resolve } from "node:path";
import { diagnostic, sortDiagnostics, type Diagnostic, type DiagnosticCode } from "../../compiler/diagnostics.ts";
import { makeSource, spanOf, type SourceFile, type Span } from "../../compiler/source.ts";
import { describeKind, parseLocatedJson, type LocatedEntry, type LocatedValue } from "./located-json.ts";

export interface TopologyNode {
  readonly name: string;
  /** Absolute path of the node's .hydro program. */
  readonly program: string;
  /** Where the program path is written, for "cannot read" and compile errors. */
  readonly programSpan: Span;
}

export interface Partition {
  readonly from: number;
  readonly to: number;
  readonly groups: readonly (readonly string[])[];
}

export interface NetworkModel {
  readonly delay: readonly [number, number];
  readonly reorder: boolean;
  readonly duplicate: number;
  readonly loss: number;
  readonly partitions: readonly Partition[];
}

export interface Crash {
  readonly node: string;
  readonly at: number;
  /** null: the node stays down until the end of the run. */
  readonly restart: number | null;
}

export interface ScriptedInput {
  readonly node: string;
  readonly at: number;
  /** The arrivals object as written (LANGUAGE.md §6 JSON), checked by checkScriptedInputs. */
  readonly arrivals: LocatedValue;
}

export type CompareAspect = "outputs" | "state";

export interface Topology {
  readonly path: string;
  readonly source: SourceFile;
  readonly nodes: readonly TopologyNode[];
  readonly network: NetworkModel;
  readonly crashes: readonly Crash[];
  /** Sorted by time, then in the order written. */
  readonly inputs: readonly ScriptedInput[];
  readonly until: number | null;
  readonly compare: readonly CompareAspect[];
}

export const DEFAULT_NETWORK: NetworkModel = { delay: [1, 10], reorder: true, duplicate: 0, loss: 0, partitions: [] };

export interface TopologyResult {
  readonly topology: Topology | null;
  readonly source: SourceFile;
  readonly diagnostics: readonly Diagnostic[];
}

export function parseTopology(path: string, text: string): TopologyResult {
  const source = makeSource(path, text);
  const parsed = parseLocatedJson(text);
  if (!parsed.ok) {
    const span = spanOf(source, parsed.offset, Math.min(text.length, parsed.offset + 1));
    return { topology: null, source, diagnostics: [diagnostic("HY5004", span, `not valid JSON: ${parsed.message}`)] };
  }
  const reader = new TopologyReader(source);
  const topology = reader.topology(parsed.value);
  return { topology: reader.diagnostics.length === 0 ? topology : null, source, diagnostics: sortDiagnostics(reader.diagnostics) };
}

const TOP_FIELDS = ["nodes", "network", "crashes", "inputs", "until", "compare"];
const NETWORK_FIELDS = ["delay", "reorder", "duplicate", "loss", "partitions"];

class TopologyReader {
  readonly diagnostics: Diagnostic[] = [];
  private readonly names = new Set<string>();

  constructor(private readonly source: SourceFile) {}

  span(value: { start: number; end: number }): Span {
    return spanOf(this.source, value.start, value.end);
  }

  error(code: DiagnosticCode, at: { start: number; end: number }, message: string, help?: string): void {
    this.diagnostics.push(diagnostic(code, this.span(at), message, help === undefined ? {} : { help }));
  }

  topology(root: LocatedValue): Topology {
    const fields = this.object(root, "the topology", TOP_FIELDS);
    const nodes = fields.has("nodes") ? this.nodes(fields.get("nodes")!.value) : [];
    if (!fields.has("nodes")) this.error("HY5004", root, "the topology has no \"nodes\"", `add "nodes": [{"name": "a", "program": "a.hydro"}]`);
    const network = fields.has("network") ? this.network(fields.get("network")!.value) : DEFAULT_NETWORK;
    const crashes = fields.has("crashes") ? this.crashes(fields.get("crashes")!.value) : [];
    const inputs = fields.has("inputs") ? this.inputs(fields.get("inputs")!.value) : [];
    const untilValue = fields.get("until")?.value;
    const until = untilValue === undefined ? null : this.time(untilValue, "\"until\"");
    const compare = fields.has("compare") ? this.compare(fields.get("compare")!.value) : (["outputs", "state"] as const);
    return {
      path: this.source.path,
      source: this.source,
      nodes,
      network,
      crashes,
      inputs: [...inputs].sort((a, b) => a.at - b.at),
      until,
      compare,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Sections

  private nodes(value: LocatedValue): TopologyNode[] {
    const nodes: TopologyNode[] = [];
    const items = this.array(value, "\"nodes\"");
    if (items !== null && items.length === 0) this.error("HY5004", value, "\"nodes\" is empty: a simulation needs at least one node");
    for (const item of items ?? []) {
      const fields = this.object(item, "a node", ["name", "program"]);
      const name = this.requiredString(fields, item, "name", "a node");
      const program = this.requiredString(fields, item, "program", "a node");
      if (name !== null) {
        if (name.value === "") this.error("HY5004", name.at, "a node's name must not be empty");
        else if (this.names.has(name.value)) this.error("HY5004", name.at, `two nodes are named ${JSON.stringify(name.value)}`);
        this.names.add(name.value);
      }
      if (name !== null && program !== null) {
        const directory = dirname(this.source.path);
        const path = isAbsolute(program.value) ? program.value : resolve(directory, program.value);
        nodes.push({ name: name.value, program: path, programSpan: this.span(program.at) });
      }
    }
    return nodes;
  }

  private network(value: LocatedValue): NetworkModel {
    const fields = this.object(value, "\"network\"", NETWORK_FIELDS);
    let delay = DEFAULT_NETWORK.delay;
    const delayValue = fields.get("delay")?.value;
    if (delayValue !== undefined) {
      const items = this.array(delayValue, "\"delay\"");
      if (items !== null) {
        if (items.length !== 2) this.error("HY5004", delayValue, "\"delay\" is [min, max] in milliseconds, e.g. [1, 10]");
        else {
          const min = this.time(items[0]!, "the minimum delay");
          const max = this.time(items[1]!, "the maximum delay");
          if (min !== null && max !== null) {
            if (min > max) this.error("HY5004", delayValue, `the minimum delay ${min} is above the maximum ${max}`);
            else delay = [min, max];
          }
        }
      }
    }
    const reorderValue = fields.get("reorder")?.value;
    let reorder = DEFAULT_NETWORK.reorder;
    if (reorderValue !== undefined) {
      if (reorderValue.kind === "boolean") reorder = reorderValue.value;
      else this.error("HY5004", reorderValue, `"reorder" must be true or false, not ${describeKind(reorderValue)}`);
    }
    const duplicate = this.probability(fields.get("duplicate")?.value, "\"duplicate\"") ?? DEFAULT_NETWORK.duplicate;
    const loss = this.probability(fields.get("loss")?.value, "\"loss\"") ?? DEFAULT_NETWORK.loss;
    const partitionsValue = fields.get("partitions")?.value;
    const partitions = partitionsValue === undefined ? [] : this.partitions(partitionsValue);
    return { delay, reorder, duplicate, loss, partitions };
  }

  private partitions(value: LocatedValue): Partition[] {
    const partitions: Partition[] = [];
    for (const item of this.array(value, "\"partitions\"") ?? []) {
      const fields = this.object(item, "a partition", ["from", "to", "groups"]);
      const from = this.requiredTime(fields, item, "from", "a partition");
      const to = this.requiredTime(fields, item, "to", "a partition");
      if (from !== null && to !== null && to <= from) this.error("HY5004", item, `a partition must end after it starts (from ${from}, to ${to})`);
      const groupsValue = fields.get("groups")?.value;
      if (groupsValue === undefined) {
        this.error("HY5004", item, "a partition needs \"groups\", e.g. [[\"a\"], [\"b\", \"c\"]]");
        continue;
      }
      const groups: string[][] = [];
      const placed = new Set<string>();
      for (const groupValue of this.array(groupsValue, "\"groups\"") ?? []) {
        const group: string[] = [];
        for (const member of this.array(groupValue, "a group") ?? []) {
          const name = this.nodeName(member);
          if (name === null) continue;
          if (placed.has(name)) this.error("HY5004", member, `node ${JSON.stringify(name)} is in two groups of one partition`);
          placed.add(name);
          group.push(name);
        }
        groups.push(group);
      }
      if (from !== null && to !== null) partitions.push({ from, to, groups });
    }
    return partitions;
  }

  private crashes(value: LocatedValue): Crash[] {
    const crashes: Crash[] = [];
    for (const item of this.array(value, "\"crashes\"") ?? []) {
      const fields = this.object(item, "a crash", ["node", "at", "restart"]);
      const nodeValue = fields.get("node")?.value;
      const node = nodeValue === undefined ? null : this.nodeName(nodeValue);
      if (nodeValue === undefined) this.error("HY5004", item, "a crash needs \"node\"");
      const at = this.requiredTime(fields, item, "at", "a crash");
      const restartValue = fields.get("restart")?.value;
      const restart = restartValue === undefined || restartValue.kind === "null" ? null : this.time(restartValue, "\"restart\"");
      if (at !== null && restart !== null && restart <= at) {
        this.error("HY5004", restartValue!, `a node must restart after it crashes (at ${at}, restart ${restart})`);
        continue;
      }
      if (node === null || at === null) continue;
      const overlapping = crashes.find((other) => other.node === node && other.at <= (restart ?? Infinity) && at <= (other.restart ?? Infinity));
      if (overlapping !== undefined) {
        this.error("HY5004", item, `node ${JSON.stringify(node)} is already down at ${at} (crashed at ${overlapping.at})`);
        continue;
      }
      crashes.push({ node, at, restart });
    }
    return crashes;
  }

  private inputs(value: LocatedValue): ScriptedInput[] {
    const inputs: ScriptedInput[] = [];
    if (value.kind !== "object") {
      this.error("HY5004", value, `"inputs" maps node names to lists of {"at": ms, "arrivals": {...}}, not ${describeKind(value)}`);
      return inputs;
    }
    for (const entry of value.entries) {
      const known = this.names.has(entry.key);
      if (!known) this.unknownNode(entry.key, { start: entry.keyStart, end: entry.keyEnd });
      for (const item of this.array(entry.value, `the inputs of ${JSON.stringify(entry.key)}`) ?? []) {
        const fields = this.object(item, "a scripted input", ["at", "arrivals"]);
        const at = this.requiredTime(fields, item, "at", "a scripted input");
        const arrivals = fields.get("arrivals")?.value;
        if (arrivals === undefined) this.error("HY5004", item, "a scripted input needs \"arrivals\", e.g. {\"put\": [[\"k\", \"v\"]]}");
        else if (arrivals.kind !== "object") {
          this.error("HY5004", arrivals, `"arrivals" is an object of tuple lists like {"put": [["k", "v"]]}, not ${describeKind(arrivals)}`);
          continue;
        }
        if (known && at !== null && arrivals !== undefined) inputs.push({ node: entry.key, at, arrivals });
      }
    }
    return inputs;
  }

  private compare(value: LocatedValue): CompareAspect[] {
    const aspects: CompareAspect[] = [];
    for (const item of this.array(value, "\"compare\"") ?? []) {
      if (item.kind === "string" && (item.value === "outputs" || item.value === "state")) {
        if (!aspects.includes(item.value)) aspects.push(item.value);
      } else this.error("HY5004", item, `"compare" lists "outputs" and/or "state", not ${describeKind(item)}`);
    }
    if (value.kind === "array" && value.items.length === 0) this.error("HY5004", value, "\"compare\" is empty: name \"outputs\", \"state\" or both");
    return aspects;
  }

  // -------------------------------------------------------------------------------------------
  // Values

  private object(value: LocatedValue, what: string, allowed: readonly string[]): Map<string, LocatedEntry> {
    const fields = new Map<string, LocatedEntry>();
    if (value.kind !== "object") {
      this.error("HY5004", value, `${what} must be an object, not ${describeKind(value)}`);
      return fields;
    }
    for (const entry of value.entries) {
      if (allowed.includes(entry.key)) fields.set(entry.key, entry);
      else {
        this.error(
          "HY5004",
          { start: entry.keyStart, end: entry.keyEnd },
          `unknown field ${JSON.stringify(entry.key)} in ${what}`,
          `the fields are ${allowed.map((name) => JSON.stringify(name)).join(", ")}`,
        );
      }
    }
    return fields;
  }

  private array(value: LocatedValue, what: string): readonly LocatedValue[] | null {
    if (value.kind === "array") return value.items;
    this.error("HY5004", value, `${what} must be an array, not ${describeKind(value)}`);
    return null;
  }

  private requiredString(fields: Map<string, LocatedEntry>, owner: LocatedValue, name: string, what: string): { value: string; at: LocatedValue } | null {
    const value = fields.get(name)?.value;
    if (value === undefined) {
      if (owner.kind === "object") this.error("HY5004", owner, `${what} needs ${JSON.stringify(name)}`);
      return null;
    }
    if (value.kind !== "string") {
      this.error("HY5004", value, `${JSON.stringify(name)} must be a string, not ${describeKind(value)}`);
      return null;
    }
    return { value: value.value, at: value };
  }

  private requiredTime(fields: Map<string, LocatedEntry>, owner: LocatedValue, name: string, what: string): number | null {
    const value = fields.get(name)?.value;
    if (value === undefined) {
      if (owner.kind === "object") this.error("HY5004", owner, `${what} needs ${JSON.stringify(name)} (a time in milliseconds)`);
      return null;
    }
    return this.time(value, JSON.stringify(name));
  }

  /** A non-negative integer number of simulated milliseconds. */
  private time(value: LocatedValue, what: string): number | null {
    if (value.kind !== "number" || !Number.isSafeInteger(value.value) || value.value < 0) {
      this.error("HY5004", value, `${what} must be a whole number of milliseconds, 0 or more, not ${describeKind(value)}`);
      return null;
    }
    return value.value;
  }

  private probability(value: LocatedValue | undefined, what: string): number | null {
    if (value === undefined) return null;
    if (value.kind !== "number" || value.value < 0 || value.value > 1) {
      this.error("HY5004", value, `${what} is a probability from 0 to 1, not ${describeKind(value)}`);
      return null;
    }
    return value.value;
  }

  private nodeName(value: LocatedValue): string | null {
    if (value.kind !== "string") {
      this.error("HY5004", value, `expected a node name (a string), not ${describeKind(value)}`);
      return null;
    }
    if (!this.names.has(value.value)) {
      this.unknownNode(value.value, value);
      return null;
    }
    return value.value;
  }

  private unknownNode(name: string, at: { start: number; end: number }): void {
    const known = [...this.names].map((known) => JSON.stringify(known)).join(", ");
    this.error("HY5005", at, `unknown node ${JSON.stringify(name)}`, known === "" ? undefined : `the nodes are ${known}`);
  }
}
