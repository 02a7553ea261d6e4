// One rule's body ordered into a pipeline of dataflow operators.
// In: a CheckedRule (its atoms and literals as written), the schemas, and the atom to read as a
// delta (semi-naive variants) or none. Out: an IrPlan — scan, joins, filters, maps, flattens,
// antijoins, an optional aggregate, one sink — and any helper variables the plan needed.
// Why so: the runtime evaluates a plan left to right over variable bindings, so everything that
// depends on order is decided here once: which atom drives the loop, which columns are index
// keys, and the earliest point where each filter, binding, membership and negation can run.
//
// Conventions the consumers rely on:
// - Within one atom operator, its "bind" columns bind first, then its "match" columns are
//   checked; so `edge(x, x)` is [bind x, match x]. `keyColumns` of a join or antijoin are the
//   "match" columns computable before the operator (index keys); a "match" that refers to a
//   variable bound by the same atom is a check after the probe.
// - A plan starts from one empty binding; each operator runs once per incoming binding.
// - `scan` is the first positive atom unless a variable bound before it (by `x = 5`,
//   `x in s`) keys it; its "match" columns are constants or repeated variables. Every other
//   positive atom is a `join` (with no key: a cross product, chosen only when unavoidable).
//   Steps needing no atom (`x = 5`, `x in range(0, 3)`, `!stop()`) may come before the scan.
// - A "bind" column of an antijoin is existential (no variable outside the negation uses it).
// - A step calling now(), random(), uuid() or an @nondet extern stays after the atoms written
//   before it, so each derivation gets its own value.

import type {
  CheckedLiteral,
  CheckedRule,
  ColumnPattern,
  IrCollection,
  IrExpression,
  IrOperator,
  IrPlan,
  IrVariable,
  SinkKind,
} from "./ir.ts";
import type { MergeOperator } from "./ast.ts";
import type { Span } from "./source.ts";
import { BOOL } from "./types.ts";
import { variablesOf } from "./ir-expressions.ts";
export { variablesOf };

const SINKS: Record<MergeOperator, SinkKind> = {
  "<=": "merge",
  "<+": "defer",
  "<-": "delete",
  "<+-": "upsert",
  "<~": "send",
};

export function containsAggregate(expression: IrExpression): boolean {
  switch (expression.kind) {
    case "aggregateResult":
      return true;
    case "binary":
      return containsAggregate(expression.left) || containsAggregate(expression.right);
    case "unary":
      return containsAggregate(expression.operand);
    case "call":
      return expression.args.some(containsAggregate);
    case "lift":
      return containsAggregate(expression.value);
    default:
      return false;
  }
}

/** A body step other than a positive atom, waiting for its variables. */
type Step =
  | { readonly kind: "literal"; readonly order: number; readonly literal: Exclude<CheckedLiteral, { kind: "atom" }> }
  | { readonly kind: "negation"; readonly order: number; readonly atom: number }
  /** A column that had to bind a helper variable: the helper must equal the written value. */
  | { readonly kind: "equality"; readonly order: number; readonly variable: number; readonly value: IrExpression; readonly span: Span };

/**
 * Plans the variants of one rule. Helper variables are shared by all of them (the same column of
 * the same atom gets the same helper), so the rule keeps one variable table.
 */
export class RulePlanner {
  readonly variables: IrVariable[];
  private readonly helpers = new Map<string, number>();

  constructor(
    private readonly rule: CheckedRule,
    private readonly collections: ReadonlyMap<string, IrCollection>,
  ) {
    this.variables = [...rule.variables];
  }

  /**
   * The plan that starts from `deltaAtom` (read as a delta unless `readDelta` is false: an
   * aggregate such as `count` cannot be folded from deltas, so its variants re-read in full).
   */
  plan(deltaAtom: number | null, readDelta = true, deltaSource: "delta" | "since" = "delta"): IrPlan {
    return new PlanBuilder(this.rule, this, deltaAtom, readDelta, deltaSource).build();
  }

  helper(key: string, name: string, type: IrVariable["type"], span: Span): number {
    const existing = this.helpers.get(key);
    if (existing !== undefined) return existing;
    const taken = new Set(this.variables.map((variable) => variable.name));
    let unique = name;
    for (let n = 2; taken.has(unique); n++) unique = `${name}#${n}`;
    this.variables.push({ name: unique, type, span, wildcard: false });
    this.helpers.set(key, this.variables.length - 1);
    return this.variables.length - 1;
  }

  columnName(collection: string, column: number): string {
    return this.collections.get(collection)?.columns[column]?.name ?? String(column);
  }

  columnType(collection: string, column: number): IrVariable["type"] | undefined {
    return this.collections.get(collection)?.columns[column]?.type;
  }
}

class PlanBuilder {
  private readonly bound = new Set<number>();
  private readonly operators: IrOperator[] = [];
  private steps: Step[] = [];
  private readonly atomsLeft: number[] = [];
  private readonly atomOrder = new Map<number, number>();
  private scanned = false;

  constructor(
    private readonly rule: CheckedRule,
    private readonly planner: RulePlanner,
    private readonly deltaAtom: number | null,
    private readonly readDelta: boolean,
    private readonly deltaSource: "delta" | "since",
  ) {
    rule.literals.forEach((literal, order) => {
      if (literal.kind !== "atom") this.steps.push({ kind: "literal", order, literal });
      else if (rule.atoms[literal.atom]!.negated) this.steps.push({ kind: "negation", order, atom: literal.atom });
      else {
        this.atomsLeft.push(literal.atom);
        this.atomOrder.set(literal.atom, order);
      }
    });
  }

  build(): IrPlan {
    this.placeReadySteps();
    let first = true;
    while (this.atomsLeft.length > 0) {
      const next = first && this.deltaAtom !== null && this.atomsLeft.includes(this.deltaAtom) ? this.deltaAtom : this.chooseAtom();
      first = false;
      this.atomsLeft.splice(this.atomsLeft.indexOf(next), 1);
      this.placeAtom(next);
      this.placeReadySteps();
    }
    // Steps whose variables never get bound: only in programs the type checker rejected.
    for (const step of this.steps.sort((a, b) => a.order - b.order)) this.placeStep(step);
    this.steps = [];

    const rule = this.rule;
    if (rule.aggregates.length > 0) {
      this.operators.push({
        kind: "aggregate",
        group: rule.headColumns.filter((column) => !containsAggregate(column)),
        aggregates: rule.aggregates,
      });
    }
    this.operators.push({ kind: "sink", sink: SINKS[rule.operator], collection: rule.head, columns: rule.headColumns });
    return { deltaAtom: this.deltaAtom, operators: this.operators };
  }

  // -------------------------------------------------------------------------------------------
  // Join order

  /** Ready atoms first (every written value computable), then most key columns, then source order. */
  private chooseAtom(): number {
    let best = this.atomsLeft[0]!;
    let bestScore = [-1, -1];
    for (const atom of this.atomsLeft) {
      const score = this.score(atom);
      if (score[0]! > bestScore[0]! || (score[0] === bestScore[0] && score[1]! > bestScore[1]!)) {
        best = atom;
        bestScore = score;
      }
      // atomsLeft is in source order, so a later atom wins only with a strictly better score.
    }
    return best;
  }

  private score(index: number): [ready: number, keys: number] {
    const atom = this.rule.atoms[index]!;
    const own = new Set(atom.columns.flatMap((column) => (column.kind === "bind" ? [column.variable] : [])));
    let ready = 1;
    let keys = 0;
    for (const column of atom.columns) {
      if (column.kind === "bind" && this.bound.has(column.variable)) keys++;
      if (column.kind === "match") {
        const needed = [...variablesOf(column.value)];
        if (needed.every((variable) => this.bound.has(variable))) keys++;
        else if (!needed.every((variable) => this.bound.has(variable) || own.has(variable))) ready = 0;
      }
    }
    return [ready, keys];
  }

  private placeAtom(index: number): void {
    const atom = this.rule.atoms[index]!;
    const before = new Set(this.bound);
    const own = new Set(atom.columns.flatMap((column) => (column.kind === "bind" ? [column.variable] : [])));
    const columns: ColumnPattern[] = atom.columns.map((column, position): ColumnPattern => {
      if (column.kind === "ignore") return column;
      if (column.kind === "bind") {
        if (this.bound.has(column.variable)) return { kind: "match", value: this.reference(column.variable, atom.span) };
        this.bound.add(column.variable);
        return column;
      }
      if ([...variablesOf(column.value)].every((variable) => before.has(variable) || own.has(variable))) return column;
      // The value needs a variable that only a later operator binds: bind the column to a helper
      // and compare once the value is computable.
      const helper = this.planner.helper(
        `atom ${index} column ${position}`,
        `${atom.collection}.${this.planner.columnName(atom.collection, position)}`,
        this.planner.columnType(atom.collection, position) ?? column.value.type,
        atom.span,
      );
      this.bound.add(helper);
      this.steps.push({ kind: "equality", order: this.atomOrder.get(index)! + 0.5, variable: helper, value: column.value, span: atom.span });
      return { kind: "bind", variable: helper };
    });
    const source = index === this.deltaAtom && this.readDelta ? this.deltaSource : "full";
    const keyColumns = keysOf(columns, before);
    const joinsEarlierBindings = keyColumns.some((position) => {
      const column = columns[position]!;
      return column.kind === "match" && variablesOf(column.value).size > 0;
    });
    if (!this.scanned && !joinsEarlierBindings) {
      this.operators.push({ kind: "scan", atom: index, collection: atom.collection, source, columns });
    } else {
      this.operators.push({ kind: "join", atom: index, collection: atom.collection, source, keyColumns, columns });
    }
    this.scanned = true;
  }

  // -------------------------------------------------------------------------------------------
  // Filters, bindings, memberships and negations: each as early as its variables allow

  private placeReadySteps(): void {
    let placed = true;
    while (placed) {
      placed = false;
      this.steps.sort((a, b) => a.order - b.order);
      const ready = this.steps.find((step) => this.isReady(step));
      if (ready !== undefined) {
        this.steps.splice(this.steps.indexOf(ready), 1);
        this.placeStep(ready);
        placed = true;
      }
    }
  }

  private isReady(step: Step): boolean {
    if (![...this.requirements(step)].every((variable) => this.bound.has(variable))) return false;
    // `id = uuid()` means one value per derivation: never hoist a nondeterministic call above
    // the atoms written before it, or every tuple would share one value.
    if (step.kind === "literal" && literalExpressions(step.literal).some(callsNondeterministic)) {
      return this.atomsLeft.every((atom) => this.atomOrder.get(atom)! > step.order);
    }
    return true;
  }

  private requirements(step: Step): Set<number> {
    switch (step.kind) {
      case "equality":
        return variablesOf(step.value, new Set([step.variable]));
      case "negation": {
        const needed = new Set<number>();
        for (const column of this.rule.atoms[step.atom]!.columns) {
          if (column.kind === "bind" && !this.rule.variables[column.variable]?.wildcard) needed.add(column.variable);
          if (column.kind === "match") variablesOf(column.value, needed);
        }
        return needed;
      }
      case "literal": {
        const literal = step.literal;
        if (literal.kind === "condition") return variablesOf(literal.predicate);
        if (literal.kind === "binding") return variablesOf(literal.value);
        const needed = new Set<number>();
        literal.sources.forEach((source) => variablesOf(source, needed));
        return needed;
      }
    }
  }

  private placeStep(step: Step): void {
    if (step.kind === "equality") {
      this.operators.push({ kind: "filter", predicate: equals(this.reference(step.variable, step.span), step.value, step.span) });
      return;
    }
    if (step.kind === "negation") {
      const atom = this.rule.atoms[step.atom]!;
      const columns = atom.columns.map((column): ColumnPattern => {
        if (column.kind !== "bind") return column;
        if (this.rule.variables[column.variable]?.wildcard) return { kind: "ignore" };
        return this.bound.has(column.variable) ? { kind: "match", value: this.reference(column.variable, atom.span) } : column;
      });
      this.operators.push({ kind: "antijoin", atom: step.atom, collection: atom.collection, keyColumns: keysOf(columns, this.bound), columns });
      return;
    }
    const literal = step.literal;
    switch (literal.kind) {
      case "condition":
        this.operators.push({ kind: "filter", predicate: literal.predicate });
        return;
      case "binding":
        if (this.bound.has(literal.variable)) {
          this.operators.push({ kind: "filter", predicate: equals(this.reference(literal.variable, literal.span), literal.value, literal.span) });
        } else {
          this.operators.push({ kind: "map", variable: literal.variable, value: literal.value });
          this.bound.add(literal.variable);
        }
        return;
      case "membership": {
        if (!this.bound.has(literal.variable)) {
          this.operators.push({ kind: "flatten", variable: literal.variable, mode: literal.mode, sources: literal.sources });
          this.bound.add(literal.variable);
          return;
        }
        // `x in s` with x already bound: enumerate into a helper, keep the equal one.
        const original = this.planner.variables[literal.variable]!;
        const helper = this.planner.helper(`membership ${step.order}`, `${original.name}'`, original.type, literal.span);
        this.operators.push({ kind: "flatten", variable: helper, mode: literal.mode, sources: literal.sources });
        this.bound.add(helper);
        this.operators.push({
          kind: "filter",
          predicate: equals(this.reference(helper, literal.span), this.reference(literal.variable, literal.span), literal.span),
        });
        return;
      }
    }
  }

  private reference(variable: number, span: Span): IrExpression {
    return { kind: "variable", variable, type: this.planner.variables[variable]!.type, span };
  }
}

function literalExpressions(literal: Exclude<CheckedLiteral, { kind: "atom" }>): readonly IrExpression[] {
  if (literal.kind === "condition") return [literal.predicate];
  if (literal.kind === "binding") return [literal.value];
  return literal.sources;
}

function callsNondeterministic(expression: IrExpression): boolean {
  switch (expression.kind) {
    case "call":
      return expression.nondeterministic || expression.args.some(callsNondeterministic);
    case "binary":
      return callsNondeterministic(expression.left) || callsNondeterministic(expression.right);
    case "unary":
      return callsNondeterministic(expression.operand);
    case "lift":
      return callsNondeterministic(expression.value);
    default:
      return false;
  }
}

function keysOf(columns: readonly ColumnPattern[], bound: ReadonlySet<number>): number[] {
  return columns.flatMap((column, position) =>
    column.kind === "match" && [...variablesOf(column.value)].every((variable) => bound.has(variable)) ? [position] : [],
  );
}

function equals(left: IrExpression, right: IrExpression, span: Span): IrExpression {
  return { kind: "binary", operator: "==", left, right, type: BOOL, span };
}
