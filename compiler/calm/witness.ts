// Witness paths (ANALYSIS.md §5) and "downstream of" for the reports.
// In: the program, the final labels and which rules are points of order. Out: the shortest path
// from an asynchronous source (or a rule calling a nondeterministic function) to a rule, as steps
// with locations, e.g. `vote (channel, line 3) -> votes#1 (line 9) -> tally#1 (line 12)`; and for
// a coordination-free rule fed by D data, the nearest points of order upstream.
// One breadth-first search per origin, over the rules whose input carries that origin, cached.

import type { IrProgram } from "../ir.ts";
import type { Span } from "../source.ts";
import type { LabelStore } from "./labels.ts";
import { originKind, originName, type Origin } from "./taint.ts";

export interface PathStep {
  readonly kind: "source" | "rule";
  readonly name: string;
  /** For a source: its collection kind (`channel`, `periodic`). */
  readonly collectionKind?: string;
  readonly span: Span;
}

export function stepText(step: PathStep): string {
  return step.kind === "source"
    ? `${step.name} (${step.collectionKind}, line ${step.span.line})`
    : `${step.name} (line ${step.span.line})`;
}

export class Witnesses {
  private readonly parents = new Map<Origin, Map<number, number | null>>();
  private readonly readers = new Map<string, { rule: number; atom: number }[]>();
  private readonly producers = new Map<string, number[]>();

  constructor(
    private readonly program: IrProgram,
    private readonly labels: LabelStore,
  ) {
    for (const rule of program.rules) {
      rule.atoms.forEach((atom, i) => {
        this.readers.set(atom.collection, [...(this.readers.get(atom.collection) ?? []), { rule: rule.id, atom: i }]);
      });
      this.producers.set(rule.head, [...(this.producers.get(rule.head) ?? []), rule.id]);
    }
  }

  /** Rule id → the rule it was reached from (null: first hop from the source). */
  private search(origin: Origin): Map<number, number | null> {
    const cached = this.parents.get(origin);
    if (cached !== undefined) return cached;
    const parent = new Map<number, number | null>();
    const queue: { collection: string; via: number | null }[] = [];
    const seen = new Set<string>();
    const reach = (collection: string, via: number | null): void => {
      if (seen.has(collection)) return;
      seen.add(collection);
      queue.push({ collection, via });
    };
    if (originKind(origin) === "nondet") {
      const id = Number(originName(origin));
      const rule = this.program.rules[id];
      if (rule !== undefined) {
        parent.set(id, null);
        reach(rule.head, id);
      }
    } else {
      reach(originName(origin), null);
    }
    for (let i = 0; i < queue.length; i++) {
      const { collection, via } = queue[i]!;
      for (const { rule, atom } of this.readers.get(collection) ?? []) {
        if (parent.has(rule)) continue;
        const ir = this.program.rules[rule]!;
        if (!this.labels.input(ir, atom).has(origin)) continue;
        parent.set(rule, via);
        reach(ir.head, rule);
      }
    }
    this.parents.set(origin, parent);
    return parent;
  }

  /** The shortest path from `origin` to rule `target`, or null when the origin does not reach it. */
  path(origin: Origin, target: number): PathStep[] | null {
    const parent = this.search(origin);
    if (!parent.has(target)) return null;
    const rules: number[] = [];
    for (let at: number | null = target; at !== null; at = parent.get(at) ?? null) {
      if (rules.includes(at)) break;
      rules.unshift(at);
    }
    const steps: PathStep[] = [];
    if (originKind(origin) !== "nondet") {
      const source = this.labels.schema(originName(origin));
      if (source !== undefined) steps.push({ kind: "source", name: source.name, collectionKind: source.kind, span: source.span });
    }
    for (const id of rules) {
      const rule = this.program.rules[id]!;
      steps.push({ kind: "rule", name: rule.name, span: rule.span });
    }
    return steps;
  }

  /** The nearest points of order upstream of a rule, through collections labelled D. */
  private readonly late = new Map<string, boolean>();

  /** The collection holds D taint (in any column). */
  private isLate(collection: string): boolean {
    let late = this.late.get(collection);
    if (late === undefined) {
      late = [...this.labels.columns(collection, null).values()].includes(2);
      this.late.set(collection, late);
    }
    return late;
  }

  pointsUpstream(target: number, isPoint: (rule: number) => boolean): number[] {
    const level = (collection: string): boolean => this.isLate(collection);
    let frontier = [...new Set(this.program.rules[target]!.atoms.map((a) => a.collection))].filter(level);
    const seen = new Set<string>(frontier);
    const visited = new Set<number>([target]);
    while (frontier.length > 0) {
      const found: number[] = [];
      const next: string[] = [];
      for (const collection of frontier) {
        for (const producer of this.producers.get(collection) ?? []) {
          if (visited.has(producer)) continue;
          visited.add(producer);
          if (isPoint(producer)) {
            found.push(producer);
            continue;
          }
          for (const atom of this.program.rules[producer]!.atoms) {
            if (!seen.has(atom.collection) && level(atom.collection)) {
              seen.add(atom.collection);
              next.push(atom.collection);
            }
          }
        }
      }
      if (found.length > 0) return found.sort((a, b) => a - b);
      frontier = next;
    }
    return [];
  }
}
