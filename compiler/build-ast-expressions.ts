// CST expressions → AST expressions (compiler/ast.ts), the lowest layer of the AST builders.
// In: an expression CST node (any precedence level: `||`, `&&`, comparison, additive,
// multiplicative, unary, primary, call or variable). Out: the Expression, or undefined where
// recovery left too little to build; HY1004/HY3008 diagnostics on the builder.
// Choices made here: a call of an aggregate name becomes an AggregateExpression wherever it
// appears (the checker says where one is allowed); `x<-5`, lexed as `x <-` `5`, is `x < -5`;
// named arguments and `m.c(...)` are collection syntax, reported when written in a call.
// Rules (build-ast-rules.ts) extend this class, and declarations extend those.

import type { CstNode } from "chevrotain";
import type * as A from "./ast.ts";
import { CstReader, nodeAt, nodesOf, tokenAt, tokensOf, type Children } from "./build-ast-cst.ts";
import { diagnostic } from "./diagnostics.ts";
import { decodeString } from "../grammar/lexer.ts";
import * as T from "../grammar/tokens.ts";
import { joinSpans, spanOf, type Span } from "./source.ts";

export const AGGREGATE_FUNCTIONS: readonly A.AggregateFunction[] = ["count", "sum", "min", "max", "avg", "collect", "choose"];

export class ExpressionBuilder extends CstReader {
  expression(node: CstNode | undefined): A.Expression | undefined {
    if (node === undefined) return undefined;
    switch (node.name) {
      case "expression":
      case "andExpression":
        return this.leftAssociative(node);
      case "comparison":
        return this.comparison(node);
      case "additive":
      case "multiplicative":
        return this.leftAssociative(node);
      case "unary":
        return this.unary(node);
      case "primary":
        return this.primary(node);
      case "callOrVariable":
        return this.callOrVariable(node);
      default:
        return undefined;
    }
  }

  protected leftAssociative(node: CstNode): A.Expression | undefined {
    const operands = nodesOf(node, "operands").map((o) => this.expression(o));
    const operators = tokensOf(node, "operators");
    let result = operands[0];
    for (let i = 0; i < operators.length; i++) {
      const right = operands[i + 1];
      if (result === undefined || right === undefined) return result;
      result = this.binary(operators[i]!.image as A.BinaryOperator, this.tokenSpan(operators[i]!), result, right);
    }
    return result;
  }

  protected binary(operator: A.BinaryOperator, operatorSpan: Span, left: A.Expression, right: A.Expression): A.BinaryExpression {
    return { kind: "binary", operator, left, right, operatorSpan, span: joinSpans(left.span, right.span) };
  }

  protected comparison(node: CstNode): A.Expression | undefined {
    const [leftNode, rightNode] = nodesOf(node, "operands");
    const left = this.expression(leftNode);
    const operator = tokenAt(node, "operators");
    const right = this.expression(rightNode);
    if (operator === undefined || left === undefined || right === undefined) return left;
    if (operator.tokenType === T.DeleteNext) {
      // `x<-5` is `x < -5`: the minus binds to the first operand, as unary minus would.
      const lessSpan = spanOf(this.file, operator.startOffset, operator.startOffset + 1);
      return this.binary("<", lessSpan, left, negateLeftmost(right, spanOf(this.file, operator.startOffset + 1, operator.startOffset + 2)));
    }
    return this.binary(operator.image as A.BinaryOperator, this.tokenSpan(operator), left, right);
  }

  protected unary(node: CstNode): A.Expression | undefined {
    const operator = tokenAt(node, "operator");
    if (operator === undefined) return this.expression(nodeAt(node, "primary"));
    const operand = this.expression(nodeAt(node, "operand"));
    if (operand === undefined) return undefined;
    return {
      kind: "unary",
      operator: operator.image as "-" | "!",
      operand,
      span: joinSpans(this.tokenSpan(operator), operand.span),
    };
  }

  protected primary(node: CstNode): A.Expression | undefined {
    const parenthesized = nodeAt(node, "parenthesized");
    if (parenthesized) return this.expression(parenthesized);
    const call = nodeAt(node, "callOrVariable");
    if (call) return this.callOrVariable(call);
    const integer = tokenAt(node, "integer");
    if (integer) return { kind: "int", value: parseInt(integer.image, 10), span: this.tokenSpan(integer) };
    const float = tokenAt(node, "float");
    if (float) return { kind: "float", value: Number(float.image), span: this.tokenSpan(float) };
    const string = tokenAt(node, "string");
    if (string) return { kind: "string", value: decodeString(string.image).value, span: this.tokenSpan(string) };
    const boolean = tokenAt(node, "boolean");
    if (boolean) return { kind: "bool", value: boolean.image === "true", span: this.tokenSpan(boolean) };
    const wildcard = tokenAt(node, "wildcard");
    if (wildcard) return { kind: "wildcard", span: this.tokenSpan(wildcard) };
    return undefined;
  }

  protected callOrVariable(node: CstNode): A.Expression | undefined {
    const first = this.identifier(tokenAt(node, "first"));
    if (!first) return undefined;
    if ((node.children as Children)["call"] === undefined) return { kind: "variable", name: first.name, span: first.span };
    const second = this.identifier(tokenAt(node, "second"));
    const span = this.span(node)!;
    if (second) {
      this.error(span, `${first.name}.${second.name}(...) names a collection of module ${first.name}; only a body literal may name a collection`);
    }
    const callee = second ?? first;
    const argsNode = nodeAt(node, "args");
    const args: A.Expression[] = [];
    for (const argument of argsNode ? nodesOf(argsNode, "args") : []) {
      const name = tokenAt(argument, "name");
      if (name) {
        this.error(this.tokenSpan(name), `named arguments (${name.image}: value) are only for collections; ${callee.name} is a function`);
      }
      const value = this.expression(nodeAt(argument, "value"));
      if (value) args.push(value);
    }
    const aggregate = AGGREGATE_FUNCTIONS.find((f) => f === callee.name);
    if (aggregate === undefined) return { kind: "call", callee, args, span };
    if (args.length > 1) {
      this.diagnostics.push(diagnostic("HY3008", span, `${aggregate} takes at most one argument, here it has ${args.length}`));
    }
    return { kind: "aggregate", function: aggregate, functionSpan: callee.span, ...(args[0] ? { arg: args[0] } : {}), span };
  }
}

const arithmetic = new Set<A.BinaryOperator>(["+", "-", "*", "/", "%", "++"]);

function negateLeftmost(expression: A.Expression, minus: Span): A.Expression {
  if (expression.kind === "binary" && arithmetic.has(expression.operator)) {
    const left = negateLeftmost(expression.left, minus);
    return { ...expression, left, span: joinSpans(minus, expression.span) };
  }
  return { kind: "unary", operator: "-", operand: expression, span: joinSpans(minus, expression.span) };
}
