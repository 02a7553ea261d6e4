// The state of one aggregating rule while it runs: distinct bindings, groups, accumulators.
// In: generated code stages each binding's codes (when the plan can produce a binding twice)
// and each group's codes, then feeds the aggregate arguments of that binding. Out: per group,
// its key values and the aggregate results; for an empty body with no group columns, the
// results of LANGUAGE.md §4 (count and sum 0, collect the empty set, the others no row).
// Why so: aggregates range over the distinct bindings of all body variables, so a binding is
// counted once even when a projection (`put(key: k)`) yields it twice; the distinct tests are
// open-addressing probes over codes (relations without indexes), never string keys.

import type { CodeKind } from "./codes.ts";
import { decodeCode } from "./codes.ts";
import type { ValueSpace } from "./interner.ts";
import { Relation, type RelationColumn } from "./relation.ts";
import { compareValues, SetValue } from "./lattices/structures.ts";

/** `count(x)` is "countDistinct"; the rest are the language's aggregate functions. */
export type AggregateKind = "count" | "countDistinct" | "sum" | "min" | "max" | "choose" | "avg" | "collect";

function codeColumns(count: number, prefix: string): RelationColumn[] {
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i}`, code: "number" as const, lattice: null }));
}

export class Aggregation {
  /** Stage the codes of the current binding here, then call firstBinding(). */
  readonly binding: Float64Array;
  /** Stage the codes of the current group here, then call group(). */
  readonly key: Float64Array;
  private readonly bindings: Relation | null;
  private readonly groups: Relation;
  /** Per aggregate, per group: the running value (count, sum, best value, element list). */
  private readonly state: unknown[][];
  private readonly counts: number[][];
  /** Per distinct-valued aggregate: the (group, value code) pairs seen. */
  private readonly seen: (Relation | null)[];

  constructor(
    private readonly space: ValueSpace,
    private readonly groupKinds: readonly CodeKind[],
    private readonly kinds: readonly AggregateKind[],
    bindingWidth: number,
  ) {
    this.bindings = bindingWidth > 0 ? new Relation({ name: "bindings", columns: codeColumns(bindingWidth, "v"), space }) : null;
    this.binding = this.bindings?.tuple ?? new Float64Array(1);
    this.groups = new Relation({ name: "groups", columns: codeColumns(groupKinds.length, "g"), space });
    this.key = this.groups.tuple;
    this.state = kinds.map(() => []);
    this.counts = kinds.map(() => []);
    this.seen = kinds.map((kind) =>
      kind === "countDistinct" || kind === "collect" ? new Relation({ name: "seen", columns: codeColumns(2, "s"), space }) : null,
    );
  }

  /** Forgets everything (each evaluation of the rule starts afresh). */
  reset(): void {
    this.bindings?.clear();
    this.groups.clear();
    for (const values of this.state) values.length = 0;
    for (const values of this.counts) values.length = 0;
    for (const seen of this.seen) seen?.clear();
  }

  /** Whether the staged binding is new (false: skip it, it was aggregated already). */
  firstBinding(): boolean {
    return this.bindings === null || this.bindings.insert() >= 0;
  }

  /** The group of the staged key, created on first sight. */
  group(): number {
    const found = this.groups.find();
    if (found >= 0) return found;
    const group = this.groups.insert();
    for (let a = 0; a < this.kinds.length; a++) {
      this.counts[a]![group] = 0;
      this.state[a]![group] = this.kinds[a] === "collect" ? [] : this.kinds[a] === "sum" || this.kinds[a] === "avg" ? 0 : undefined;
    }
    return group;
  }

  get size(): number {
    return this.groups.size;
  }

  count(group: number, aggregate: number): void {
    this.counts[aggregate]![group]!++;
  }

  /** `count(x)`: x's code decides distinctness. */
  countDistinct(group: number, aggregate: number, code: number): void {
    if (this.firstSeen(group, aggregate, code)) this.counts[aggregate]![group]!++;
  }

  sum(group: number, aggregate: number, value: number): void {
    const sums = this.state[aggregate]!;
    sums[group] = (sums[group] as number) + value;
    this.counts[aggregate]![group]!++;
  }

  /** min, and choose (the smallest, so the choice is the same for the same input). */
  min(group: number, aggregate: number, value: unknown): void {
    const best = this.state[aggregate]!;
    const old = best[group];
    if (old === undefined || less(value, old)) best[group] = value;
  }

  max(group: number, aggregate: number, value: unknown): void {
    const best = this.state[aggregate]!;
    const old = best[group];
    if (old === undefined || less(old, value)) best[group] = value;
  }

  collect(group: number, aggregate: number, code: number, value: unknown): void {
    if (this.firstSeen(group, aggregate, code)) (this.state[aggregate]![group] as unknown[]).push(value);
  }

  /** The code of group column `column` of `group` (a number, or a string's or bool's code). */
  groupCode(group: number, column: number): number {
    return this.groups.data[group * this.groups.width + column]!;
  }

  /** The value of group column `column` of `group`. */
  groupValue(group: number, column: number): unknown {
    return decodeCode(this.groupKinds[column]!, this.groups.data[group * this.groups.width + column]!, this.space);
  }

  /** The result of aggregate `aggregate` for `group`. */
  result(group: number, aggregate: number): unknown {
    switch (this.kinds[aggregate]!) {
      case "count":
      case "countDistinct":
        return this.counts[aggregate]![group];
      case "sum":
      case "min":
      case "max":
      case "choose":
        return this.state[aggregate]![group];
      case "avg":
        return (this.state[aggregate]![group] as number) / this.counts[aggregate]![group]!;
      case "collect":
        return SetValue.from(this.state[aggregate]![group] as unknown[]);
    }
  }

  /**
   * With no group columns and no binding at all: whether the rule still gives its one row
   * (only when every aggregate is count, sum or collect), and then its results.
   */
  emptyResults(): unknown[] | null {
    const results: unknown[] = [];
    for (const kind of this.kinds) {
      if (kind === "count" || kind === "countDistinct" || kind === "sum") results.push(0);
      else if (kind === "collect") results.push(SetValue.EMPTY);
      else return null;
    }
    return results;
  }

  private firstSeen(group: number, aggregate: number, code: number): boolean {
    const seen = this.seen[aggregate]!;
    seen.tuple[0] = group;
    seen.tuple[1] = code;
    return seen.insert() >= 0;
  }
}

function less(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a < b;
  if (typeof a === "string" && typeof b === "string") return a < b;
  return compareValues(a, b) < 0;
}
