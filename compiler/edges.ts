// The edge facts of ANALYSIS.md §1: one IrEdge per (rule, body atom).
// In: the CheckedProgram (schemas and typed rules). Out: edges saying whether the atom's
// collection feeds the head monotonically (M) or not (N) and why, whether the rule crosses a
// tick, the gate of the non-monotone operator and the column lineage. stratify.ts finds cycles
// through N edges with them; the CALM analysis propagates labels and seals along them.
// The facts are computed once here so that every consumer (strata, CALM, graph drawer) agrees.

import type { AggregateFunction } from "./ast.ts";
import type { CheckedProgram, CheckedRule, IrAtom, IrCollection, IrEdge, NonMonotoneReason } from "./ir.ts";
import type { Span } from "./source.ts";
import { aggregateTarget, latticeReads } from "./calm/lattice-reads.ts";
import { renderAggregate, renderAtom, renderHead } from "./calm/render.ts";

type AggregateInto = Extract<NonMonotoneReason, { kind: "aggregate" }>["into"];

interface Context {
  readonly collection: (name: string) => IrCollection | undefined;
  /** Tables touched by a `<-` or `<+-` rule: not grow-only. */
  readonly mutated: ReadonlySet<string>;
}

export function buildEdges(program: CheckedProgram): IrEdge[] {
  const byName = new Map(program.collections.map((c) => [c.name, c]));
  const context: Context = {
    collection: (name) => byName.get(name),
    mutated: new Set(program.rules.filter((r) => r.operator === "<-" || r.operator === "<+-").map((r) => r.head)),
  };
  return program.rules.flatMap((rule) => edgesOfRule(rule, context));
}

/** Persistent and grow-only: a table or lattice that no `<-`/`<+-` rule touches. */
function persistentGrowOnly(collection: IrCollection | undefined, context: Context): boolean {
  if (collection === undefined) return false;
  return (collection.kind === "table" || collection.kind === "lattice") && !context.mutated.has(collection.name);
}

/** Why the aggregate does not respect the order of the column it fills; null when it does. */
function aggregateMismatch(
  rule: CheckedRule,
  index: number,
  aggregateFunction: AggregateFunction,
  context: Context,
): AggregateInto | null {
  const column = aggregateTarget(rule, index);
  const target = column === null ? undefined : context.collection(rule.head)?.columns[column];
  if (target === undefined || !target.lattice) return "plain";
  const kind = target.type.kind;
  if (aggregateFunction === "max" && kind === "max") return null;
  if (aggregateFunction === "min" && kind === "min") return null;
  if (aggregateFunction === "collect" && kind === "set") return null;
  if (aggregateFunction === "count" && kind === "max" && target.type.kind === "max" && target.type.element.kind === "int") {
    const persistent = rule.atoms.every((a) => a.negated || persistentGrowOnly(context.collection(a.collection), context));
    return persistent ? null : "non-persistent-count";
  }
  return "mismatched-lattice";
}

/** Head columns copied unchanged (a plain variable) from columns of a positive atom. */
export function lineageOf(rule: CheckedRule, atom: IrAtom): { head: number; body: number }[] {
  if (atom.negated) return [];
  const lineage: { head: number; body: number }[] = [];
  rule.headColumns.forEach((expression, head) => {
    if (expression.kind !== "variable") return;
    atom.columnVariables.forEach((variable, body) => {
      if (variable === expression.variable) lineage.push({ head, body });
    });
  });
  return lineage;
}

/** The variables that stand alone as non-aggregate head columns: the group of an aggregate. */
function groupVariables(rule: CheckedRule): Set<number> {
  const group = new Set<number>();
  for (const expression of rule.headColumns) {
    const value = expression.kind === "lift" ? expression.value : expression;
    if (value.kind === "variable") group.add(value.variable);
  }
  return group;
}

function constantColumns(atom: IrAtom): number[] {
  return atom.columns.flatMap((p, column) => (p.kind === "match" && p.value.kind === "constant" ? [column] : []));
}

function boundColumns(rule: CheckedRule, atom: IrAtom): number[] {
  return atom.columns.flatMap((pattern, column) => {
    if (pattern.kind === "ignore") return [];
    const variable = atom.columnVariables[column] ?? (pattern.kind === "bind" ? pattern.variable : null);
    if (variable !== null && rule.variables[variable]?.wildcard === true) return [];
    return [column];
  });
}

function intersect(a: readonly number[] | null, b: readonly number[]): number[] {
  return a === null ? [...b] : a.filter((x) => b.includes(x));
}

function edgesOfRule(rule: CheckedRule, context: Context): IrEdge[] {
  const head = context.collection(rule.head);
  const temporal = rule.operator !== "<=";
  const group = groupVariables(rule);
  const reads = latticeReads(rule, context.collection);

  const aggregateReasons: { reason: NonMonotoneReason; span: Span; text: string }[] = [];
  rule.aggregates.forEach((aggregate, index) => {
    const into = aggregateMismatch(rule, index, aggregate.function, context);
    if (into === null) return;
    aggregateReasons.push({
      reason: { kind: "aggregate", function: aggregate.function, into },
      span: aggregate.span,
      text: renderAggregate(rule, aggregate),
    });
  });

  return rule.atoms.map((atom, atomIndex): IrEdge => {
    const from = context.collection(atom.collection);
    const lineage = lineageOf(rule, atom);
    const reasons: NonMonotoneReason[] = [];
    let gate: number[] | null = null;
    let span: Span = atom.span;
    let text = renderAtom(rule, atom);
    let described = false;
    const describe = (s: Span, t: string): void => {
      if (described) return;
      described = true;
      span = s;
      text = t;
    };

    if (atom.negated) {
      reasons.push({ kind: "negation" });
      gate = intersect(gate, boundColumns(rule, atom));
      describe(atom.span, renderAtom(rule, atom));
    }
    if (aggregateReasons.length > 0) {
      const groupColumns = atom.columns.flatMap((_, column) => {
        const variable = atom.columnVariables[column];
        return variable !== null && variable !== undefined && group.has(variable) ? [column] : [];
      });
      gate = intersect(gate, [...new Set([...groupColumns, ...constantColumns(atom)])].sort((a, b) => a - b));
      for (const a of aggregateReasons) reasons.push(a.reason);
      describe(aggregateReasons[0]!.span, aggregateReasons[0]!.text);
    }
    if (rule.operator === "<-" || rule.operator === "<+-") {
      reasons.push({ kind: rule.operator === "<-" ? "delete" : "upsert" });
      const key = head?.key ?? rule.headColumns.map((_, i) => i);
      const keyColumns = lineage.filter((l) => key.includes(l.head)).map((l) => l.body);
      gate = intersect(gate, [...new Set(keyColumns)].sort((a, b) => a - b));
      describe(rule.operatorSpan, `${renderHead(rule)} ${rule.operator}`);
    }
    const ownReads = reads.filter((r) => r.atom === atomIndex);
    if (ownReads.length > 0) {
      for (const read of ownReads) reasons.push({ kind: "lattice-read", column: read.column, use: read.use, span: read.span });
      const keyColumns = from === undefined ? [] : from.columns.flatMap((c, i) => (c.lattice ? [] : [i]));
      gate = intersect(gate, keyColumns);
      describe(ownReads[0]!.span, ownReads[0]!.text);
    }

    return {
      rule: rule.id,
      atom: atomIndex,
      from: atom.collection,
      to: rule.head,
      polarity: atom.negated ? "negative" : "positive",
      monotone: reasons.length === 0,
      reasons,
      temporal,
      operator: rule.operator,
      gate: reasons.length === 0 ? null : gate,
      lineage,
      operatorText: text,
      span,
    };
  });
}
