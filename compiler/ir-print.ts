// The IR as stable, readable text: what `hydro compile X.hydro --emit ir` prints and what the
// golden files under test/golden/ir hold.
// In: an IrProgram. Out: one string, ending in a newline.
// Why so: a reviewer should see at a glance how each rule was lowered — strata, join order,
// where filters landed, which edges are non-monotone — so expressions are printed in source
// syntax and nothing depends on object identity, Map order or absolute paths; the only
// positions shown are line numbers.

import type { AggregateFunction } from "./ast.ts";
import type {
  ColumnPattern,
  ConstantValue,
  IrAggregate,
  IrCollection,
  IrEdge,
  IrExpression,
  IrOperator,
  IrPlan,
  IrProgram,
  IrRule,
  IrStratum,
  IrVariable,
  NonMonotoneReason,
} from "./ir.ts";
import { ruleLocation } from "./stratify.ts";
import { typeToString } from "./types.ts";

export function printIr(program: IrProgram): string {
  const lines: string[] = [`module ${program.moduleName}`];
  const collections = new Map(program.collections.map((collection) => [collection.name, collection]));

  if (program.collections.length > 0) {
    lines.push("");
    for (const collection of program.collections) lines.push(printCollection(collection));
  }
  if (program.externs.length > 0) {
    lines.push("");
    for (const extern of program.externs) {
      const params = extern.params.map(typeToString).join(", ");
      const nondet = extern.nondeterministic ? " @nondet" : "";
      lines.push(`extern fn ${extern.name}(${params}): ${typeToString(extern.returnType)} from ${JSON.stringify(extern.from)}${nondet}`);
    }
  }
  if (program.seals.length > 0) {
    lines.push("");
    for (const seal of program.seals) {
      const names = seal.columns.map((column) => columnName(collections.get(seal.collection), column));
      lines.push(`seal ${seal.collection} on (${names.join(", ")})`);
    }
  }
  if (program.facts.length > 0) {
    lines.push("");
    const printer = new ExpressionPrinter([], []);
    for (const fact of program.facts) {
      lines.push(`fact ${fact.collection}(${fact.values.map((value) => printer.print(value)).join(", ")}) (line ${fact.span.line})`);
    }
  }

  const edgesByRule = new Map<number, IrEdge[]>();
  for (const edge of program.edges) {
    const list = edgesByRule.get(edge.rule) ?? [];
    list.push(edge);
    edgesByRule.set(edge.rule, list);
  }
  const listed = new Set<number>();
  for (const stratum of program.strata) {
    lines.push("", printStratumHeader(stratum, program));
    for (const ruleId of stratum.rules) {
      const rule = program.rules[ruleId];
      if (rule === undefined) continue;
      listed.add(ruleId);
      lines.push(...printRule(rule, edgesByRule.get(ruleId) ?? [], collections).map((line) => `  ${line}`));
    }
  }
  const unplaced = program.rules.filter((rule) => !listed.has(rule.id));
  if (unplaced.length > 0) {
    lines.push("", "not in any stratum");
    for (const rule of unplaced) lines.push(...printRule(rule, edgesByRule.get(rule.id) ?? [], collections).map((line) => `  ${line}`));
  }
  return lines.join("\n") + "\n";
}

function printCollection(collection: IrCollection): string {
  if (collection.scalar) return `${collection.kind} ${collection.name}: ${typeToString(collection.columns[0]!.type)}`;
  const column = (index: number): string => {
    const declared = collection.columns[index]!;
    const address = collection.addressColumn === index ? "@" : "";
    return `${address}${declared.name}: ${typeToString(declared.type)}`;
  };
  const plain = collection.columns.flatMap((c, index) => (c.lattice ? [] : [column(index)]));
  const lattice = collection.columns.flatMap((c, index) => (c.lattice ? [column(index)] : []));
  let text = `${collection.kind} ${collection.name}(${plain.join(", ")}${lattice.length > 0 ? `; ${lattice.join(", ")}` : ""})`;
  if (collection.key !== null) text += ` key(${collection.key.map((index) => columnName(collection, index)).join(", ")})`;
  if (collection.periodMs !== null) text += ` every ${collection.periodMs}ms`;
  return text;
}

function columnName(collection: IrCollection | undefined, index: number): string {
  return collection?.columns[index]?.name ?? String(index);
}

function printStratumHeader(stratum: IrStratum, program: IrProgram): string {
  const temporal =
    stratum.collections.length === 0 && stratum.rules.length > 0 && stratum.rules.every((id) => program.rules[id]?.operator !== "<=");
  if (temporal) return `stratum ${stratum.index} temporal`;
  const recursive = stratum.recursive ? " recursive" : "";
  const incremental = stratum.incremental === true ? " incremental" : "";
  return `stratum ${stratum.index}${recursive}${incremental}: ${stratum.collections.join(", ")}`;
}

// ---------------------------------------------------------------------------------------------
// Rules

function printRule(rule: IrRule, edges: readonly IrEdge[], collections: ReadonlyMap<string, IrCollection>): string[] {
  const printer = new ExpressionPrinter(rule.variables, rule.aggregates);
  const head = `${rule.head}(${rule.headColumns.map((column) => printer.print(column)).join(", ")})`;
  const lines = [`rule ${rule.name} (line ${ruleLocation(rule).line}) ${rule.operator} ${head}`];
  if (rule.acknowledged.coordinated !== undefined) lines.push(`  @coordinated(${JSON.stringify(rule.acknowledged.coordinated)})`);
  if (rule.acknowledged.nondet !== undefined) lines.push(`  @nondet(${JSON.stringify(rule.acknowledged.nondet)})`);
  for (const call of rule.nondeterministicCalls) lines.push(`  nondeterministic ${call.function}() (line ${call.span.line})`);
  for (const plan of [...rule.plans, ...rule.incrementalPlans]) {
    lines.push(`  ${planHeader(plan, rule)}`);
    for (const operator of plan.operators) lines.push(`    ${printOperator(operator, printer, collections)}`);
  }
  for (const edge of [...edges].sort((a, b) => a.atom - b.atom)) lines.push(`  ${printEdge(edge)}`);
  return lines;
}

/** One plan's header and operator lines, as printIr shows them (for tests and debugging). */
export function printPlan(program: IrProgram, rule: IrRule, plan: IrPlan): string[] {
  const printer = new ExpressionPrinter(rule.variables, rule.aggregates);
  const collections = new Map(program.collections.map((collection) => [collection.name, collection]));
  return [planHeader(plan, rule), ...plan.operators.map((operator) => printOperator(operator, printer, collections))];
}

function planHeader(plan: IrPlan, rule: IrRule): string {
  if (plan.deltaAtom === null) return "plan";
  const since = plan.operators.some((operator) => (operator.kind === "scan" || operator.kind === "join") && operator.source === "since");
  return `plan ${since ? "since" : "delta"} ${rule.atoms[plan.deltaAtom]?.collection ?? "?"} (atom ${plan.deltaAtom})`;
}

function printOperator(operator: IrOperator, printer: ExpressionPrinter, collections: ReadonlyMap<string, IrCollection>): string {
  switch (operator.kind) {
    case "scan": {
      const delta = operator.source === "full" ? "" : `[${operator.source}]`;
      return `scan ${operator.collection}${delta} (${operator.columns.map((column) => printer.pattern(column)).join(", ")})`;
    }
    case "join": {
      const delta = operator.source === "full" ? "" : `[${operator.source}]`;
      return `join ${operator.collection}${delta}${printAtomColumns(operator.columns, operator.keyColumns, collections.get(operator.collection), printer)}`;
    }
    case "antijoin":
      return `antijoin ${operator.collection}${printAtomColumns(operator.columns, operator.keyColumns, collections.get(operator.collection), printer)}`;
    case "filter":
      return `filter ${printer.print(operator.predicate)}`;
    case "map":
      return `map ${printer.variable(operator.variable)} = ${printer.print(operator.value)}`;
    case "flatten": {
      const sources = operator.sources.map((source) => printer.print(source));
      const from = operator.mode === "set" ? sources[0] : `${operator.mode}(${sources.join(", ")})`;
      return `flatten ${printer.variable(operator.variable)} in ${from}`;
    }
    case "aggregate": {
      const group = operator.group.map((expression) => printer.print(expression)).join(", ");
      return `aggregate group (${group}) ${operator.aggregates.map((aggregate) => printer.aggregate(aggregate)).join(", ")}`;
    }
    case "sink":
      return `sink ${operator.sink} ${operator.collection} (${operator.columns.map((column) => printer.print(column)).join(", ")})`;
  }
}

/** ` on (key: value, …) → (bound: variable, …) where (checked: value, …)`, named by column. */
function printAtomColumns(
  columns: readonly ColumnPattern[],
  keyColumns: readonly number[],
  collection: IrCollection | undefined,
  printer: ExpressionPrinter,
): string {
  const named = (index: number): string => `${columnName(collection, index)}: ${printer.pattern(columns[index]!)}`;
  const keys = keyColumns.map(named);
  const binds = columns.flatMap((column, index) => (column.kind === "bind" ? [named(index)] : []));
  const checks = columns.flatMap((column, index) => (column.kind === "match" && !keyColumns.includes(index) ? [named(index)] : []));
  let text = ` on (${keys.join(", ")})`;
  if (binds.length > 0) text += ` → (${binds.join(", ")})`;
  if (checks.length > 0) text += ` where (${checks.join(", ")})`;
  return text;
}

function printEdge(edge: IrEdge): string {
  const parts = [`edge ${edge.from} → ${edge.to}`, edge.monotone ? "M" : "N", edge.polarity];
  parts.push(...edge.reasons.map(printReason));
  if (edge.gate !== null) parts.push(`gate(${edge.gate.join(", ")})`);
  if (edge.lineage.length > 0) parts.push(`lineage(${edge.lineage.map((step) => `${step.head}←${step.body}`).join(", ")})`);
  if (edge.temporal) parts.push("temporal");
  return parts.join("  ");
}

function printReason(reason: NonMonotoneReason): string {
  switch (reason.kind) {
    case "negation":
    case "delete":
    case "upsert":
      return reason.kind;
    case "aggregate":
      return `aggregate ${reason.function} into ${reason.into}`;
    case "lattice-read":
      return `lattice-read column ${reason.column} ${reason.use} (line ${reason.span.line})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Expressions in source syntax

const PRECEDENCE: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 3,
  "<=": 3,
  ">": 3,
  ">=": 3,
  "+": 4,
  "-": 4,
  "++": 4,
  "*": 5,
  "/": 5,
  "%": 5,
};
const UNARY = 6;
const ATOMIC = 7;

export class ExpressionPrinter {
  constructor(
    private readonly variables: readonly IrVariable[],
    private readonly aggregates: readonly IrAggregate[],
  ) {}

  variable(index: number): string {
    const variable = this.variables[index];
    if (variable === undefined) return `$${index}`;
    return variable.wildcard ? "_" : variable.name;
  }

  pattern(column: ColumnPattern): string {
    if (column.kind === "bind") return this.variable(column.variable);
    if (column.kind === "match") return this.print(column.value);
    return "_";
  }

  aggregate(aggregate: IrAggregate): string {
    return `${aggregate.function satisfies AggregateFunction}(${aggregate.argument === null ? "" : this.print(aggregate.argument)})`;
  }

  print(expression: IrExpression): string {
    return this.printAt(expression).text;
  }

  private printAt(expression: IrExpression): { text: string; precedence: number } {
    switch (expression.kind) {
      case "constant":
        return printConstant(expression.value, expression.type.kind === "float");
      case "variable":
        return { text: this.variable(expression.variable), precedence: ATOMIC };
      case "lift":
        return this.printAt(expression.value);
      case "aggregateResult": {
        const aggregate = this.aggregates[expression.index];
        return { text: aggregate === undefined ? `aggregate${expression.index}` : this.aggregate(aggregate), precedence: ATOMIC };
      }
      case "call":
        return { text: `${expression.function}(${expression.args.map((arg) => this.print(arg)).join(", ")})`, precedence: ATOMIC };
      case "unary": {
        const operand = this.printAt(expression.operand);
        const wrap = operand.precedence < ATOMIC || operand.text.startsWith("-");
        return { text: `${expression.operator}${wrap ? `(${operand.text})` : operand.text}`, precedence: UNARY };
      }
      case "binary": {
        const precedence = PRECEDENCE[expression.operator]!;
        const left = this.printAt(expression.left);
        const right = this.printAt(expression.right);
        // Left-associative; comparisons do not chain, so they parenthesize on both sides.
        const leftText = left.precedence < precedence || (precedence === 3 && left.precedence === 3) ? `(${left.text})` : left.text;
        const rightText = right.precedence <= precedence ? `(${right.text})` : right.text;
        return { text: `${leftText} ${expression.operator} ${rightText}`, precedence };
      }
    }
  }
}

function printConstant(value: ConstantValue, float: boolean): { text: string; precedence: number } {
  if (typeof value === "string") return { text: JSON.stringify(value), precedence: ATOMIC };
  if (typeof value === "number") {
    let text = String(value);
    if (float && Number.isInteger(value) && !text.includes("e")) text += ".0";
    return { text, precedence: value < 0 ? UNARY : ATOMIC };
  }
  return { text: String(value), precedence: ATOMIC };
}
