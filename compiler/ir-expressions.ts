// Small queries over IR expressions that several phases ask: the planner (which variables an
// expression needs bound), the CALM analysis (which variables a rule compares or copies) and
// the emitter (which variables a generated loop reads). One definition, so they agree.

import type { IrExpression } from "./ir.ts";

/** Every variable an expression reads, added to `into`. */
export function variablesOf(expression: IrExpression, into: Set<number> = new Set()): Set<number> {
  switch (expression.kind) {
    case "variable":
      into.add(expression.variable);
      break;
    case "binary":
      variablesOf(expression.left, into);
      variablesOf(expression.right, into);
      break;
    case "unary":
      variablesOf(expression.operand, into);
      break;
    case "call":
      for (const argument of expression.args) variablesOf(argument, into);
      break;
    case "lift":
      variablesOf(expression.value, into);
      break;
    case "constant":
    case "aggregateResult":
      break;
  }
  return into;
}
