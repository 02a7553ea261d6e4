// The conditions of ANALYSIS.md §3, evaluated for one rule against the current labels.
// In: the rule's facts, a view of the labels, the seals, and whether seals protect (only once
// the runtime honours them). Out: the findings that apply, each with its culprit origins, the
// operator, the gate and where to point. The label fixpoint calls this on every round (a rule
// with a finding makes its head D) and the report calls it once more on the final labels.

import type { IrEdge, IrRule } from "../ir.ts";
import type { Span } from "../source.ts";
import { PER_TICK_KINDS, variablesOf, type JoinPair, type RuleFacts, type SelfUpdate } from "./rule-facts.ts";
import { renderAtom } from "./render.ts";
import type { SealKey, SealMap } from "./seals.ts";
import { asyncOrigins, originKind, type Origin, type Taint } from "./taint.ts";

export type FindingCode = "CALM001" | "CALM002" | "CALM003" | "CALM004" | "CALM009";

/** The precedence of ANALYSIS.md §3: the first that applies is the rule's code. */
export const FINDING_ORDER: readonly FindingCode[] = ["CALM003", "CALM001", "CALM009", "CALM004", "CALM002"];

export interface Finding {
  readonly code: FindingCode;
  /** The origins that cause it: async sources, or a `nondet:` origin for a call. */
  readonly origins: readonly Origin[];
  readonly operator: string;
  readonly span: Span;
  /** The non-monotone edge (CALM001, CALM003, periodic CALM009). */
  readonly edge: IrEdge | null;
  /** The gate, as columns of `gateCollection`. */
  readonly gate: readonly number[] | null;
  readonly gateCollection: string | null;
  readonly join?: JoinPair;
  readonly inserts?: readonly number[];
  readonly selfUpdate?: SelfUpdate;
  readonly call?: { readonly function: string; readonly span: Span; readonly text: string };
}

export interface LabelView {
  /** The taint an atom reads: its collection's label over the columns the atom uses. */
  input(rule: IrRule, atom: number): Taint;
  /** A collection's label over some columns (all of them when null). */
  columns(collection: string, columns: readonly number[] | null): Taint;
  kind(collection: string): string | undefined;
}

export interface FindingContext {
  readonly labels: LabelView;
  readonly seals: SealMap;
  /** Seals protect only once the runtime honours them (ANALYSIS.md §4, last paragraph). */
  readonly honourSeals: boolean;
  readonly facts: readonly RuleFacts[];
}

/** Sealed evaluation: every async origin of the input is at A and sealed on a key within the gate. */
function sealedOn(context: FindingContext, collection: string, input: Taint, gate: readonly number[] | null): SealKey[] | null {
  if (!context.honourSeals) return null;
  const keys: SealKey[] = [];
  for (const origin of asyncOrigins(input)) {
    if (originKind(origin) !== "channel" || input.get(origin) !== 1) return null;
    const compatible = context.seals.compatible(collection, origin, gate);
    if (compatible.length === 0) return null;
    keys.push(...compatible);
  }
  return keys;
}

/**
 * The trigger exception of §4: an unsealed per-tick atom whose columns are projected away and
 * whose join with a sealed atom binds the seal key only triggers the sealed evaluation.
 */
function onlyTriggers(facts: RuleFacts, context: FindingContext, atom: number): boolean {
  if (!context.honourSeals) return false;
  const rule = facts.rule;
  const kind = context.labels.kind(rule.atoms[atom]!.collection);
  if (kind === undefined || !PER_TICK_KINDS.has(kind)) return false;
  const visible = new Set<number>();
  for (const h of rule.headColumns) variablesOf(h, visible);
  for (const a of rule.aggregates) if (a.argument !== null) variablesOf(a.argument, visible);
  for (const l of rule.literals) if (l.kind === "condition") variablesOf(l.predicate, visible);
  return facts.edges.some((other) => {
    if (other.atom === atom || other.monotone || other.polarity === "negative") return false;
    const keys = sealedOn(context, other.from, context.labels.input(rule, other.atom), other.gate);
    if (keys === null || keys.length === 0) return false;
    const pair = facts.joins.find((j) => (j.left === atom && j.right === other.atom) || (j.right === atom && j.left === other.atom));
    if (pair === undefined) return false;
    const [sealedColumns, triggerColumns] = pair.left === other.atom ? [pair.leftColumns, pair.rightColumns] : [pair.rightColumns, pair.leftColumns];
    // Projected away: apart from the join, nothing of the trigger reaches the head or a condition.
    const trigger = rule.atoms[atom]!;
    const projected = trigger.columnVariables.every((v, c) => v === null || triggerColumns.includes(c) || !visible.has(v));
    return projected && keys.every((k) => k.columns.every((c) => sealedColumns.includes(c)));
  });
}

/**
 * Non-monotone edges in the order a report should prefer them: the atoms an aggregate folds
 * (its arguments' variables) and negated atoms first, the atoms that only trigger or group after.
 */
function preferredEdges(facts: RuleFacts): IrEdge[] {
  const folded = new Set<number>();
  for (const a of facts.rule.aggregates) if (a.argument !== null) variablesOf(a.argument, folded);
  const rank = (edge: IrEdge): number => {
    const atom = facts.rule.atoms[edge.atom]!;
    if (atom.negated) return 0;
    return atom.columnVariables.some((v) => v !== null && folded.has(v)) ? 0 : 1;
  };
  return [...facts.edges].sort((a, b) => rank(a) - rank(b) || a.atom - b.atom);
}

export function evaluateRule(facts: RuleFacts, context: FindingContext): Finding[] {
  const rule = facts.rule;
  const input = (atom: number): Taint => context.labels.input(rule, atom);
  const findings: Finding[] = [];

  // CALM003: overwrites and deletes on asynchronous data.
  if (rule.operator === "<+-" || rule.operator === "<-") {
    const origins = new Set<Origin>();
    rule.atoms.forEach((_, i) => asyncOrigins(input(i)).forEach((o) => origins.add(o)));
    const inserts = rule.operator === "<-" ? facts.racingInserts : [];
    for (const id of inserts) {
      const insert = context.facts[id]!.rule;
      insert.atoms.forEach((_, i) => asyncOrigins(context.labels.input(insert, i)).forEach((o) => origins.add(o)));
    }
    const applies = rule.operator === "<+-" ? origins.size > 0 : inserts.length > 0 && origins.size > 0;
    if (applies) {
      const edge = facts.edges.find((e) => asyncOrigins(input(e.atom)).length > 0) ?? facts.edges[0] ?? null;
      findings.push({
        code: "CALM003",
        origins: [...origins].sort(),
        operator: edge?.operatorText ?? `${rule.head} ${rule.operator}`,
        span: rule.operatorSpan,
        edge,
        gate: edge?.gate ?? null,
        gateCollection: edge?.from ?? null,
        inserts,
      });
    }
  }

  // CALM001 and the periodic case of CALM009: non-monotone edges over asynchronous input.
  let coordination: Finding | null = null;
  let clock: Finding | null = null;
  for (const edge of preferredEdges(facts)) {
    if (edge.monotone) continue;
    const taint = input(edge.atom);
    const asyncs = asyncOrigins(taint);
    if (asyncs.length === 0) continue;
    const sealed = sealedOn(context, edge.from, taint, edge.gate) !== null;
    const channels = asyncs.filter((o) => originKind(o) === "channel" && !(taint.get(o) === 1 && sealed));
    const culprits = channels.length > 0 && onlyTriggers(facts, context, edge.atom) ? [] : channels;
    const base = { operator: edge.operatorText, span: edge.span, edge, gate: edge.gate, gateCollection: edge.from };
    if (culprits.length > 0) {
      coordination ??= { code: "CALM001", origins: culprits, ...base };
    } else if (asyncs.every((o) => originKind(o) === "periodic")) {
      clock ??= { code: "CALM009", origins: asyncs, ...base };
    }
  }
  if (coordination !== null) findings.push(coordination);

  // CALM009: nondeterministic calls (before the periodic case: a call is the more direct cause).
  const call = facts.nondeterministicCalls[0];
  if (call !== undefined) {
    findings.push({
      code: "CALM009",
      origins: [`nondet:${rule.id}`],
      operator: call.text,
      span: call.span,
      edge: null,
      gate: null,
      gateCollection: null,
      call,
    });
  } else if (clock !== null) {
    findings.push(clock);
  }

  // CALM004: a non-idempotent self-update triggered by asynchronous data counts ticks.
  if (facts.selfUpdate !== null) {
    const self = facts.selfUpdate;
    const origins = new Set<Origin>();
    rule.atoms.forEach((atom, i) => {
      if (i !== self.selfAtom && !atom.negated) asyncOrigins(input(i)).forEach((o) => origins.add(o));
    });
    if (origins.size > 0) {
      findings.push({
        code: "CALM004",
        origins: [...origins].sort(),
        operator: self.text,
        span: self.span,
        edge: null,
        gate: null,
        gateCollection: null,
        selfUpdate: self,
      });
    }
  }

  // CALM002: a join that needs two asynchronous inputs in one tick.
  for (const pair of facts.joins) {
    const leftAtom = rule.atoms[pair.left]!;
    const rightAtom = rule.atoms[pair.right]!;
    const leftTaint = context.labels.columns(leftAtom.collection, pair.leftColumns.length > 0 ? pair.leftColumns : null);
    const rightTaint = context.labels.columns(rightAtom.collection, pair.rightColumns.length > 0 ? pair.rightColumns : null);
    const leftAsync = asyncOrigins(leftTaint);
    const rightAsync = asyncOrigins(rightTaint);
    if (leftAsync.length === 0 || rightAsync.length === 0) continue;
    const leftPerTick = PER_TICK_KINDS.has(context.labels.kind(leftAtom.collection) ?? "");
    const rightPerTick = PER_TICK_KINDS.has(context.labels.kind(rightAtom.collection) ?? "");
    if (!leftPerTick && !rightPerTick) continue;
    if ((leftPerTick && pair.exemptLeft) || (rightPerTick && pair.exemptRight)) continue;
    const leftSealed = sealedOn(context, leftAtom.collection, leftTaint, pair.leftColumns);
    const rightSealed = sealedOn(context, rightAtom.collection, rightTaint, pair.rightColumns);
    if (leftSealed !== null && rightSealed !== null) continue;
    // A request that only triggers a sealed evaluation is buffered until its partition is sealed.
    if (onlyTriggers(facts, context, pair.left) || onlyTriggers(facts, context, pair.right)) continue;
    findings.push({
      code: "CALM002",
      origins: [...new Set([...leftAsync, ...rightAsync])].sort(),
      operator: `join ${renderAtom(rule, leftAtom)}, ${renderAtom(rule, rightAtom)}`,
      span: rightAtom.span,
      edge: null,
      gate: pair.leftColumns.length > 0 ? pair.leftColumns : null,
      gateCollection: leftAtom.collection,
      join: pair,
    });
    break;
  }

  return findings.sort((a, b) => FINDING_ORDER.indexOf(a.code) - FINDING_ORDER.indexOf(b.code));
}
