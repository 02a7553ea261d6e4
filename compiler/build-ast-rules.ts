// CST clauses → AST facts and rules (compiler/ast.ts): heads, argument lists and body literals.
// In: a `clause` CST node and the annotations before it. Out: a FactItem or RuleItem, or
// undefined when recovery left no head; HY1004 diagnostics on the builder.
// Body literals arrive as expressions (the grammar cannot tell `edge(x, y)` from
// `contains(s, x)`): a call-shaped literal is an atom unless its name is in `functionNames` (the
// built-ins, aggregates and this file's externs, less its collections; see build-ast.ts). A
// qualified `d.x(...)` or a named-argument form is always an atom. In a fact, `-7` is folded
// to the constant -7.

import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.ts";
import { nodeAt, nodesOf, tokenAt, type Children } from "./build-ast-cst.ts";
import { ExpressionBuilder } from "./build-ast-expressions.ts";
import * as T from "../grammar/tokens.ts";
import { joinSpans, spanOf, type SourceFile } from "./source.ts";

export class RuleBuilder extends ExpressionBuilder {
  constructor(
    file: SourceFile,
    /** The names whose calls in a body are conditions, not atoms. */
    private readonly functionNames: ReadonlySet<string>,
  ) {
    super(file);
  }

  protected qualifiedName(node: CstNode | undefined): A.QualifiedName | undefined {
    if (node === undefined) return undefined;
    const first = this.identifier(tokenAt(node, "first"));
    const second = this.identifier(tokenAt(node, "second"));
    if (!first) return undefined;
    if (second) return { module: first, name: second, span: joinSpans(first.span, second.span) };
    return { name: first, span: first.span };
  }

  protected clause(node: CstNode, annotations: A.Annotation[]): A.FactItem | A.RuleItem | undefined {
    const target = this.qualifiedName(nodeAt(node, "target"));
    const span = this.span(node);
    if (!target || !span) return undefined;
    const operator = tokenAt(node, "operator");
    const argsNode = nodeAt(node, "args");
    if (operator === undefined) {
      const args = argsNode ? this.argumentList(argsNode, true) : [];
      return { kind: "fact", target, args, span };
    }
    const args = argsNode ? this.argumentList(argsNode, false) : [];
    const closing = tokenAt(node, "RParen");
    const headEnd = closing ? closing.startOffset + 1 : args.length > 0 ? args[args.length - 1]!.span.end : target.span.end;
    const head: A.Head = { target, args, span: spanOf(this.file, target.span.start, headEnd) };
    const body = nodesOf(node, "body").map((literal) => this.bodyLiteral(literal)).filter((l) => l !== undefined);
    return {
      kind: "rule",
      annotations,
      head,
      operator: operator.image as A.MergeOperator,
      operatorSpan: this.tokenSpan(operator),
      body,
      span,
    };
  }

  protected argumentList(node: CstNode, constant: boolean): A.Argument[] {
    const result: A.Argument[] = [];
    for (const argument of nodesOf(node, "args")) {
      const name = this.identifier(tokenAt(argument, "name"));
      let value = this.expression(nodeAt(argument, "value"));
      if (value === undefined) continue;
      if (constant) value = foldNegativeLiteral(value);
      const span = name ? joinSpans(name.span, value.span) : value.span;
      result.push({ ...(name ? { name } : {}), value, span });
    }
    return result;
  }

  protected bodyLiteral(node: CstNode): A.BodyLiteral | undefined {
    const variableToken = tokenAt(node, "variable");
    if (variableToken !== undefined) {
      const variable = this.identifier(variableToken)!;
      const source = this.expression(nodeAt(node, "source"));
      if (!source) return undefined;
      return { kind: "membership", variable, source, span: joinSpans(variable.span, source.span) };
    }
    const conditionNode = nodeAt(node, "condition");
    if (conditionNode === undefined) return undefined;
    const atom = this.atom(conditionNode);
    if (atom !== null) return atom;
    const expression = this.expression(conditionNode);
    return expression && { kind: "condition", expression, span: expression.span };
  }

  /** The literal as an atom, or null when it is a condition (undefined: too broken to build). */
  protected atom(node: CstNode): A.AtomLiteral | undefined | null {
    // expression → and → comparison → additive → multiplicative → unary, each with one operand.
    let current: CstNode | undefined = node;
    for (let level = 0; level < 5; level++) {
      const operands: CstNode[] = nodesOf(current!, "operands");
      if (operands.length !== 1 || (current!.children as Children)["operators"]?.length) return null;
      current = operands[0];
    }
    // `current` is a unary node: `!` then a call, or the call itself.
    let negation: IToken | undefined;
    const operator = tokenAt(current!, "operator");
    if (operator !== undefined) {
      if (operator.tokenType !== T.Bang) return null;
      negation = operator;
      current = nodeAt(current!, "operand");
      if (current === undefined || tokenAt(current, "operator") !== undefined) return null;
    }
    const call = nodeAt(nodeAt(current!, "primary") ?? current!, "callOrVariable");
    if (call === undefined || (call.children as Children)["call"] === undefined) return null;
    const first = this.identifier(tokenAt(call, "first"));
    const second = this.identifier(tokenAt(call, "second"));
    const argsNode = nodeAt(call, "args");
    const named = argsNode !== undefined && nodesOf(argsNode, "args").some((a) => tokenAt(a, "name") !== undefined);
    if (!first) return undefined;
    if (second === undefined && !named && this.functionNames.has(first.name)) return null;
    const args = argsNode ? this.argumentList(argsNode, false) : [];
    if (named && args.some((a) => a.name === undefined)) {
      this.error(this.span(argsNode)!, "use either positional or named arguments (column: value) in an atom, not both");
    }
    const target: A.QualifiedName = second
      ? { module: first, name: second, span: joinSpans(first.span, second.span) }
      : { name: first, span: first.span };
    const span = this.span(node)!;
    return { kind: "atom", negated: negation !== undefined, target, args, named, span };
  }
}

/** In a fact, `-7` is the literal -7 (facts hold constants). */
function foldNegativeLiteral(value: A.Expression): A.Expression {
  if (value.kind === "unary" && value.operator === "-" && (value.operand.kind === "int" || value.operand.kind === "float")) {
    return { kind: value.operand.kind, value: -value.operand.value, span: value.span };
  }
  return value;
}
