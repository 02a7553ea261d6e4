// One rule: operator placement, the body (typecheck-body.ts), the head and its aggregates.
// In: a resolved rule with its name and acknowledgements. Out: a CheckedRule, or diagnostics
// (HY3001–HY3003, HY3008, HY3011, HY3012, HY4002–HY4006).
// The head gives one IrExpression per head column in declaration order: a plain value as is,
// a base value into a lattice column lifted, an aggregate as an `aggregateResult` (lifted too
// when it goes into a lattice column, e.g. `max(x)` into `max<int>`). A rule aggregates when a
// head argument is an aggregate; then every `_` of a positive atom is a variable of its own,
// because aggregates range over the distinct bindings of all body variables.

import type { AggregateExpression, RuleItem, VariableRef } from "./ast.ts";
import { diagnostic, type Diagnostic } from "./diagnostics.ts";
import type { CheckedRule, IrAggregate, IrExpression, IrVariable } from "./ir.ts";
import type { ResolvedModule, ResolvedProgram } from "./resolve.ts";
import type { Span } from "./source.ts";
import { matchArguments } from "./typecheck-arguments.ts";
import { checkBody, RuleVariables, variableRefs, type UnboundOccurrence } from "./typecheck-body.ts";
import type { CollectionInfo, ColumnInfo, ExternInfo } from "./typecheck-declarations.ts";
import { checkExpression, coerce, describeTarget, type ExpressionContext } from "./typecheck-expressions.ts";
import { assignable, describeType, isNumeric, valueType } from "./typecheck-values.ts";
import { FLOAT, INT, typeToString, type Type } from "./types.ts";

export interface RuleContext {
  readonly collections: ReadonlyMap<string, CollectionInfo>;
  readonly collectionOf: ResolvedProgram["collectionOf"];
  readonly externs: ReadonlyMap<string, ExternInfo>;
  readonly diagnostics: Diagnostic[];
}

export interface RuleInput {
  readonly item: RuleItem;
  readonly module: ResolvedModule;
  readonly id: number;
  readonly name: string;
  readonly acknowledged: CheckedRule["acknowledged"];
}

export function checkRule(input: RuleInput, context: RuleContext): CheckedRule {
  const { item, module } = input;
  const diagnostics = context.diagnostics;
  const target = context.collectionOf(module, item.head.target);
  const info = target ? context.collections.get(target.name) : undefined;
  if (target && info) checkPlacement(item, target.name, info, diagnostics);

  const aggregating = item.head.args.some((arg) => arg.value.kind === "aggregate");
  const variables = new RuleVariables();
  // Slots in the order variables first appear in the body, then the head's own.
  for (const ref of bodyVariableRefs(item)) variables.slotOf(ref.name);
  for (const ref of item.head.args.flatMap((arg) => variableRefs(arg.value))) variables.slotOf(ref.name);
  const body = checkBody(item.body, {
    module,
    collections: context.collections,
    collectionOf: context.collectionOf,
    externs: context.externs,
    diagnostics,
    variables,
    aggregating,
  });

  const expressions: ExpressionContext = {
    module,
    externs: context.externs,
    diagnostics,
    variable: (ref) => variables.lookup(ref),
  };
  const aggregates: IrAggregate[] = [];
  const headColumns: IrExpression[] = [];
  const matched =
    target && info ? matchArguments(item.head.args, { name: target.name, columns: info.columns }, item.head.span, { complete: true }, diagnostics) : null;
  if (matched && info) {
    matched.forEach((arg, index) => {
      const column = info.columns[index]!;
      const value = arg!.value;
      const checked =
        value.kind === "aggregate"
          ? checkAggregate(value, column, aggregates, expressions)
          : checkHeadValue(value, column, target!.name, expressions);
      if (checked) headColumns.push(checked);
    });
  } else {
    // No schema to check against: still report what is wrong inside the arguments.
    for (const arg of item.head.args) {
      if (arg.value.kind === "aggregate") {
        if (arg.value.arg) checkExpression(arg.value.arg, expressions);
      } else checkExpression(arg.value, expressions);
    }
  }

  const headOccurrences: UnboundOccurrence[] = item.head.args
    .flatMap((arg) => variableRefs(arg.value))
    .filter((ref) => !body.bound.has(ref.name))
    .map((ref) => ({ name: ref.name, span: ref.span, code: "HY3003" }));
  const reported = reportUnbound([...headOccurrences, ...body.unbound], diagnostics);
  warnSingletons(item, reported, diagnostics);

  const irVariables: IrVariable[] = variables.entries.map((entry) => ({
    name: entry.name,
    type: entry.type ?? { kind: "any" },
    span: entry.span ?? item.span,
    wildcard: entry.wildcard,
  }));
  return {
    id: input.id,
    name: input.name,
    head: target?.name ?? item.head.target.name.name,
    operator: item.operator,
    acknowledged: input.acknowledged,
    variables: irVariables,
    atoms: body.atoms,
    literals: body.literals,
    headColumns,
    aggregates,
    span: item.span,
    headSpan: item.head.span,
    operatorSpan: item.operatorSpan,
  };
}

/** LANGUAGE.md §4: which operator may write into which kind of collection. */
function checkPlacement(item: RuleItem, name: string, info: CollectionInfo, diagnostics: Diagnostic[]): void {
  const kind = info.ir.kind;
  const operator = item.operator;
  const related = [{ message: `\`${name}\` is declared here`, span: info.ir.span }];
  const report = (code: "HY4002" | "HY4003" | "HY4004" | "HY4005" | "HY4006", message: string, help: string) =>
    diagnostics.push(diagnostic(code, item.operatorSpan, message, { related, help }));
  if (kind === "input" || kind === "periodic") {
    report("HY4002", `rules cannot write to the ${kind} \`${name}\``, kind === "input" ? "inputs are filled from outside the node; derive into a scratch or table instead" : "a periodic is filled by the clock; derive into a scratch instead");
  } else if (kind === "channel" && operator !== "<~") {
    report("HY4005", `\`${operator}\` cannot write into the channel \`${name}\``, `send with \`<~\`: \`${name}(…) <~ …\``);
  } else if (kind !== "channel" && operator === "<~") {
    report("HY4004", `\`<~\` sends over a channel, and \`${name}\` is a ${kind}`, "merge locally with `<=` or `<+`, or declare a channel with an `@` destination column");
  } else if (kind === "lattice" && (operator === "<-" || operator === "<+-")) {
    report("HY4003", `\`${operator}\` cannot remove from the lattice \`${name}\`: a lattice only grows`, "use a table if values must be removed or replaced");
  } else if (kind !== "table" && (operator === "<-" || operator === "<+-")) {
    report("HY4006", `\`${operator}\` works on tables only, and \`${name}\` is a ${kind}`, "declare it as a table, or write with `<=`/`<+`");
  }
}

function checkHeadValue(value: import("./ast.ts").Expression, column: ColumnInfo, collection: string, expressions: ExpressionContext): IrExpression | null {
  const typed = checkExpression(value, expressions, column.type ?? undefined);
  if (!typed || column.type === null) return null;
  const converted = coerce(typed, column.type);
  if (!converted) {
    expressions.diagnostics.push(
      diagnostic("HY3002", value.span, `expected ${describeTarget(column.type)} for column \`${column.name}\` of \`${collection}\`, found ${describeType(typed.type)}`),
    );
  }
  return converted;
}

function checkAggregate(expression: AggregateExpression, column: ColumnInfo, aggregates: IrAggregate[], expressions: ExpressionContext): IrExpression | null {
  const diagnostics = expressions.diagnostics;
  const fn = expression.function;
  const report = (code: "HY3002" | "HY3008" | "HY3011", span: Span, message: string, help?: string): null => {
    diagnostics.push(diagnostic(code, span, message, help === undefined ? {} : { help }));
    return null;
  };
  if (!expression.arg && fn !== "count") return report("HY3008", expression.span, `\`${fn}\` aggregates a value: write \`${fn}(x)\``);
  if (expression.arg?.kind === "wildcard") {
    return report("HY3011", expression.arg.span, `\`${fn}(_)\` aggregates nothing in particular`, fn === "count" ? "write `count()` to count the bindings" : "name the value to aggregate");
  }
  const argument = expression.arg ? checkExpression(expression.arg, expressions) : null;
  if (expression.arg && !argument) return null;
  let type: Type = INT;
  const value = argument ? valueType(argument.type) : null;
  if (argument && fn !== "count") {
    if (value === null) return report("HY3002", expression.arg!.span, `${fn}: expected a plain value, found ${describeType(argument.type)}`);
    if ((fn === "sum" || fn === "avg") && !isNumeric(value)) {
      return report("HY3002", expression.arg!.span, `${fn}: expected a number, found ${describeType(argument.type)}`);
    }
    type = fn === "avg" ? FLOAT : fn === "collect" ? { kind: "set", element: value } : value;
  }
  if (fn === "collect" && column.type !== null) {
    const into = column.type;
    const fits = into.kind === "any" || (into.kind === "set" && assignable(value!, into.element));
    if (!fits) {
      return report("HY3008", expression.span, `collect(x) gives a ${typeToString(type)}; the column \`${column.name}\` is ${typeToString(into)}`, "collect into a set<T> lattice column (after `;`) or an any column");
    }
    if (into.kind === "set") type = into;
  }
  const index = aggregates.length;
  aggregates.push({ function: fn, argument: argument?.ir ?? null, type, span: expression.span });
  if (column.type === null) return null;
  const result = { ir: { kind: "aggregateResult" as const, index, type, span: expression.span }, type };
  const converted = coerce(result, column.type);
  if (!converted) {
    return report("HY3002", expression.span, `expected ${describeTarget(column.type)} for column \`${column.name}\`, found ${describeType(type)} (the result of \`${fn}\`)`);
  }
  return converted;
}

/** One diagnostic per unbound variable, at its first occurrence in the text. */
function reportUnbound(occurrences: readonly UnboundOccurrence[], diagnostics: Diagnostic[]): Set<string> {
  const reported = new Set<string>();
  const where = { HY3003: "in the head", HY3004: "in a negated atom", HY3005: "in a condition or expression" } as Record<string, string>;
  for (const occurrence of [...occurrences].sort((a, b) => a.span.start - b.span.start)) {
    if (reported.has(occurrence.name)) continue;
    reported.add(occurrence.name);
    diagnostics.push(
      diagnostic(occurrence.code, occurrence.span, `the variable \`${occurrence.name}\` is used ${where[occurrence.code]} but never bound`, {
        help: `bind \`${occurrence.name}\` in a positive atom of the body, with \`${occurrence.name} = …\`, or with \`${occurrence.name} in …\``,
      }),
    );
  }
  return reported;
}

/** HY3012 (warning): a named variable used once is usually a typo; `_` says it on purpose. */
function warnSingletons(item: RuleItem, unbound: ReadonlySet<string>, diagnostics: Diagnostic[]): void {
  const refs: VariableRef[] = [...item.head.args.flatMap((arg) => variableRefs(arg.value)), ...bodyVariableRefs(item)];
  const counts = new Map<string, VariableRef[]>();
  for (const ref of refs) counts.set(ref.name, [...(counts.get(ref.name) ?? []), ref]);
  for (const [name, uses] of counts) {
    if (uses.length !== 1 || name.startsWith("_") || unbound.has(name)) continue;
    diagnostics.push(
      diagnostic("HY3012", uses[0]!.span, `the variable \`${name}\` is used only once`, { help: "write `_` if any value will do" }),
    );
  }
}

/** Every variable occurrence of the body, in source order. */
function bodyVariableRefs(item: RuleItem): VariableRef[] {
  const refs: VariableRef[] = [];
  for (const literal of item.body) {
    if (literal.kind === "atom") for (const arg of literal.args) variableRefs(arg.value, refs);
    else if (literal.kind === "condition") variableRefs(literal.expression, refs);
    else {
      refs.push({ kind: "variable", name: literal.variable.name, span: literal.variable.span });
      variableRefs(literal.source, refs);
    }
  }
  return refs;
}
