// Lowering: a checked, stratified program becomes the IrProgram every later phase reads.
// In: the CheckedProgram, its edges (edges.ts) and its stratification (stratify.ts).
// Out: an IrProgram whose rules carry their stratum, their plans (plan-rule.ts) and their
// nondeterministic calls.
// Why so: semi-naive evaluation is decided per rule here, from the strata, so the emitter only
// follows plans: in a recursive stratum, a rule that reads collections of its own stratum gets a
// first-round plan over full contents plus one variant per such atom, that atom read as the
// delta of the previous round and placed first; every other rule runs once per stratum.
// The evaluation contract: a non-recursive stratum runs each rule's one plan once, in the order
// of `stratum.rules` (which puts a collection's rules before its readers); a recursive stratum
// runs every first plan once, then repeats every later plan, each reading its `delta` atom from
// the previous round's new tuples, until a round derives nothing new.

import type { AggregateFunction } from "./ast.ts";
import type { CheckedProgram, CheckedRule, IrEdge, IrExpression, IrPlan, IrProgram, IrRule } from "./ir.ts";
import { RulePlanner } from "./plan-rule.ts";
import type { Span } from "./source.ts";
import type { Stratification } from "./stratify.ts";

export function planProgram(
  program: CheckedProgram,
  edges: readonly IrEdge[],
  stratification: Pick<Stratification, "strata" | "ruleStrata">,
): IrProgram {
  const collections = new Map(program.collections.map((collection) => [collection.name, collection]));
  const rules = program.rules.map((rule, position): IrRule => {
    const stratum = stratification.ruleStrata[position] ?? 0;
    const planner = new RulePlanner(rule, collections);
    const plans: IrPlan[] = [planner.plan(null)];
    const readDelta = rule.aggregates.every((aggregate) => FOLDS_FROM_DELTAS.has(aggregate.function));
    for (const atom of deltaAtoms(rule, stratification.strata[stratum])) plans.push(planner.plan(atom, readDelta));
    return {
      ...rule,
      variables: planner.variables,
      stratum,
      plans,
      nondeterministicCalls: nondeterministicCalls(rule),
    };
  });
  return {
    moduleName: program.moduleName,
    collections: program.collections,
    externs: program.externs,
    seals: program.seals,
    facts: program.facts,
    rules,
    edges,
    strata: stratification.strata,
  };
}

/**
 * Aggregates whose result over all tuples is the lattice merge of their results over the parts
 * (min, max, collect, and choose, the smallest). Only these can be folded from deltas; a rule
 * with another aggregate in a recursive stratum (`count` into `max<int>`, the one other monotone
 * case) gets variants that re-read every atom in full whenever a delta arrives.
 */
const FOLDS_FROM_DELTAS = new Set<AggregateFunction>(["min", "max", "collect", "choose"]);

/** The positive atoms that need a delta variant: those reading the rule's own recursive stratum. */
function deltaAtoms(rule: CheckedRule, stratum: { recursive: boolean; collections: readonly string[] } | undefined): number[] {
  if (rule.operator !== "<=" || stratum === undefined || !stratum.recursive) return [];
  const own = new Set(stratum.collections);
  return rule.literals.flatMap((literal) => {
    if (literal.kind !== "atom") return [];
    const atom = rule.atoms[literal.atom]!;
    return !atom.negated && own.has(atom.collection) ? [literal.atom] : [];
  });
}

/** Every call of now(), random(), uuid() or an @nondet extern in the rule, in source order. */
export function nondeterministicCalls(rule: CheckedRule): { function: string; span: Span }[] {
  const found: { function: string; span: Span }[] = [];
  const visit = (expression: IrExpression): void => {
    switch (expression.kind) {
      case "call":
        if (expression.nondeterministic) found.push({ function: expression.function, span: expression.span });
        expression.args.forEach(visit);
        return;
      case "binary":
        visit(expression.left);
        visit(expression.right);
        return;
      case "unary":
        visit(expression.operand);
        return;
      case "lift":
        visit(expression.value);
        return;
      default:
        return;
    }
  };
  for (const atom of rule.atoms) {
    for (const column of atom.columns) if (column.kind === "match") visit(column.value);
  }
  for (const literal of rule.literals) {
    if (literal.kind === "condition") visit(literal.predicate);
    if (literal.kind === "binding") visit(literal.value);
    if (literal.kind === "membership") literal.sources.forEach(visit);
  }
  for (const aggregate of rule.aggregates) if (aggregate.argument !== null) visit(aggregate.argument);
  rule.headColumns.forEach(visit);
  // Expressions may be shared between the head and the aggregates: keep each call once.
  const seen = new Set<string>();
  return found
    .filter((call) => {
      const key = `${call.span.file}:${call.span.start}:${call.span.end}:${call.function}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.span.file.localeCompare(b.span.file) || a.span.start - b.span.start);
}
