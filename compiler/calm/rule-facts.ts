// Facts about each rule that do not depend on labels, computed once before the fixpoint.
// In: the IrProgram (rules with their atoms and literals, and the edges of edges.ts).
// Out: per rule — where each positive atom's taint goes (the whole head, or only lattice
// columns), the pairs of atoms it joins and on which columns, whether a join is an argmax
// join-back, a non-idempotent self-update, the inserts a `<-` races with, and which head
// columns each atom's columns are equated to (for seals).
// Keeping these apart from the label fixpoint keeps the fixpoint a short loop over facts.

import type { CheckedRule, IrCollection, IrEdge, IrExpression, IrProgram, IrRule } from "../ir.ts";
import type { Span } from "../source.ts";
import { renderExpression } from "./render.ts";
import { variablesOf } from "../ir-expressions.ts";
export { variablesOf };

/** Where the taint of a positive atom goes: everywhere, or only into some lattice head columns. */
export type AtomFlow =
  | { readonly kind: "whole" }
  | { readonly kind: "columns"; readonly into: ReadonlyMap<number, readonly number[]> };

export interface JoinPair {
  readonly left: number;
  readonly right: number;
  /** Columns of each side bound by the join (empty: a cross product). */
  readonly leftColumns: readonly number[];
  readonly rightColumns: readonly number[];
  /** The per-tick side is an argmax join-back computed from the other side (not confluence-relevant). */
  readonly exemptLeft: boolean;
  readonly exemptRight: boolean;
}

export interface SelfUpdate {
  readonly selfAtom: number;
  readonly headColumn: number;
  readonly text: string;
  readonly span: Span;
}

export interface RuleFacts {
  readonly rule: IrRule;
  readonly edges: readonly IrEdge[];
  readonly head: IrCollection | undefined;
  readonly monotone: boolean;
  /** Per atom; null for negated atoms (their taint only passes through their N edge). */
  readonly flows: readonly (AtomFlow | null)[];
  readonly joins: readonly JoinPair[];
  readonly selfUpdate: SelfUpdate | null;
  readonly nondeterministicCalls: readonly { readonly function: string; readonly span: Span; readonly text: string }[];
  /** Calls of externs not marked @nondet: trusted to be pure, which the analysis cannot verify. */
  readonly externCalls: readonly { readonly function: string; readonly span: Span }[];
  /** For a `<-` rule: the `<+` and `<=` rules that insert into the same table. */
  readonly racingInserts: readonly number[];
  /** Per atom: body column → head columns holding the same variable (seal lineage). */
  readonly equated: readonly ReadonlyMap<number, readonly number[]>[];
}

export const PER_TICK_KINDS: ReadonlySet<string> = new Set(["scratch", "channel", "input", "output", "periodic"]);

type Call = { function: string; span: Span; text: string };

/** Nondeterministic calls go to `nondet`, other extern calls (trusted to be pure) to `pure`. */
function callsOf(rule: CheckedRule, expression: IrExpression, into: { nondet: Call[]; pure: Call[] }): void {
  const recurse = (e: IrExpression): void => callsOf(rule, e, into);
  switch (expression.kind) {
    case "call": {
      if (expression.nondeterministic || expression.extern) {
        const call = { function: expression.function, span: expression.span, text: renderExpression(rule, expression) };
        (expression.nondeterministic ? into.nondet : into.pure).push(call);
      }
      for (const a of expression.args) recurse(a);
      break;
    }
      break;
    case "binary":
      recurse(expression.left);
      recurse(expression.right);
      break;
    case "unary":
      recurse(expression.operand);
      break;
    case "lift":
      recurse(expression.value);
      break;
    default:
      break;
  }
}

function expressionsOf(rule: CheckedRule): IrExpression[] {
  const list: IrExpression[] = [...rule.headColumns];
  for (const a of rule.aggregates) if (a.argument !== null) list.push(a.argument);
  for (const literal of rule.literals) {
    if (literal.kind === "condition") list.push(literal.predicate);
    else if (literal.kind === "binding") list.push(literal.value);
    else if (literal.kind === "membership") list.push(...literal.sources);
  }
  for (const atom of rule.atoms) for (const p of atom.columns) if (p.kind === "match") list.push(p.value);
  return list;
}

/** Variables of each atom column: the column's own variable or those of its match expression. */
function columnVariables(rule: CheckedRule, atomIndex: number, column: number): Set<number> {
  const atom = rule.atoms[atomIndex]!;
  const pattern = atom.columns[column]!;
  const own = atom.columnVariables[column];
  if (own !== null && own !== undefined) return new Set([own]);
  if (pattern.kind === "bind") return new Set([pattern.variable]);
  if (pattern.kind === "match") return variablesOf(pattern.value);
  return new Set();
}

/**
 * The variables of a rule's parts, each expanded to the atom-bound variables it is computed
 * from (through bindings and memberships), computed once per rule.
 */
interface RuleIndex {
  readonly columnVariables: readonly (readonly Set<number>[])[];
  readonly columnRoots: readonly (readonly Set<number>[])[];
  readonly atomRoots: readonly Set<number>[];
  readonly conditionRoots: readonly Set<number>[];
  readonly aggregateRoots: readonly Set<number>[];
  readonly headRoots: readonly Set<number>[];
}

function indexRule(rule: CheckedRule): RuleIndex {
  const derivedFrom = new Map<number, Set<number>>();
  for (const literal of rule.literals) {
    if (literal.kind === "binding") derivedFrom.set(literal.variable, variablesOf(literal.value));
    else if (literal.kind === "membership") {
      const sources = new Set<number>();
      for (const s of literal.sources) variablesOf(s, sources);
      derivedFrom.set(literal.variable, sources);
    }
  }
  if (derivedFrom.size === 0) {
    // No bindings or memberships: every variable is its own root.
    const columnVars = rule.atoms.map((atom, a) => atom.columns.map((_, c) => columnVariables(rule, a, c)));
    return {
      columnVariables: columnVars,
      columnRoots: columnVars,
      atomRoots: columnVars.map(unionOf),
      conditionRoots: rule.literals.flatMap((l) => (l.kind === "condition" ? [variablesOf(l.predicate)] : [])),
      aggregateRoots: rule.aggregates.flatMap((a) => (a.argument === null ? [] : [variablesOf(a.argument)])),
      headRoots: rule.headColumns.map((h) => variablesOf(h)),
    };
  }
  const memo = new Map<number, Set<number>>();
  const rootOf = (variable: number, visiting: Set<number>): Set<number> => {
    const known = memo.get(variable);
    if (known !== undefined) return known;
    const from = derivedFrom.get(variable);
    if (from === undefined || from.size === 0 || visiting.has(variable)) {
      const own = new Set([variable]);
      if (!visiting.has(variable)) memo.set(variable, own);
      return own;
    }
    visiting.add(variable);
    const roots = new Set<number>();
    for (const v of from) for (const r of rootOf(v, visiting)) roots.add(r);
    visiting.delete(variable);
    memo.set(variable, roots);
    return roots;
  };
  const roots = (variables: Iterable<number>): Set<number> => {
    const result = new Set<number>();
    for (const v of variables) for (const r of rootOf(v, new Set())) result.add(r);
    return result;
  };
  const columnVars = rule.atoms.map((atom, a) => atom.columns.map((_, c) => columnVariables(rule, a, c)));
  const columnRoots = columnVars.map((columns) => columns.map((vars) => roots(vars)));
  return {
    columnVariables: columnVars,
    columnRoots,
    atomRoots: columnRoots.map((columns) => roots(columns.flatMap((c) => [...c]))),
    conditionRoots: rule.literals.flatMap((l) => (l.kind === "condition" ? [roots(variablesOf(l.predicate))] : [])),
    aggregateRoots: rule.aggregates.flatMap((a) => (a.argument === null ? [] : [roots(variablesOf(a.argument))])),
    headRoots: rule.headColumns.map((h) => roots(variablesOf(h))),
  };
}

function unionOf(sets: readonly Set<number>[]): Set<number> {
  const result = new Set<number>();
  for (const set of sets) for (const x of set) result.add(x);
  return result;
}

function intersects(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

function flowOf(rule: CheckedRule, atomIndex: number, head: IrCollection | undefined, index: RuleIndex): AtomFlow {
  const atom = rule.atoms[atomIndex]!;
  const whole: AtomFlow = { kind: "whole" };
  const own = new Set<number>();
  for (let column = 0; column < atom.columns.length; column++) {
    const pattern = atom.columns[column]!;
    if (pattern.kind === "match" && atom.columnVariables[column] == null) return whole; // a filter
    for (const v of index.columnVariables[atomIndex]![column]!) {
      if (own.has(v)) return whole; // the same variable twice: a filter within the atom
      own.add(v);
    }
  }
  if (own.size === 0) return whole; // a pure trigger: its existence decides the head
  // Used anywhere but a lattice head column, the atom decides which head tuples exist.
  for (let other = 0; other < rule.atoms.length; other++) {
    if (other !== atomIndex && intersects(index.atomRoots[other]!, own)) return whole;
  }
  for (const c of index.conditionRoots) if (intersects(c, own)) return whole;
  for (const a of index.aggregateRoots) if (intersects(a, own)) return whole;
  const into = new Map<number, number[]>();
  for (let h = 0; h < rule.headColumns.length; h++) {
    const used = index.headRoots[h]!;
    const fromColumns = atom.columns.flatMap((_, c) => (intersects(index.columnVariables[atomIndex]![c]!, used) ? [c] : []));
    if (fromColumns.length === 0) continue;
    if (head?.columns[h]?.lattice !== true) return whole;
    into.set(h, fromColumns);
  }
  if (into.size === 0) return whole;
  return { kind: "columns", into };
}

function joinColumns(rule: CheckedRule, a: number, b: number, index: RuleIndex): number[] {
  const bRoots = index.atomRoots[b]!;
  return rule.atoms[a]!.columns.flatMap((_, c) => {
    const mine = index.columnRoots[a]![c]!;
    if (intersects(mine, bRoots)) return [c];
    const viaCondition = index.conditionRoots.some((cond) => intersects(cond, mine) && intersects(cond, bRoots));
    return viaCondition ? [c] : [];
  });
}

/**
 * The argmax join-back: `perTick` is computed in the same tick by `<=` rules from the collection
 * of `other`, and each of its join columns is copied unchanged or aggregated from the column of
 * `other` it is joined with.
 */
function isJoinBack(
  producersOf: (collection: string) => readonly CheckedRule[],
  rule: CheckedRule,
  perTick: number,
  other: number,
  perTickColumns: readonly number[],
): boolean {
  const y = rule.atoms[perTick]!;
  const x = rule.atoms[other]!;
  if (perTickColumns.length === 0) return false;
  const producers = producersOf(y.collection);
  if (producers.length === 0 || producers.some((p) => p.operator !== "<=")) return false;
  const partner = new Map<number, number>();
  for (const yc of perTickColumns) {
    const v = y.columnVariables[yc];
    const xc = v == null ? -1 : x.columnVariables.indexOf(v);
    if (xc < 0) return false; // joined through a condition: not a plain join-back
    partner.set(yc, xc);
  }
  return producers.every((p) =>
    p.atoms.some((source) => {
      if (source.negated || source.collection !== x.collection) return false;
      return perTickColumns.every((yc) => {
        const xc = partner.get(yc)!;
        let expression = p.headColumns[yc];
        if (expression?.kind === "lift") expression = expression.value;
        if (expression === undefined) return false;
        if (expression.kind === "variable") return source.columnVariables[xc] === expression.variable;
        if (expression.kind === "aggregateResult") {
          const argument = p.aggregates[expression.index]?.argument;
          return argument?.kind === "variable" && source.columnVariables[xc] === argument.variable;
        }
        return false;
      });
    }),
  );
}

const NON_IDEMPOTENT = new Set(["+", "-", "*", "/", "%", "++"]);

/**
 * `x + 1` written back over the same tuple in the next tick. Only a deferred update counts ticks:
 * a `<=` derivation (`dist(a, c, d + w) <= dist(a, b, d), …`) is a fixpoint over facts.
 */
function selfUpdateOf(rule: CheckedRule, head: IrCollection | undefined): SelfUpdate | null {
  if (rule.operator !== "<+" && rule.operator !== "<+-") return null;
  for (let selfAtom = 0; selfAtom < rule.atoms.length; selfAtom++) {
    const atom = rule.atoms[selfAtom]!;
    if (atom.negated || atom.collection !== rule.head) continue;
    const own = new Set(atom.columnVariables.filter((v): v is number => v !== null));
    for (let h = 0; h < rule.headColumns.length; h++) {
      let expression = rule.headColumns[h]!;
      if (expression.kind === "lift") expression = expression.value;
      if (expression.kind !== "binary" || !NON_IDEMPOTENT.has(expression.operator)) continue;
      if (![...variablesOf(expression)].some((v) => own.has(v))) continue;
      // The same tuple: every other key column is copied from the same column of the self atom.
      const sameTuple = rule.headColumns.every((other, j) => {
        if (j === h || head?.columns[j]?.lattice === true) return true;
        return other.kind === "variable" && atom.columnVariables[j] === other.variable;
      });
      if (!sameTuple) continue;
      return { selfAtom, headColumn: h, text: renderExpression(rule, expression), span: expression.span };
    }
  }
  return null;
}

function equatedOf(rule: CheckedRule): Map<number, number[]>[] {
  return rule.atoms.map((atom) => {
    const map = new Map<number, number[]>();
    atom.columnVariables.forEach((variable, body) => {
      if (variable === null) return;
      rule.headColumns.forEach((expression, head) => {
        if (expression.kind === "variable" && expression.variable === variable) {
          map.set(body, [...(map.get(body) ?? []), head]);
        }
      });
    });
    return map;
  });
}

export function ruleFacts(program: IrProgram): RuleFacts[] {
  const collections = new Map(program.collections.map((c) => [c.name, c]));
  const edgesByRule = new Map<number, IrEdge[]>();
  for (const edge of program.edges) edgesByRule.set(edge.rule, [...(edgesByRule.get(edge.rule) ?? []), edge]);
  const producers = new Map<string, IrRule[]>();
  for (const r of program.rules) producers.set(r.head, [...(producers.get(r.head) ?? []), r]);
  const producersOf = (collection: string): readonly IrRule[] => producers.get(collection) ?? [];

  return program.rules.map((rule): RuleFacts => {
    const head = collections.get(rule.head);
    const index = indexRule(rule);
    const edges = (edgesByRule.get(rule.id) ?? []).sort((a, b) => a.atom - b.atom);
    const flows = rule.atoms.map((atom, i) => (atom.negated ? null : flowOf(rule, i, head, index)));
    const positive = rule.atoms.flatMap((a, i) => (a.negated ? [] : [i]));
    const joins: JoinPair[] = [];
    for (let i = 0; i < positive.length; i++) {
      for (let j = i + 1; j < positive.length; j++) {
        const left = positive[i]!;
        const right = positive[j]!;
        const leftColumns = joinColumns(rule, left, right, index);
        const rightColumns = joinColumns(rule, right, left, index);
        joins.push({
          left,
          right,
          leftColumns,
          rightColumns,
          exemptLeft: isJoinBack(producersOf, rule, left, right, leftColumns),
          exemptRight: isJoinBack(producersOf, rule, right, left, rightColumns),
        });
      }
    }
    const found = { nondet: [] as Call[], pure: [] as Call[] };
    for (const e of expressionsOf(rule)) callsOf(rule, e, found);
    const calls = found.nondet;
    for (const c of rule.nondeterministicCalls ?? []) {
      if (!calls.some((k) => k.span.start === c.span.start)) calls.push({ ...c, text: `${c.function}(…)` });
    }
    calls.sort((a, b) => a.span.start - b.span.start);
    return {
      rule,
      edges,
      head,
      monotone: edges.every((e) => e.monotone),
      flows,
      joins,
      selfUpdate: selfUpdateOf(rule, head),
      nondeterministicCalls: calls,
      externCalls: found.pure.sort((a, b) => a.span.start - b.span.start),
      racingInserts:
        rule.operator === "<-"
          ? producersOf(rule.head).filter((r) => r.operator === "<+" || r.operator === "<=").map((r) => r.id)
          : [],
      equated: equatedOf(rule),
    };
  });
}
