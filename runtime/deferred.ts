// The operations a tick defers to the next: `<+` inserts, `<-` deletes, `<+-` upserts.
// In: generated code writes tuples into per-collection buffers (relations of the target's
// schema) during a tick. Out: at the end of that tick, the key check of LANGUAGE.md §5 (the
// deferred inserts must fit the table as it will be after the deferred deletes and upserts, so
// applying them can never fail); at the next tick's step 1, their application in the order
// deletes, upserts, inserts; in between, whether applying them would change anything (a node
// with only no-op work pending is quiet).
// Why buffers are relations: two inserts or two upserts of one key in one tick conflict in the
// buffer itself, exactly as in the table, and the check is then a few probes per tuple.

import { TickError } from "./errors.ts";
import type { Relation } from "./relation.ts";
import type { JsonValue } from "./values.ts";

export type DeferredKind = "inserts" | "deletes" | "upserts";

export const DEFERRED_KINDS: readonly DeferredKind[] = ["inserts", "deletes", "upserts"];

export interface DeferredBuffers {
  inserts?: Relation;
  deletes?: Relation;
  upserts?: Relation;
}

export class DeferredOperations {
  readonly buffers = new Map<string, DeferredBuffers>();

  constructor(
    /** The target collection's relation. */
    private readonly target: (name: string) => Relation,
    /** A new, empty buffer for `name`: deletes compare whole tuples, inserts and upserts keep the key. */
    private readonly newBuffer: (name: string, kind: DeferredKind) => Relation,
    private readonly perTick: (name: string) => boolean,
  ) {}

  buffer(name: string, kind: DeferredKind): Relation {
    let buffers = this.buffers.get(name);
    if (buffers === undefined) {
      buffers = {};
      this.buffers.set(name, buffers);
    }
    let buffer = buffers[kind];
    if (buffer === undefined) {
      buffer = this.newBuffer(name, kind);
      buffers[kind] = buffer;
    }
    return buffer;
  }

  /** Forgets everything deferred (a failed tick's operations). */
  clear(): void {
    for (const buffers of this.buffers.values()) {
      buffers.inserts?.clear();
      buffers.deletes?.clear();
      buffers.upserts?.clear();
    }
  }

  /** Step 1: deletes (exact tuples), then upserts (replacing the key's tuple), then inserts. */
  apply(): void {
    for (const [name, { inserts, deletes, upserts }] of this.buffers) {
      const target = this.target(name);
      if (deletes !== undefined && deletes.size > 0) {
        for (let row = 0; row < deletes.size; row++) {
          target.stageRow(deletes, row);
          const found = target.findExact();
          if (found >= 0) target.removeRow(found);
        }
        deletes.clear();
      }
      if (upserts !== undefined && upserts.size > 0) {
        for (let row = 0; row < upserts.size; row++) {
          target.stageRow(upserts, row);
          target.replace();
        }
        upserts.clear();
      }
      if (inserts !== undefined && inserts.size > 0) {
        for (let row = 0; row < inserts.size; row++) {
          target.stageRow(inserts, row);
          target.insert();
        }
        inserts.clear();
      }
    }
  }

  /**
   * Step 4: each deferred insert into a keyed table must agree with the upsert of its key, if
   * any, and otherwise with the tuple the table holds under its key, unless that tuple is
   * deleted too. A conflict fails the tick with both tuples.
   */
  checkKeys(): void {
    for (const [name, { inserts, upserts, deletes }] of this.buffers) {
      const target = this.target(name);
      if (target.keyIndices === null || inserts === undefined || inserts.size === 0) continue;
      for (let row = 0; row < inserts.size; row++) {
        if (upserts !== undefined && upserts.size > 0) {
          upserts.stageRow(inserts, row);
          const upserted = upserts.find();
          if (upserted >= 0) {
            if (!upserts.samePlain(upserted)) violation(target, upserts.rowJson(upserted), inserts.rowJson(row));
            continue;
          }
        }
        target.stageRow(inserts, row);
        const held = target.find();
        if (held < 0 || target.samePlain(held)) continue;
        if (deletes !== undefined && deletes.size > 0) {
          deletes.stageRow(target, held);
          if (deletes.findExact() >= 0) continue;
        }
        violation(target, target.rowJson(held), inserts.rowJson(row));
      }
    }
  }

  /** Whether applying what is deferred would change any collection. */
  wouldChange(): boolean {
    for (const [name, { inserts, deletes, upserts }] of this.buffers) {
      const target = this.target(name);
      if (deletes !== undefined) {
        for (let row = 0; row < deletes.size; row++) {
          target.stageRow(deletes, row);
          if (target.findExact() >= 0) return true;
        }
      }
      if (upserts !== undefined) {
        for (let row = 0; row < upserts.size; row++) {
          target.stageRow(upserts, row);
          if (target.findExact() < 0) return true;
        }
      }
      if (inserts !== undefined) {
        // A scratch or output given tuples for the next tick is work even if they look old.
        if (this.perTick(name) && inserts.size > 0) return true;
        for (let row = 0; row < inserts.size; row++) {
          target.stageRow(inserts, row);
          if (target.wouldChange()) return true;
        }
      }
    }
    return false;
  }
}

function violation(target: Relation, held: JsonValue[], incoming: JsonValue[]): never {
  const names = target.keyIndices!.map((index) => target.columns[target.plainPositions[index]!]!.name).join(", ");
  throw new TickError(
    `key violation in ${target.name}: key (${names}) would be held by ${JSON.stringify(held)} and ${JSON.stringify(incoming)} at the next tick`,
    [held, incoming],
  );
}
