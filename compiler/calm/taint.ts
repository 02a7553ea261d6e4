// The label domain of ANALYSIS.md §2: Bot < A < D, kept per origin and per column.
// In: nothing (pure data structures). Out: Taint maps (origin → level) and the per-collection
// label store the fixpoint in labels.ts fills.
// A label is not one letter but a map from the origins of the taint — a channel, a periodic, or a
// rule that calls a nondeterministic function — to A or D, because the verdicts ask where the
// taint came from (D from a channel is CALM001, D from a periodic only is CALM009), the witness
// paths start at each origin, and seals belong to one origin. Bot is the empty map.

import type { IrCollection } from "../ir.ts";

/** 1 = A (asynchronous, deterministic in the limit), 2 = D (order- or time-dependent). */
export type Level = 1 | 2;
export type LabelName = "Bot" | "A" | "D";

/** `channel:vote`, `periodic:every_second`, `nondet:<rule id>`. */
export type Origin = string;
export type Taint = ReadonlyMap<Origin, Level>;

export const EMPTY: Taint = new Map();

export type OriginKind = "channel" | "periodic" | "nondet";

export function originKind(origin: Origin): OriginKind {
  return origin.slice(0, origin.indexOf(":")) as OriginKind;
}

export function originName(origin: Origin): string {
  return origin.slice(origin.indexOf(":") + 1);
}

export function sourceOrigin(collection: IrCollection): Origin | null {
  if (collection.kind === "channel") return `channel:${collection.name}`;
  if (collection.kind === "periodic") return `periodic:${collection.name}`;
  return null;
}

/** Taint from a channel or a periodic: the asynchronous sources. */
export function isAsync(origin: Origin): boolean {
  const kind = originKind(origin);
  return kind === "channel" || kind === "periodic";
}

export function asyncOrigins(taint: Taint): Origin[] {
  return [...taint.keys()].filter(isAsync).sort();
}

export function levelName(taint: Taint): LabelName {
  let level = 0;
  for (const l of taint.values()) level = Math.max(level, l);
  return level === 0 ? "Bot" : level === 1 ? "A" : "D";
}

/** Merges `source` into `target` (each origin at the higher level); true when it grew. */
export function mergeInto(target: Map<Origin, Level>, source: Taint, raiseTo?: Level): boolean {
  let changed = false;
  for (const [origin, level] of source) {
    const next = raiseTo === undefined ? level : (Math.max(level, raiseTo) as Level);
    const current = target.get(origin);
    if (current === undefined || current < next) {
      target.set(origin, next);
      changed = true;
    }
  }
  return changed;
}

export function union(...taints: Taint[]): Map<Origin, Level> {
  const result = new Map<Origin, Level>();
  for (const t of taints) mergeInto(result, t);
  return result;
}

/**
 * A collection's label: `whole` covers every column; `columns` holds taint that arrived only
 * through a lattice column merged by monotone rules, and so covers only that column.
 */
export class CollectionLabel {
  readonly whole = new Map<Origin, Level>();
  readonly columns = new Map<number, Map<Origin, Level>>();

  column(index: number): Taint {
    const own = this.columns.get(index);
    return own === undefined ? this.whole : union(this.whole, own);
  }

  everything(): Taint {
    return union(this.whole, ...this.columns.values());
  }

  mergeColumn(index: number, taint: Taint): boolean {
    let own = this.columns.get(index);
    if (own === undefined) {
      if (taint.size === 0) return false;
      own = new Map();
      this.columns.set(index, own);
    }
    return mergeInto(own, taint);
  }
}
