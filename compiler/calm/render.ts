// Turns typed IR pieces back into the text a user wrote, for the CALM reports.
// In: a CheckedRule (for variable names) and one of its atoms, aggregates or expressions.
// Out: strings like `!done(x)`, `sum(d)`, `v < 5`. The IR keeps spans but not the text, and
// reports must name the operator even where no source text is at hand (hand-built programs,
// JSON consumers), so the text is rebuilt from the typed tree with minimal parentheses.

import type { CheckedRule, ColumnPattern, IrAggregate, IrAtom, IrExpression } from "../ir.ts";

const PRECEDENCE: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "++": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

export function variableName(rule: CheckedRule, variable: number): string {
  const info = rule.variables[variable];
  if (info === undefined) return `v${variable}`;
  return info.wildcard ? "_" : info.name;
}

export function renderExpression(rule: CheckedRule, expression: IrExpression, parentPrecedence = 0): string {
  switch (expression.kind) {
    case "constant":
      return typeof expression.value === "string" ? JSON.stringify(expression.value) : String(expression.value);
    case "variable":
      return variableName(rule, expression.variable);
    case "binary": {
      const own = PRECEDENCE[expression.operator] ?? 0;
      const text = `${renderExpression(rule, expression.left, own)} ${expression.operator} ${renderExpression(rule, expression.right, own + 1)}`;
      return own < parentPrecedence ? `(${text})` : text;
    }
    case "unary": {
      const operand = renderExpression(rule, expression.operand, 7);
      return `${expression.operator}${operand}`;
    }
    case "call":
      return `${expression.function}(${expression.args.map((a) => renderExpression(rule, a)).join(", ")})`;
    case "lift":
      return renderExpression(rule, expression.value, parentPrecedence);
    case "aggregateResult": {
      const aggregate = rule.aggregates[expression.index];
      return aggregate === undefined ? `aggregate#${expression.index}` : renderAggregate(rule, aggregate);
    }
  }
}

export function renderAggregate(rule: CheckedRule, aggregate: IrAggregate): string {
  const argument = aggregate.argument === null ? "" : renderExpression(rule, aggregate.argument);
  return `${aggregate.function}(${argument})`;
}

function renderPattern(rule: CheckedRule, atom: IrAtom, column: number, pattern: ColumnPattern): string {
  const variable = atom.columnVariables[column];
  if (variable !== null && variable !== undefined) return variableName(rule, variable);
  switch (pattern.kind) {
    case "bind":
      return variableName(rule, pattern.variable);
    case "match":
      return renderExpression(rule, pattern.value);
    case "ignore":
      return "_";
  }
}

/** `!done(x)`, `vote(_, t, v)`. */
export function renderAtom(rule: CheckedRule, atom: IrAtom): string {
  const args = atom.columns.map((pattern, column) => renderPattern(rule, atom, column, pattern));
  return `${atom.negated ? "!" : ""}${atom.collection}(${args.join(", ")})`;
}

/** `kvs(k, v)`: the head as written. */
export function renderHead(rule: CheckedRule): string {
  return `${rule.head}(${rule.headColumns.map((c) => renderExpression(rule, c)).join(", ")})`;
}
