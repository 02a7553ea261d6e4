// A membership literal: `x in s` (elements of a set), `k in keys(m)` (keys of a map),
// `x in range(a, b)` (the ints from a up to b, exclusive).
// In: the literal, whether x is already bound when it runs (decided by the binding order in
// typecheck-body.ts), the rule's variables. Out: a "membership" CheckedLiteral that binds x
// with the element type, or, when x is already bound, a "condition" that tests it
// (`contains(s, x)`, `contains(m, x)`, `a <= x && x < b`), so later phases only ever see
// memberships that bind.

import type { Expression, VariableRef } from "./ast.ts";
import { diagnostic } from "./diagnostics.ts";
import type { CheckedLiteral, IrExpression } from "./ir.ts";
import type { Span } from "./source.ts";
import type { RuleVariables } from "./typecheck-body.ts";
import { checkExpression, type ExpressionContext, type Typed } from "./typecheck-expressions.ts";
import { describeType, equalityComparable, valueType } from "./typecheck-values.ts";
import { BOOL, INT, typeToString, type Type } from "./types.ts";

/** `x in s`, `k in keys(m)`, `x in range(a, b)`; a test instead when x is already bound. */
export function checkMembership(
  item: { readonly variable: VariableRef; readonly source: Expression; readonly span: Span },
  filter: boolean,
  variables: RuleVariables,
  expressions: ExpressionContext,
): CheckedLiteral | null {
  const { source, span } = item;
  const diagnostics = expressions.diagnostics;
  let mode: "set" | "keys" | "range";
  let sources: Typed[];
  let element: Type;
  if (source.kind === "call" && (source.callee.name === "range" || source.callee.name === "keys")) {
    mode = source.callee.name;
    const wanted = mode === "range" ? 2 : 1;
    if (source.args.length !== wanted) {
      diagnostics.push(diagnostic("HY3009", source.span, `${mode} takes ${wanted} argument${wanted === 1 ? "" : "s"}, found ${source.args.length}`));
      return null;
    }
    const typed = source.args.map((arg) => checkExpression(arg, expressions));
    if (typed.some((arg) => arg === null)) return null;
    sources = typed as Typed[];
    if (mode === "range") {
      for (const [index, arg] of sources.entries()) {
        if (valueType(arg.type)?.kind !== "int") {
          diagnostics.push(diagnostic("HY3002", source.args[index]!.span, `range: expected an int, found ${describeType(arg.type)}`));
          return null;
        }
      }
      element = INT;
    } else {
      const map = sources[0]!.type;
      if (map.kind !== "map") {
        diagnostics.push(diagnostic("HY3002", source.args[0]!.span, `keys: expected a map, found ${describeType(map)}`));
        return null;
      }
      element = map.key;
    }
  } else {
    const typed = checkExpression(source, expressions);
    if (!typed) return null;
    if (typed.type.kind !== "set") {
      const help = typed.type.kind === "map" ? "to range over a map's keys, write `k in keys(m)`" : undefined;
      diagnostics.push(diagnostic("HY3002", source.span, `\`in\`: expected a set, found ${describeType(typed.type)}`, help ? { help } : {}));
      return null;
    }
    mode = "set";
    sources = [typed];
    element = typed.type.element;
  }
  const slot = variables.slotOf(item.variable.name);
  const entry = variables.entries[slot]!;
  if (!filter) {
    Object.assign(entry, { typed: true, type: element, span: item.variable.span });
    return { kind: "membership", variable: slot, mode, sources: sources.map((typed) => typed.ir), span };
  }
  // x is bound elsewhere: `x in s` only tests it.
  if (entry.type === null) return null;
  if (!equalityComparable(entry.type, element)) {
    diagnostics.push(diagnostic("HY3002", item.variable.span, `expected ${typeToString(element)} (an element of the \`in\` source), found ${describeType(entry.type)}`));
    return null;
  }
  const variable: IrExpression = { kind: "variable", variable: slot, type: entry.type, span: item.variable.span };
  let predicate: IrExpression;
  if (mode === "range") {
    const [from, to] = sources.map((typed) => typed.ir) as [IrExpression, IrExpression];
    predicate = {
      kind: "binary",
      operator: "&&",
      left: { kind: "binary", operator: "<=", left: from, right: variable, type: BOOL, span },
      right: { kind: "binary", operator: "<", left: variable, right: to, type: BOOL, span },
      type: BOOL,
      span,
    };
  } else {
    predicate = { kind: "call", function: "contains", extern: false, nondeterministic: false, args: [sources[0]!.ir, variable], type: BOOL, span };
  }
  return { kind: "condition", predicate, span };
}
