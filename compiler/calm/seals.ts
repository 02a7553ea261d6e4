// Seal propagation (ANALYSIS.md §4): on which keys each collection's data from a channel is sealed.
// In: the program, its rule facts, which channel origins reach which collections, and the seed
// seals (declared `seal C on (K)`, or one hypothetical single-column seal per channel column,
// which is how a fix finds a compatible key to suggest). Out: for (collection, origin) the keys
// (column indices of that collection) on which the origin's data there is sealed.
// A greatest fixpoint: every pair starts at "anything" and each rule into a collection keeps only
// the keys that every tainted atom of it carries over columns equated to the head, and every
// rule into it agrees on; so through recursion only keys that every step preserves survive.

import type { IrEdge, IrProgram } from "../ir.ts";
import type { RuleFacts } from "./rule-facts.ts";
import type { Origin } from "./taint.ts";

/** A key with the seed it descends from (a declaration index, or a hypothetical column seed). */
export interface SealKey {
  readonly seed: string;
  readonly columns: readonly number[];
}

export interface SealSeed {
  readonly seed: string;
  readonly channel: string;
  readonly columns: readonly number[];
}

type KeySet = Map<string, SealKey> | null; // null: not yet constrained (top)

function keyId(key: SealKey): string {
  return `${key.seed}|${key.columns.join(",")}`;
}

function intersect(a: KeySet, b: KeySet): KeySet {
  if (a === null) return b;
  if (b === null) return a;
  const result = new Map<string, SealKey>();
  for (const [id, key] of a) if (b.has(id)) result.set(id, key);
  return result;
}

function sameSet(a: KeySet, b: KeySet): boolean {
  if (a === null || b === null) return a === b;
  if (a.size !== b.size) return false;
  for (const id of a.keys()) if (!b.has(id)) return false;
  return true;
}

export class SealMap {
  constructor(private readonly keys: ReadonlyMap<string, ReadonlyMap<Origin, KeySet>>) {}

  /** The keys on which `origin`'s data in `collection` is sealed (empty when none). */
  of(collection: string, origin: Origin): SealKey[] {
    const set = this.keys.get(collection)?.get(origin);
    return set == null ? [] : [...set.values()];
  }

  /** The keys compatible with a gate: K ⊆ G. */
  compatible(collection: string, origin: Origin, gate: readonly number[] | null): SealKey[] {
    if (gate === null) return [];
    return this.of(collection, origin).filter((k) => k.columns.every((c) => gate.includes(c)));
  }
}

/**
 * `reach(collection)` lists the channel origins whose data can be in the collection.
 */
export function propagateSeals(
  program: IrProgram,
  facts: readonly RuleFacts[],
  reach: (collection: string) => ReadonlySet<Origin>,
  seeds: readonly SealSeed[],
): SealMap {
  const keys = new Map<string, Map<Origin, KeySet>>();
  const fixed = new Set<string>();
  const get = (collection: string, origin: Origin): KeySet => keys.get(collection)?.get(origin) ?? null;
  const set = (collection: string, origin: Origin, value: KeySet): void => {
    let map = keys.get(collection);
    if (map === undefined) keys.set(collection, (map = new Map()));
    map.set(origin, value);
  };

  const rulesInto = new Map<string, RuleFacts[]>();
  for (const f of facts) rulesInto.set(f.rule.head, [...(rulesInto.get(f.rule.head) ?? []), f]);

  // A channel's own data is sealed on its seeds; when the program itself sends into the channel
  // (`<~`), also on what those sends carry unchanged: the runtime forwards the punctuation.
  const declared = new Map<string, Map<string, SealKey>>();
  for (const c of program.collections) {
    if (c.kind !== "channel") continue;
    const origin = `channel:${c.name}`;
    const own = new Map<string, SealKey>();
    for (const s of seeds) {
      if (s.channel !== c.name) continue;
      const key = { seed: s.seed, columns: [...s.columns].sort((a, b) => a - b) };
      own.set(keyId(key), key);
    }
    declared.set(c.name, own);
    set(c.name, origin, own);
    if (!rulesInto.has(c.name)) fixed.add(`${c.name}\u0000${origin}`);
  }

  const mapKey = (key: SealKey, equated: ReadonlyMap<number, readonly number[]>): SealKey | null => {
    const columns = new Set<number>();
    for (const c of key.columns) {
      const heads = equated.get(c);
      if (heads === undefined || heads.length === 0) return null;
      for (const h of heads) columns.add(h);
    }
    return { seed: key.seed, columns: [...columns].sort((a, b) => a - b) };
  };

  let changed = true;
  for (let round = 0; changed && round < 1000; round++) {
    changed = false;
    for (const [head, rules] of rulesInto) {
      for (const origin of reach(head)) {
        if (fixed.has(`${head}\u0000${origin}`)) continue;
        // The channel's own data as sent by this program: whatever origin the sends carry.
        const own = declared.has(head) && origin === `channel:${head}`;
        let accumulated: KeySet = null;
        for (const f of rules) {
          let fromRule: KeySet = own ? new Map() : null;
          let tainted = false;
          for (let index = 0; index < f.rule.atoms.length; index++) {
            const atom = f.rule.atoms[index]!;
            const carried = own ? [...reach(atom.collection)] : reach(atom.collection).has(origin) ? [origin] : [];
            if (carried.length === 0) continue;
            if (own && !tainted) fromRule = null;
            tainted = true;
            for (const from of carried) {
              const source = get(atom.collection, from);
              if (source === null) continue;
              const mapped = new Map<string, SealKey>();
              for (const key of source.values()) {
                const m = mapKey(key, f.equated[index]!);
                if (m !== null) mapped.set(keyId(m), m);
              }
              fromRule = intersect(fromRule, mapped);
            }
          }
          if (tainted || own) accumulated = intersect(accumulated, fromRule);
        }
        if (own) accumulated = accumulated === null ? null : new Map([...declared.get(head)!, ...accumulated]);
        if (!sameSet(accumulated, get(head, origin))) {
          set(head, origin, accumulated);
          changed = true;
        }
      }
    }
  }
  return new SealMap(keys);
}

/** Hypothetical seeds: one single-column seal per column of every channel. */
export function columnSeeds(program: IrProgram): SealSeed[] {
  return program.collections.flatMap((c) =>
    c.kind === "channel" ? c.columns.map((_, i) => ({ seed: `column:${c.name}:${i}`, channel: c.name, columns: [i] })) : [],
  );
}

/** The declared seals as seeds, named by their index in the program. */
export function declaredSeeds(program: IrProgram): SealSeed[] {
  return program.seals.map((s, i) => ({ seed: `seal:${i}`, channel: s.collection, columns: s.columns }));
}

/**
 * The columns of `channel` that arrive unchanged in the gate of `edge` (for a seal suggestion),
 * leaving out those that reach only `avoid` columns (constants the atom matches) unless nothing
 * else is left.
 */
export function sealSuggestion(hypothetical: SealMap, edge: IrEdge, channel: string, avoid: readonly number[] = []): number[] {
  const origin = `channel:${channel}`;
  const prefix = `column:${channel}:`;
  const keys = hypothetical.compatible(edge.from, origin, edge.gate).filter((k) => k.seed.startsWith(prefix));
  const preferred = keys.filter((k) => k.columns.some((c) => !avoid.includes(c)));
  return (preferred.length > 0 ? preferred : keys).map((k) => Number(k.seed.slice(prefix.length))).sort((a, b) => a - b);
}
