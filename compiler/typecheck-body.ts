// A rule's body: which literal binds which variable, in what order, and with what type.
// In: the body literals of one rule and the rule's variable table. Out: the IrAtoms, the
// CheckedLiterals in source order, the set of bound variable names, and the occurrences of
// variables that nothing binds (the rule checker reports them, one per variable, together with
// the head's).
// The binding order is a fixpoint: a positive atom binds its plain-variable columns once the
// variables of its expression columns are bound (by others or by itself); `z = e` (or `e = z`)
// binds z once e's variables are bound, and compares when both sides are bound; `x in s` binds
// x once s is bound, and tests membership when x is already bound. Atoms are preferred, so
// `=` binds only what no atom can. Types then flow along that order: a variable takes the type
// of the column or expression that binds it first, and every later use is checked against it.
// Memberships are checked in typecheck-membership.ts.

import type { AtomLiteral, BodyLiteral, Expression, VariableRef } from "./ast.ts";
import { diagnostic, type Diagnostic, type DiagnosticCode } from "./diagnostics.ts";
import type { CheckedLiteral, ColumnPattern, IrAtom } from "./ir.ts";
import type { ResolvedModule, ResolvedProgram } from "./resolve.ts";
import type { Span } from "./source.ts";
import { matchArguments } from "./typecheck-arguments.ts";
import type { CollectionInfo, ExternInfo } from "./typecheck-declarations.ts";
import { checkExpression, coerce, type ExpressionContext } from "./typecheck-expressions.ts";
import { checkMembership } from "./typecheck-membership.ts";
import { describeType, equalityComparable, valueType } from "./typecheck-values.ts";
import { isLattice, type Type } from "./types.ts";

export interface VariableEntry {
  readonly name: string;
  type: Type | null;
  /** Where it is first bound (set when typed). */
  span: Span | null;
  /** Typed already (possibly as null, after an error). */
  typed: boolean;
  readonly wildcard: boolean;
}

/** The per-rule variable slots: named variables by name, and one fresh slot per counted `_`. */
export class RuleVariables {
  readonly entries: VariableEntry[] = [];
  private readonly byName = new Map<string, number>();

  slotOf(name: string): number {
    let slot = this.byName.get(name);
    if (slot === undefined) {
      slot = this.entries.length;
      this.entries.push({ name, type: null, span: null, typed: false, wildcard: false });
      this.byName.set(name, slot);
    }
    return slot;
  }

  fresh(type: Type | null, span: Span): number {
    this.entries.push({ name: "_", type, span, typed: true, wildcard: true });
    return this.entries.length - 1;
  }

  /** For expressions: the slot and its type (null until typed or after an error). */
  lookup(ref: VariableRef): { slot: number; type: Type | null } {
    const slot = this.slotOf(ref.name);
    return { slot, type: this.entries[slot]!.type };
  }
}

export interface UnboundOccurrence {
  readonly name: string;
  readonly span: Span;
  readonly code: DiagnosticCode;
}

export interface BodyContext {
  readonly module: ResolvedModule;
  readonly collections: ReadonlyMap<string, CollectionInfo>;
  readonly collectionOf: ResolvedProgram["collectionOf"];
  readonly externs: ReadonlyMap<string, ExternInfo>;
  readonly diagnostics: Diagnostic[];
  readonly variables: RuleVariables;
  /** The rule aggregates: each `_` of a positive atom is a variable of its own. */
  readonly aggregating: boolean;
}

type ColumnArgument =
  | { readonly kind: "variable"; readonly ref: VariableRef }
  | { readonly kind: "wildcard"; readonly span: Span }
  | { readonly kind: "expression"; readonly expression: Expression };

type BodyItem =
  | {
      readonly kind: "atom";
      readonly literal: AtomLiteral;
      readonly atomIndex: number;
      readonly collection: { readonly name: string; readonly info: CollectionInfo } | null;
      /** One per column; null when the collection or the arguments are broken (reported). */
      readonly columns: readonly ColumnArgument[] | null;
      readonly binds: readonly VariableRef[];
      readonly needs: readonly VariableRef[];
    }
  | { readonly kind: "condition"; readonly expression: Expression; readonly span: Span; readonly refs: readonly VariableRef[] }
  | { readonly kind: "membership"; readonly variable: VariableRef; readonly source: Expression; readonly span: Span; readonly refs: readonly VariableRef[] };

type Decision =
  | { readonly kind: "atom" }
  | { readonly kind: "condition" }
  | { readonly kind: "binding"; readonly target: VariableRef; readonly value: Expression }
  | { readonly kind: "membership"; readonly filter: boolean };

export function variableRefs(expression: Expression, into: VariableRef[] = []): VariableRef[] {
  switch (expression.kind) {
    case "variable":
      into.push(expression);
      break;
    case "binary":
      variableRefs(expression.left, into);
      variableRefs(expression.right, into);
      break;
    case "unary":
      variableRefs(expression.operand, into);
      break;
    case "call":
      for (const arg of expression.args) variableRefs(arg, into);
      break;
    case "aggregate":
      if (expression.arg) variableRefs(expression.arg, into);
      break;
    default:
      break;
  }
  return into;
}

function plainVariable(expression: Expression): VariableRef | null {
  return expression.kind === "variable" ? expression : null;
}

export function checkBody(
  body: readonly BodyLiteral[],
  context: BodyContext,
): { atoms: IrAtom[]; literals: CheckedLiteral[]; bound: Set<string>; unbound: UnboundOccurrence[] } {
  const items = body.map((literal, index) => describe(literal, body.slice(0, index).filter((l) => l.kind === "atom").length, context));
  const { order, decisions, bound } = bindingOrder(items);
  const unbound = items.flatMap((item, index) => (decisions.has(index) ? [] : unboundIn(item, bound)));

  const expressions: ExpressionContext = {
    module: context.module,
    externs: context.externs,
    diagnostics: context.diagnostics,
    variable: (ref) => context.variables.lookup(ref),
  };
  const atoms: IrAtom[] = [];
  const literals = new Map<number, CheckedLiteral>();
  const blocked = items.map((_, index) => index).filter((index) => !decisions.has(index));
  for (const index of [...order, ...blocked]) {
    const item = items[index]!;
    const decision = decisions.get(index);
    if (item.kind === "atom") {
      atoms[item.atomIndex] = checkAtom(item, context, expressions);
      literals.set(index, { kind: "atom", atom: item.atomIndex });
    } else if (item.kind === "condition") {
      const checked = decision?.kind === "binding" ? checkBinding(decision, item.span, context, expressions) : checkCondition(item, expressions);
      if (checked) literals.set(index, checked);
    } else {
      const checked = checkMembership(item, decision?.kind === "membership" && decision.filter, context.variables, expressions);
      if (checked) literals.set(index, checked);
    }
  }
  return {
    atoms,
    literals: items.flatMap((_, index) => (literals.has(index) ? [literals.get(index)!] : [])),
    bound,
    unbound,
  };
}

function describe(literal: BodyLiteral, atomIndex: number, context: BodyContext): BodyItem {
  if (literal.kind === "condition") {
    return { kind: "condition", expression: literal.expression, span: literal.span, refs: variableRefs(literal.expression) };
  }
  if (literal.kind === "membership") {
    const variable: VariableRef = { kind: "variable", name: literal.variable.name, span: literal.variable.span };
    return { kind: "membership", variable, source: literal.source, span: literal.span, refs: variableRefs(literal.source) };
  }
  const resolved = context.collectionOf(context.module, literal.target);
  const info = resolved ? context.collections.get(resolved.name) : undefined;
  let columns: ColumnArgument[] | null = null;
  if (resolved && info) {
    const matched = matchArguments(literal.args, { name: resolved.name, columns: info.columns }, literal.span, { namedForm: literal.named, complete: false }, context.diagnostics);
    if (matched) {
      columns = matched.map((arg): ColumnArgument => {
        if (arg === null) return { kind: "wildcard", span: literal.span };
        if (arg.value.kind === "variable") return { kind: "variable", ref: arg.value };
        if (arg.value.kind === "wildcard") return { kind: "wildcard", span: arg.value.span };
        return { kind: "expression", expression: arg.value };
      });
    }
  }
  const plain = literal.args.flatMap((arg) => (arg.value.kind === "variable" ? [arg.value] : []));
  const inExpressions = literal.args.flatMap((arg) => (arg.value.kind === "variable" ? [] : variableRefs(arg.value)));
  if (literal.negated) {
    return { kind: "atom", literal, atomIndex, collection: resolved && info ? { name: resolved.name, info } : null, columns, binds: [], needs: [...plain, ...inExpressions] };
  }
  const ownNames = new Set(plain.map((ref) => ref.name));
  return {
    kind: "atom",
    literal,
    atomIndex,
    collection: resolved && info ? { name: resolved.name, info } : null,
    columns,
    binds: plain,
    needs: inExpressions.filter((ref) => !ownNames.has(ref.name)),
  };
}

function bindingOrder(items: readonly BodyItem[]): { order: number[]; decisions: Map<number, Decision>; bound: Set<string> } {
  const bound = new Set<string>();
  const decisions = new Map<number, Decision>();
  const order: number[] = [];
  const ready = (refs: readonly VariableRef[]) => refs.every((ref) => bound.has(ref.name));
  const schedule = (index: number, decision: Decision) => {
    decisions.set(index, decision);
    order.push(index);
  };
  let progress = true;
  while (progress) {
    progress = false;
    items.forEach((item, index) => {
      if (decisions.has(index) || item.kind !== "atom" || item.literal.negated || !ready(item.needs)) return;
      schedule(index, { kind: "atom" });
      for (const ref of item.binds) bound.add(ref.name);
      progress = true;
    });
    if (progress) continue;
    for (let index = 0; index < items.length && !progress; index++) {
      const item = items[index]!;
      if (decisions.has(index)) continue;
      if (item.kind === "atom") {
        if (ready(item.needs)) schedule(index, { kind: "atom" });
      } else if (item.kind === "membership") {
        if (!ready(item.refs)) continue;
        schedule(index, { kind: "membership", filter: bound.has(item.variable.name) });
        progress = !bound.has(item.variable.name);
        bound.add(item.variable.name);
      } else if (ready(item.refs)) {
        schedule(index, { kind: "condition" });
      } else if (item.expression.kind === "binary" && item.expression.operator === "=") {
        const { left, right } = item.expression;
        for (const [target, value] of [
          [plainVariable(left), right],
          [plainVariable(right), left],
        ] as const) {
          if (target && !bound.has(target.name) && ready(variableRefs(value))) {
            schedule(index, { kind: "binding", target, value });
            bound.add(target.name);
            progress = true;
            break;
          }
        }
      }
    }
  }
  return { order, decisions, bound };
}

function unboundIn(item: BodyItem, bound: ReadonlySet<string>): UnboundOccurrence[] {
  const unboundRefs = (refs: readonly VariableRef[], code: DiagnosticCode) =>
    refs.filter((ref) => !bound.has(ref.name)).map((ref) => ({ name: ref.name, span: ref.span, code }));
  if (item.kind === "atom") return unboundRefs(item.needs, item.literal.negated ? "HY3004" : "HY3005");
  if (item.kind === "membership") return unboundRefs(item.refs, "HY3005");
  const expression = item.expression;
  if (expression.kind === "binary" && expression.operator === "=") {
    // `z = e` with e unbound: blame e's variables, not z (z is unbound only because of them).
    const left = plainVariable(expression.left);
    const right = plainVariable(expression.right);
    if (left && !right && !bound.has(left.name)) return unboundRefs(variableRefs(expression.right), "HY3005");
    if (right && !left && !bound.has(right.name)) return unboundRefs(variableRefs(expression.left), "HY3005");
  }
  return unboundRefs(item.refs, "HY3005");
}

function checkAtom(item: Extract<BodyItem, { kind: "atom" }>, context: BodyContext, expressions: ExpressionContext): IrAtom {
  const { variables, diagnostics } = context;
  if (!item.columns || !item.collection) {
    // Broken collection or arity (reported): its variables are bound, of unknown type.
    for (const ref of item.binds) {
      const entry = variables.entries[variables.slotOf(ref.name)]!;
      if (!entry.typed) Object.assign(entry, { typed: true, span: ref.span });
    }
    return { collection: item.collection?.name ?? item.literal.target.name.name, negated: item.literal.negated, columns: [], columnVariables: [], span: item.literal.span };
  }
  const { name, info } = item.collection;
  const columns: ColumnPattern[] = [];
  const columnVariables: (number | null)[] = [];
  const plainColumns = item.columns.map((argument, index) => ({ argument, index }));
  // Plain variables first, so `p(x, x + 1)` sees x typed by its own first column.
  for (const { argument, index } of plainColumns) {
    const column = info.columns[index]!;
    if (argument.kind === "variable") {
      const slot = variables.slotOf(argument.ref.name);
      const entry = variables.entries[slot]!;
      if (!entry.typed) Object.assign(entry, { typed: true, type: column.type, span: argument.ref.span });
      else if (entry.type !== null && column.type !== null && !equalityComparable(entry.type, column.type)) {
        diagnostics.push(
          diagnostic("HY3002", argument.ref.span, `expected ${describeType(entry.type)} (the type of \`${argument.ref.name}\`), found ${describeType(column.type)} (column \`${column.name}\` of \`${name}\`)`, {
            ...(entry.span ? { related: [{ message: `\`${argument.ref.name}\` is bound here`, span: entry.span }] } : {}),
          }),
        );
      }
      columns[index] = { kind: "bind", variable: slot };
      columnVariables[index] = slot;
    } else if (argument.kind === "wildcard") {
      if (context.aggregating && !item.literal.negated) {
        const slot = variables.fresh(column.type, argument.span);
        columns[index] = { kind: "bind", variable: slot };
        columnVariables[index] = slot;
      } else {
        columns[index] = { kind: "ignore" };
        columnVariables[index] = null;
      }
    }
  }
  for (const { argument, index } of plainColumns) {
    if (argument.kind !== "expression") continue;
    const column = info.columns[index]!;
    columnVariables[index] = null;
    columns[index] = { kind: "ignore" };
    const typed = checkExpression(argument.expression, expressions, column.type ?? undefined);
    if (!typed || column.type === null) continue;
    if (!equalityComparable(typed.type, column.type)) {
      diagnostics.push(diagnostic("HY3002", argument.expression.span, `expected ${describeType(column.type)} (column \`${column.name}\` of \`${name}\`), found ${describeType(typed.type)}`));
      continue;
    }
    const value = isLattice(column.type) ? typed.ir : (coerce(typed, column.type) ?? typed.ir);
    columns[index] = { kind: "match", value };
  }
  return { collection: name, negated: item.literal.negated, columns, columnVariables, span: item.literal.span };
}

function checkBinding(decision: Extract<Decision, { kind: "binding" }>, span: Span, context: BodyContext, expressions: ExpressionContext): CheckedLiteral | null {
  const typed = checkExpression(decision.value, expressions);
  const slot = context.variables.slotOf(decision.target.name);
  Object.assign(context.variables.entries[slot]!, { typed: true, type: typed?.type ?? null, span: decision.target.span });
  return typed ? { kind: "binding", variable: slot, value: typed.ir, span } : null;
}

function checkCondition(item: Extract<BodyItem, { kind: "condition" }>, expressions: ExpressionContext): CheckedLiteral | null {
  const typed = checkExpression(item.expression, expressions);
  if (!typed) return null;
  if (valueType(typed.type)?.kind !== "bool") {
    expressions.diagnostics.push(diagnostic("HY3002", item.expression.span, `expected a bool condition, found ${describeType(typed.type)}`));
    return null;
  }
  return { kind: "condition", predicate: typed.ir, span: item.span };
}
