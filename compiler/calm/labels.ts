// The label fixpoint of ANALYSIS.md §2.
// In: the program, its rule facts, the seals and whether they protect. Out: a label per
// collection (per column), the least one such that channels are A, periodics D, every rule's head
// holds what its edges pass — unchanged along M edges (only into the lattice columns an atom
// feeds, when that is all it feeds), Bot/A/D along N edges — and the head of every rule with a
// finding is D. Findings depend on labels and labels on findings; both only grow, so a plain
// round-robin iteration reaches the fixpoint.

import type { IrCollection, IrProgram, IrRule } from "../ir.ts";
import { evaluateRule, type FindingContext, type LabelView } from "./findings.ts";
import type { RuleFacts } from "./rule-facts.ts";
import type { SealMap } from "./seals.ts";
import { CollectionLabel, EMPTY, mergeInto, sourceOrigin, union, type Origin, type Taint } from "./taint.ts";

export class LabelStore implements LabelView {
  readonly labels = new Map<string, CollectionLabel>();
  private readonly schemas: ReadonlyMap<string, IrCollection>;

  constructor(collections: readonly IrCollection[]) {
    this.schemas = new Map(collections.map((c) => [c.name, c]));
    for (const c of collections) {
      const label = new CollectionLabel();
      const origin = sourceOrigin(c);
      if (origin !== null) label.whole.set(origin, c.kind === "channel" ? 1 : 2);
      this.labels.set(c.name, label);
    }
  }

  of(collection: string): CollectionLabel {
    let label = this.labels.get(collection);
    if (label === undefined) this.labels.set(collection, (label = new CollectionLabel()));
    return label;
  }

  kind(collection: string): string | undefined {
    return this.schemas.get(collection)?.kind;
  }

  schema(collection: string): IrCollection | undefined {
    return this.schemas.get(collection);
  }

  columns(collection: string, columns: readonly number[] | null): Taint {
    const label = this.labels.get(collection);
    if (label === undefined) return EMPTY;
    // Most collections carry no column-only taint: their whole label answers every question.
    if (label.columns.size === 0) return label.whole;
    if (columns === null) return label.everything();
    return union(label.whole, ...columns.map((c) => label.column(c)));
  }

  input(rule: IrRule, atomIndex: number): Taint {
    const atom = rule.atoms[atomIndex]!;
    const used = atom.columns.flatMap((p, i) => (p.kind === "ignore" ? [] : [i]));
    return this.columns(atom.collection, used);
  }
}

export interface LabelResult {
  readonly store: LabelStore;
  readonly context: FindingContext;
}

/** What one rule passes to its head under the current labels; true when the head grew. */
function contribute(facts: RuleFacts, context: FindingContext, store: LabelStore): boolean {
  const rule = facts.rule;
  const head = store.of(rule.head);
  const findings = evaluateRule(facts, context);
  if (findings.length > 0) {
    const all = new Map<Origin, 1 | 2>();
    rule.atoms.forEach((_, i) => mergeInto(all, store.input(rule, i)));
    for (const f of findings) for (const o of f.origins) all.set(o, 2);
    return mergeInto(head.whole, all, 2);
  }
  let changed = false;
  for (const edge of facts.edges) {
    const taint = store.input(rule, edge.atom);
    const flow = facts.flows[edge.atom];
    if (!edge.monotone || flow === null || flow === undefined || flow.kind === "whole") {
      changed = mergeInto(head.whole, taint) || changed;
      continue;
    }
    for (const [headColumn, bodyColumns] of flow.into) {
      changed = head.mergeColumn(headColumn, store.columns(edge.from, bodyColumns)) || changed;
    }
  }
  return changed;
}

export function computeLabels(
  program: IrProgram,
  facts: readonly RuleFacts[],
  seals: SealMap,
  honourSeals: boolean,
): LabelResult {
  const store = new LabelStore(program.collections);
  const context: FindingContext = { labels: store, seals, honourSeals, facts };
  // A worklist: a rule is evaluated again only when a collection it reads (or, for a `<-`, one
  // that the inserts it races with read) has grown. Labels only grow, so this terminates.
  const readers = new Map<string, Set<number>>();
  const reads = (collection: string, rule: number): void => {
    let set = readers.get(collection);
    if (set === undefined) readers.set(collection, (set = new Set()));
    set.add(rule);
  };
  for (const f of facts) {
    for (const atom of f.rule.atoms) reads(atom.collection, f.rule.id);
    for (const id of f.racingInserts) for (const atom of facts[id]!.rule.atoms) reads(atom.collection, f.rule.id);
  }
  const queued = new Set<number>(facts.map((f) => f.rule.id));
  const queue = facts.map((f) => f.rule.id);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    queued.delete(id);
    const f = facts[id]!;
    if (!contribute(f, context, store)) continue;
    for (const reader of readers.get(f.rule.head) ?? []) {
      if (!queued.has(reader)) {
        queued.add(reader);
        queue.push(reader);
      }
    }
  }
  return { store, context };
}

/** Which channel origins can reach each collection (levels aside): the domain of the seals. */
export function channelReach(program: IrProgram): (collection: string) => ReadonlySet<Origin> {
  const reach = new Map<string, Set<Origin>>();
  const get = (name: string): Set<Origin> => {
    let set = reach.get(name);
    if (set === undefined) reach.set(name, (set = new Set()));
    return set;
  };
  for (const c of program.collections) if (c.kind === "channel") get(c.name).add(`channel:${c.name}`);
  let changed = true;
  while (changed) {
    changed = false;
    for (const rule of program.rules) {
      const head = get(rule.head);
      for (const atom of rule.atoms) {
        for (const o of get(atom.collection)) {
          if (!head.has(o)) {
            head.add(o);
            changed = true;
          }
        }
      }
    }
  }
  return (collection) => reach.get(collection) ?? new Set();
}
