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
// the previous round's new tuples, until a round derives nothing new. In an incremental stratum
// (one with rules into incrementalCollections below), when the runtime finds that what those
// rules read only grew since the last tick, they run their `incrementalPlans` instead of their
// first plan, and everything else goes on the same way.

import type { AggregateFunction } from "./ast.ts";
import type { CheckedProgram, CheckedRule, IrCollection, IrEdge, IrExpression, IrPlan, IrProgram, IrRule } from "./ir.ts";
import { RulePlanner } from "./plan-rule.ts";
import type { Span } from "./source.ts";
import type { Stratification } from "./stratify.ts";

export function planProgram(
  program: CheckedProgram,
  edges: readonly IrEdge[],
  stratification: Pick<Stratification, "strata" | "ruleStrata">,
): IrProgram {
  const collections = new Map(program.collections.map((collection) => [collection.name, collection]));
  const growing = incrementalCollections(program, collections, stratification);
  const rules = program.rules.map((rule, position): IrRule => {
    const stratum = stratification.ruleStrata[position] ?? 0;
    const planner = new RulePlanner(rule, collections);
    const plans: IrPlan[] = [planner.plan(null)];
    const readDelta = rule.aggregates.every((aggregate) => FOLDS_FROM_DELTAS.has(aggregate.function));
    for (const atom of deltaAtoms(rule, stratification.strata[stratum])) plans.push(planner.plan(atom, readDelta));
    const incrementalPlans = rule.operator === "<=" && growing.has(rule.head) ? positiveAtoms(rule).map((atom) => planner.plan(atom, true, "since")) : [];
    return {
      ...rule,
      variables: planner.variables,
      stratum,
      plans,
      incrementalPlans,
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
    strata: stratification.strata.map((stratum) =>
      stratum.rules.some((index) => rules[index]!.incrementalPlans.length > 0) ? { ...stratum, incremental: true } : stratum,
    ),
  };
}

/**
 * The collections whose rules may start each tick from what changed instead of from everything:
 * tables that only grow (no key that could replace a row, no lattice column that could change
 * in place, no rule that deletes or replaces their rows), all of whose `<=` rules are monotone
 * and deterministic (no negation, no aggregate, no now(), random(), uuid() or @nondet extern)
 * with a positive atom to start from. Such a table already holds everything the rows present
 * at the last committed tick derive, and a derivation new in this tick uses at least one row
 * added since (rows that disappeared, like last tick's scratch rows, derive nothing new through
 * a monotone rule): one plan per positive atom, that atom read `since`, finds them all. The
 * runtime still checks before the stratum runs that the rows those plans read only grew (a
 * lattice value grown in place, or a new row moved into an old position, would hide a change)
 * and otherwise evaluates the stratum in full; a rule reading lattice values computed in its
 * own stratum, which could grow after that check, is never incremental.
 */
function incrementalCollections(
  program: CheckedProgram,
  collections: ReadonlyMap<string, IrCollection>,
  stratification: Pick<Stratification, "strata" | "ruleStrata">,
): Set<string> {
  const growing = new Set(
    program.collections
      .filter((collection) => collection.kind === "table" && collection.key === null && collection.columns.every((column) => !column.lattice))
      .map((collection) => collection.name),
  );
  program.rules.forEach((rule, position) => {
    if (!growing.has(rule.head)) return;
    // A lattice value of the rule's own stratum may grow in place while the stratum runs, after
    // the runtime checked that nothing grew in place: such a rule must read everything.
    const stratum = new Set(stratification.strata[stratification.ruleStrata[position] ?? 0]?.collections ?? []);
    const readsGrowingValues = rule.atoms.some(
      (atom) => !atom.negated && stratum.has(atom.collection) && collections.get(atom.collection)?.columns.some((column) => column.lattice) === true,
    );
    const monotone =
      rule.operator === "<+" ||
      (rule.operator === "<=" &&
        rule.aggregates.length === 0 &&
        rule.atoms.every((atom) => !atom.negated) &&
        positiveAtoms(rule).length > 0 &&
        nondeterministicCalls(rule).length === 0 &&
        !readsGrowingValues);
    if (!monotone) growing.delete(rule.head);
  });
  for (const name of growing) if (!collections.has(name)) growing.delete(name);
  return growing;
}

/** The positive atoms of a rule, in the order written. */
function positiveAtoms(rule: CheckedRule): number[] {
  return rule.literals.flatMap((literal) => (literal.kind === "atom" && !rule.atoms[literal.atom]!.negated ? [literal.atom] : []));
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
