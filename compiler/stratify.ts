// Stratification: which `<=` collections are computed together, and in what order.
// In: a CheckedProgram and its edges (one per rule and body atom, with `monotone` and `temporal`).
// Out: strata in evaluation order, the stratum of every rule, and HY4001 for every strongly
// connected component of the `<=` graph that contains a non-monotone (N) edge.
// Why so: a collection read through an N edge (negation, aggregation, a non-monotone lattice
// read) must be complete before its reader runs, so the reader's stratum is strictly later;
// temporal edges (`<+ <- <+- <~`) cross a tick and therefore never constrain the order within
// one tick. Strata are the longest N-weighted path over the condensation of the `<=` graph,
// which is the smallest number of strata that respects every constraint. Temporal rules run
// once per tick against the final contents, so they share one last stratum.

import { diagnostic, type Diagnostic, type RelatedLocation } from "./diagnostics.ts";
import type { CheckedProgram, CheckedRule, IrEdge, IrStratum, NonMonotoneReason } from "./ir.ts";
import type { Span } from "./source.ts";

export interface Stratification {
  readonly strata: IrStratum[];
  /** The stratum of each rule, indexed like `program.rules`. */
  readonly ruleStrata: number[];
  readonly diagnostics: Diagnostic[];
}

/** The rule from its head to its end, without annotations: where its line and column are reported. */
export function ruleLocation(rule: CheckedRule): Span {
  if (rule.span.end <= rule.headSpan.end) return rule.headSpan;
  return { ...rule.headSpan, end: rule.span.end, endLine: rule.span.endLine, endColumn: rule.span.endColumn };
}

export function stratify(program: CheckedProgram, edges: readonly IrEdge[]): Stratification {
  const graph = new CollectionGraph(program, edges);
  const components = stronglyConnectedComponents(graph.names.length, graph.successors);
  const componentOf = new Array<number>(graph.names.length).fill(-1);
  components.forEach((members, index) => members.forEach((node) => (componentOf[node] = index)));
  const order = topologicalOrder(components, componentOf, graph);

  // Longest path over the condensation, N edges weighing 1. Only collections defined by `<=`
  // rules get a stratum; the others are available from the start of the tick.
  const componentStratum = new Array<number>(components.length).fill(-1);
  for (const component of order) {
    if (!components[component]!.some((node) => graph.defined[node])) continue;
    let stratum = 0;
    for (const node of components[component]!) {
      for (const edge of graph.incoming[node]!) {
        const source = componentOf[graph.nodeOf(edge.from)]!;
        if (source === component || componentStratum[source]! < 0) continue;
        stratum = Math.max(stratum, componentStratum[source]! + (edge.monotone ? 0 : 1));
      }
    }
    componentStratum[component] = stratum;
  }
  const stratumCount = componentStratum.reduce((count, stratum) => Math.max(count, stratum + 1), 0);

  const rank = new Array<number>(components.length);
  order.forEach((component, position) => (rank[component] = position));
  const headRank = (rule: CheckedRule): number => rank[componentOf[graph.nodeOf(rule.head)]!]!;

  const membersOf: number[][] = Array.from({ length: stratumCount }, () => []);
  for (const component of order) if (componentStratum[component]! >= 0) membersOf[componentStratum[component]!]!.push(component);
  const rulesOf: CheckedRule[][] = Array.from({ length: stratumCount }, () => []);
  for (const rule of program.rules) {
    if (rule.operator === "<=") rulesOf[componentStratum[componentOf[graph.nodeOf(rule.head)]!]!]!.push(rule);
  }
  const strata: IrStratum[] = membersOf.map((members, index) => ({
    index,
    rules: rulesOf[index]!.sort((a, b) => headRank(a) - headRank(b) || a.id - b.id).map((rule) => rule.id),
    collections: members.flatMap((component) =>
      [...components[component]!].sort((a, b) => a - b).filter((node) => graph.defined[node]).map((node) => graph.names[node]!),
    ),
    recursive: members.some((component) => graph.isCyclic(components[component]!)),
  }));

  const temporalRules = program.rules.filter((rule) => rule.operator !== "<=").map((rule) => rule.id);
  if (temporalRules.length > 0) {
    strata.push({ index: stratumCount, rules: temporalRules, collections: [], recursive: false });
  }

  const ruleStrata = program.rules.map((rule) =>
    rule.operator === "<=" ? componentStratum[componentOf[graph.nodeOf(rule.head)]!]! : stratumCount,
  );

  // Edges inside one component, in file order, grouped by component.
  const inside = new Map<number, IrEdge[]>();
  for (const edge of graph.edges) {
    const component = componentOf[graph.nodeOf(edge.from)]!;
    if (component !== componentOf[graph.nodeOf(edge.to)]) continue;
    const list = inside.get(component) ?? [];
    list.push(edge);
    inside.set(component, list);
  }
  const diagnostics: Diagnostic[] = [];
  for (const component of order) {
    const cycle = graph.nonMonotoneCycle(inside.get(component) ?? []);
    if (cycle !== null) diagnostics.push(cycleDiagnostic(program, cycle));
  }
  return { strata, ruleStrata, diagnostics };
}

// ---------------------------------------------------------------------------------------------
// The graph of `<=` edges between collections

class CollectionGraph {
  readonly names: string[] = [];
  /** Declaration order first, so ties everywhere resolve in the order the user wrote. */
  private readonly index = new Map<string, number>();
  /** The collection is the head of at least one `<=` rule. */
  readonly defined: boolean[] = [];
  readonly successors: number[][] = [];
  readonly incoming: IrEdge[][] = [];
  /** Non-temporal edges, ordered by their rule's position in the file, then atom. */
  readonly edges: IrEdge[];

  constructor(
    private readonly program: CheckedProgram,
    edges: readonly IrEdge[],
  ) {
    for (const collection of program.collections) this.nodeOf(collection.name);
    for (const rule of program.rules) {
      const head = this.nodeOf(rule.head);
      if (rule.operator === "<=") this.defined[head] = true;
    }
    const position = (edge: IrEdge): number => program.rules[edge.rule]?.span.start ?? 0;
    this.edges = edges
      .filter((edge) => !edge.temporal)
      .sort((a, b) => position(a) - position(b) || a.rule - b.rule || a.atom - b.atom);
    for (const edge of this.edges) {
      const from = this.nodeOf(edge.from);
      const to = this.nodeOf(edge.to);
      if (!this.successors[from]!.includes(to)) this.successors[from]!.push(to);
      this.incoming[to]!.push(edge);
    }
  }

  nodeOf(name: string): number {
    let node = this.index.get(name);
    if (node === undefined) {
      node = this.names.length;
      this.index.set(name, node);
      this.names.push(name);
      this.defined.push(false);
      this.successors.push([]);
      this.incoming.push([]);
    }
    return node;
  }

  isCyclic(members: readonly number[]): boolean {
    if (members.length > 1) return true;
    return this.incoming[members[0]!]!.some((edge) => edge.from === edge.to);
  }

  /**
   * A cycle through the first N edge among a component's inner edges (in file order), as a list
   * of edges in data-flow order, or null when there is none. The path back from the N edge's
   * head to its source is a shortest one, so the message names as few rules as possible.
   */
  nonMonotoneCycle(inside: readonly IrEdge[]): IrEdge[] | null {
    const nonMonotone = inside.find((edge) => !edge.monotone);
    if (nonMonotone === undefined) return null;
    const start = this.nodeOf(nonMonotone.to);
    const goal = this.nodeOf(nonMonotone.from);
    const reachedBy = new Map<number, IrEdge | null>([[start, null]]);
    const queue = [start];
    while (queue.length > 0 && !reachedBy.has(goal)) {
      const node = queue.shift()!;
      for (const edge of inside) {
        if (this.nodeOf(edge.from) !== node) continue;
        const next = this.nodeOf(edge.to);
        if (reachedBy.has(next)) continue;
        reachedBy.set(next, edge);
        queue.push(next);
      }
    }
    const path: IrEdge[] = [];
    for (let node = goal; node !== start; ) {
      const edge = reachedBy.get(node)!;
      path.unshift(edge);
      node = this.nodeOf(edge.from);
    }
    return [nonMonotone, ...path];
  }
}

/**
 * Tarjan's algorithm with an explicit stack (programs may be long chains of rules). Returns the
 * components as lists of nodes.
 */
export function stronglyConnectedComponents(count: number, successors: readonly (readonly number[])[]): number[][] {
  const order = new Array<number>(count).fill(-1);
  const low = new Array<number>(count).fill(0);
  const onStack = new Array<boolean>(count).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < count; root++) {
    if (order[root] !== -1) continue;
    const work: [node: number, next: number][] = [[root, 0]];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const node = frame[0];
      const next = successors[node] ?? [];
      if (frame[1] < next.length) {
        const target = next[frame[1]++]!;
        if (order[target] === -1) {
          order[target] = low[target] = counter++;
          stack.push(target);
          onStack[target] = true;
          work.push([target, 0]);
        } else if (onStack[target]) {
          low[node] = Math.min(low[node]!, order[target]!);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[node]!);
      }
      if (low[node] === order[node]) {
        const members: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = false;
          members.push(member);
        } while (member !== node);
        components.push(members.sort((a, b) => a - b));
      }
    }
  }
  return components;
}

/**
 * Kahn's algorithm over the condensation; among the ready components, the one holding the
 * earliest-declared collection goes first, so the order reads like the file.
 */
function topologicalOrder(components: readonly number[][], componentOf: readonly number[], graph: CollectionGraph): number[] {
  const successors = components.map(() => new Set<number>());
  const pending = new Array<number>(components.length).fill(0);
  graph.successors.forEach((targets, from) => {
    for (const to of targets) {
      const a = componentOf[from]!;
      const b = componentOf[to]!;
      if (a === b || successors[a]!.has(b)) continue;
      successors[a]!.add(b);
      pending[b]!++;
    }
  });
  const firstNode = components.map((members) => members.reduce((first, node) => Math.min(first, node), Infinity));
  const ready = new MinHeap((a, b) => firstNode[a]! - firstNode[b]!);
  components.forEach((_, index) => {
    if (pending[index] === 0) ready.push(index);
  });
  const order: number[] = [];
  while (ready.size > 0) {
    const component = ready.pop();
    order.push(component);
    for (const next of successors[component]!) {
      if (--pending[next]! === 0) ready.push(next);
    }
  }
  return order;
}

class MinHeap {
  private readonly items: number[] = [];
  constructor(private readonly compare: (a: number, b: number) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: number): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.compare(items[left]!, items[smallest]!) < 0) smallest = left;
        if (right < items.length && this.compare(items[right]!, items[smallest]!) < 0) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

// ---------------------------------------------------------------------------------------------
// HY4001

function cycleDiagnostic(program: CheckedProgram, cycle: readonly IrEdge[]): Diagnostic {
  // Rotate so the cycle starts at the rule that comes first in the file.
  const rules = cycle.map((edge) => program.rules[edge.rule]!);
  let first = 0;
  rules.forEach((rule, index) => {
    if (ruleLocation(rule).start < ruleLocation(rules[first]!).start) first = index;
  });
  const steps = [...cycle.slice(first), ...cycle.slice(0, first)];
  const describe = (edge: IrEdge): string => {
    const rule = program.rules[edge.rule]!;
    const line = ruleLocation(rule).line;
    return edge.monotone ? `\`${rule.name}\` (line ${line})` : `\`${rule.name}\` (line ${line}, ${reasonText(edge)})`;
  };
  const firstRule = program.rules[steps[0]!.rule]!;
  const message =
    "cycle through a non-monotone use: " +
    [...steps.map(describe), `\`${firstRule.name}\``].join(" → ");
  const related: RelatedLocation[] = steps.map((edge) => ({
    message: `\`${program.rules[edge.rule]!.name}\` reads \`${edge.from}\`${edge.monotone ? "" : ` (${reasonText(edge)})`}`,
    span: edge.span,
  }));
  return diagnostic("HY4001", ruleLocation(firstRule), message, {
    related,
    help:
      "a non-monotone use needs its input complete, which a `<=` cycle never is within a tick; " +
      "move the negation or aggregate out of the cycle, or make one rule of the cycle temporal (`<+`)",
  });
}

function reasonText(edge: IrEdge): string {
  const reason: NonMonotoneReason | undefined = edge.reasons[0];
  switch (reason?.kind) {
    case "aggregate":
      return `aggregate \`${reason.function}\` over \`${edge.from}\``;
    case "lattice-read":
      return `non-monotone read of \`${edge.from}\``;
    case "delete":
      return `delete driven by \`${edge.from}\``;
    case "upsert":
      return `upsert driven by \`${edge.from}\``;
    case "negation":
      return `negation of \`${edge.from}\``;
    default:
      return edge.polarity === "negative" ? `negation of \`${edge.from}\`` : `non-monotone use of \`${edge.from}\``;
  }
}
