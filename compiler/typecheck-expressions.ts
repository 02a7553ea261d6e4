// Expressions: AST expressions → typed IrExpressions.
// In: an expression, the context it appears in (its module's externs, the rule's variables, or
// none for a fact), and optionally the type the context expects. Out: the IR expression and its
// type, or null after reporting (HY2007, HY3002, HY3008–HY3011); a null also stands for "an
// earlier error already explains this", so one mistake is reported once.
// A variable over a lattice column keeps its lattice type in the IR (the CALM analysis must see
// lattice reads); operators look through it to its plain value (typecheck-values.ts). Choices:
// `++` joins strings only (convert with to_string); a nested `=` compares like `==`; `int`
// operands mix with `float` ones.

import type { BinaryOperator, Expression, VariableRef } from "./ast.ts";
import { diagnostic, type Diagnostic, type DiagnosticCode } from "./diagnostics.ts";
import type { IrExpression } from "./ir.ts";
import { suggestName, type ResolvedModule } from "./resolve.ts";
import type { Span } from "./source.ts";
import type { ExternInfo } from "./typecheck-declarations.ts";
import { assignable, describeType, equalityComparable, isNumeric, isStringLike, liftable, orderComparable, valueType } from "./typecheck-values.ts";
import { ADDR, BOOL, FLOAT, INT, isLattice, STRING, typeToString, type Type } from "./types.ts";
import { BUILTIN_NAMES, isBuiltin, isNondeterministicBuiltin, typeBuiltinCall } from "../stdlib/builtins.ts";

export interface ExpressionContext {
  readonly module: ResolvedModule;
  /** Every extern of the program by qualified name. */
  readonly externs: ReadonlyMap<string, ExternInfo>;
  readonly diagnostics: Diagnostic[];
  /** A rule's variables: the slot and type (null: unknown, already reported). Absent in facts. */
  readonly variable?: (ref: VariableRef) => { readonly slot: number; readonly type: Type | null };
}

export interface Typed {
  readonly ir: IrExpression;
  readonly type: Type;
}

const ARITHMETIC = new Set<BinaryOperator>(["+", "-", "*", "/", "%"]);
const ORDER = new Set<BinaryOperator>(["<", "<=", ">", ">="]);

function report(context: ExpressionContext, code: DiagnosticCode, span: Span, message: string, help?: string): null {
  context.diagnostics.push(diagnostic(code, span, message, help === undefined ? {} : { help }));
  return null;
}

/** "a number", "a string": what an operator wanted, for messages. */
function mismatch(context: ExpressionContext, span: Span, wanted: string, found: Type, help?: string): null {
  return report(context, "HY3002", span, `expected ${wanted}, found ${describeType(found)}`, help);
}

export function checkExpression(expression: Expression, context: ExpressionContext, expected?: Type): Typed | null {
  const span = expression.span;
  switch (expression.kind) {
    case "int":
      return { ir: { kind: "constant", value: expression.value, type: INT, span }, type: INT };
    case "float":
      return { ir: { kind: "constant", value: expression.value, type: FLOAT, span }, type: FLOAT };
    case "string":
      return { ir: { kind: "constant", value: expression.value, type: STRING, span }, type: STRING };
    case "bool":
      return { ir: { kind: "constant", value: expression.value, type: BOOL, span }, type: BOOL };
    case "variable": {
      if (!context.variable) return report(context, "HY3010", span, `a fact holds constants, not the variable \`${expression.name}\``);
      const found = context.variable(expression);
      if (found.type === null) return null;
      return { ir: { kind: "variable", variable: found.slot, type: found.type, span }, type: found.type };
    }
    case "wildcard":
      if (!context.variable) return report(context, "HY3010", span, "a fact gives every column a value; `_` is not one");
      return report(context, "HY3011", span, "`_` only stands for a column of a body atom", "name the value, or use a variable bound in the body");
    case "aggregate":
      return report(context, "HY3008", span, `the aggregate \`${expression.function}\` is only allowed as a whole head argument`);
    case "unary":
      return checkUnary(expression, context);
    case "binary":
      return checkBinary(expression, context);
    case "call":
      return checkCall(expression, context, expected);
  }
}

function checkUnary(expression: Extract<Expression, { kind: "unary" }>, context: ExpressionContext): Typed | null {
  const operand = checkExpression(expression.operand, context);
  if (!operand) return null;
  const value = valueType(operand.type);
  if (expression.operator === "-") {
    if (!value || !isNumeric(value)) return mismatch(context, expression.operand.span, "a number after `-`", operand.type);
    return { ir: { kind: "unary", operator: "-", operand: operand.ir, type: value, span: expression.span }, type: value };
  }
  if (value?.kind !== "bool") return mismatch(context, expression.operand.span, "a bool after `!`", operand.type);
  return { ir: { kind: "unary", operator: "!", operand: operand.ir, type: BOOL, span: expression.span }, type: BOOL };
}

function checkBinary(expression: Extract<Expression, { kind: "binary" }>, context: ExpressionContext): Typed | null {
  const operator = expression.operator === "=" ? "==" : expression.operator;
  const left = checkExpression(expression.left, context);
  const right = checkExpression(expression.right, context);
  if (!left || !right) return null;
  const make = (type: Type): Typed => ({
    ir: { kind: "binary", operator, left: left.ir, right: right.ir, type, span: expression.span },
    type,
  });
  const leftValue = valueType(left.type);
  const rightValue = valueType(right.type);
  if (ARITHMETIC.has(operator)) {
    if (!leftValue || !isNumeric(leftValue)) return mismatch(context, expression.left.span, `a number before \`${operator}\``, left.type, hintForStrings(operator, leftValue));
    if (!rightValue || !isNumeric(rightValue)) return mismatch(context, expression.right.span, `a number after \`${operator}\``, right.type, hintForStrings(operator, rightValue));
    return make(leftValue.kind === "int" && rightValue.kind === "int" ? INT : FLOAT);
  }
  if (operator === "++") {
    const help = "`++` joins strings; convert other values with to_string(x)";
    if (!leftValue || !isStringLike(leftValue)) return mismatch(context, expression.left.span, "a string before `++`", left.type, help);
    if (!rightValue || !isStringLike(rightValue)) return mismatch(context, expression.right.span, "a string after `++`", right.type, help);
    return make(STRING);
  }
  if (operator === "&&" || operator === "||") {
    if (leftValue?.kind !== "bool") return mismatch(context, expression.left.span, `a bool before \`${operator}\``, left.type);
    if (rightValue?.kind !== "bool") return mismatch(context, expression.right.span, `a bool after \`${operator}\``, right.type);
    return make(BOOL);
  }
  if (ORDER.has(operator)) {
    if (!leftValue || !(isNumeric(leftValue) || isStringLike(leftValue))) {
      return mismatch(context, expression.left.span, `a number or a string before \`${operator}\``, left.type);
    }
    if (!orderComparable(left.type, right.type)) {
      return mismatch(context, expression.right.span, `${isNumeric(leftValue) ? "a number" : "a string"} to compare with ${describeType(left.type)}`, right.type);
    }
    return make(BOOL);
  }
  if (!equalityComparable(left.type, right.type)) {
    if (!leftValue && isLattice(left.type)) {
      return mismatch(context, expression.right.span, `a ${typeToString(left.type)} to compare with`, right.type, "sets and maps compare whole; use size, contains, at or keys for their parts");
    }
    return mismatch(context, expression.right.span, `${describeType(left.type)} to compare with \`${operator}\``, right.type);
  }
  return make(BOOL);
}

function hintForStrings(operator: string, value: { kind: string } | null): string | undefined {
  return operator === "+" && value !== null && (value.kind === "string" || value.kind === "addr") ? "strings are joined with `++`" : undefined;
}

function checkCall(expression: Extract<Expression, { kind: "call" }>, context: ExpressionContext, expected: Type | undefined): Typed | null {
  const name = expression.callee.name;
  if (isBuiltin(name)) return checkBuiltinCall(expression, context, expected);
  const local = context.module.externs.get(name);
  const info = local && context.externs.get(local.name);
  if (!local || !info) {
    const candidates = [...BUILTIN_NAMES, ...context.module.externs.keys()];
    const suggestion = suggestName(name, candidates);
    for (const arg of expression.args) checkExpression(arg, context);
    return report(context, "HY2007", expression.callee.span, `unknown function \`${name}\``, suggestion ? `did you mean \`${suggestion}\`?` : "declare it with `extern fn … from \"./module.ts\";`");
  }
  if (!context.variable) return report(context, "HY3010", expression.span, `a fact holds constants; it cannot call the extern function \`${name}\``);
  if (expression.args.length !== info.params.length) {
    const count = (n: number) => `${n} argument${n === 1 ? "" : "s"}`;
    return report(context, "HY3009", expression.span, `\`${name}\` takes ${count(info.params.length)}, found ${count(expression.args.length)}`);
  }
  const args: IrExpression[] = [];
  let failed = false;
  expression.args.forEach((arg, index) => {
    const param = info.params[index] ?? null;
    const typed = checkExpression(arg, context, param ?? undefined);
    if (!typed || param === null) {
      failed = true;
      return;
    }
    const converted = coerce(typed, param);
    if (!converted) {
      failed = true;
      mismatch(context, arg.span, `${typeToString(param)} (parameter ${index + 1} of \`${name}\`)`, typed.type);
    } else args.push(converted);
  });
  if (failed || info.returnType === null) return null;
  const type = info.returnType;
  return {
    ir: { kind: "call", function: local.name, extern: true, nondeterministic: info.ir.nondeterministic, args, type, span: expression.span },
    type,
  };
}

function checkBuiltinCall(expression: Extract<Expression, { kind: "call" }>, context: ExpressionContext, expected: Type | undefined): Typed | null {
  const name = expression.callee.name;
  const argumentExpected = (index: number): Type | undefined => {
    if (name === "entry" && expected?.kind === "map") return index === 0 ? expected.key : expected.value;
    if (name === "entry_lww" && expected?.kind === "lww") return index === 2 ? expected.element : undefined;
    if (name === "pair" && expected?.kind === "pair") return index === 0 ? expected.first : expected.second;
    return undefined;
  };
  const typedArgs = expression.args.map((arg, index) => checkExpression(arg, context, argumentExpected(index)));
  if (name === "range") {
    return report(context, "HY3002", expression.span, "range(a, b) is only the source of a membership `x in range(a, b)`");
  }
  if (isNondeterministicBuiltin(name) && !context.variable) {
    return report(context, "HY3010", expression.span, `a fact holds constants; \`${name}()\` differs on every call`);
  }
  if (typedArgs.some((arg) => arg === null)) {
    // A wrong count is still worth reporting even when an argument was wrong too.
    const typing = typeBuiltinCall(name, expression.args.map(() => INT), expected);
    if (typing && "error" in typing && typing.code === "HY3009") report(context, "HY3009", expression.span, typing.error);
    return null;
  }
  const args = typedArgs as Typed[];
  const typing = typeBuiltinCall(name, args.map((arg) => arg.type), expected)!;
  if ("error" in typing) {
    const at = typing.argument === undefined ? expression.span : expression.args[typing.argument]!.span;
    return report(context, typing.code, at, typing.code === "HY3009" ? typing.error : `${name}: ${typing.error}`);
  }
  let irArgs = args.map((arg) => arg.ir);
  if (name === "entry" && typing.type.kind === "map") {
    // The value is lifted into the map's value lattice here, so the emitter sees a lattice.
    irArgs = [coerce(args[0]!, typing.type.key)!, coerce(args[1]!, typing.type.value)!];
  }
  if (name === "pair" && typing.type.kind === "pair") {
    // Each side is lifted into its lattice here, as entry's value is.
    irArgs = [coerce(args[0]!, typing.type.first)!, coerce(args[1]!, typing.type.second)!];
  }
  return {
    ir: {
      kind: "call",
      function: name,
      extern: false,
      nondeterministic: isNondeterministicBuiltin(name),
      args: irArgs,
      type: typing.type,
      span: expression.span,
    },
    type: typing.type,
  };
}

/**
 * The IR of `typed` written where `target` is expected: as is, retagged (a string literal as
 * an addr, an int literal as a float), or lifted into a lattice; null when it does not fit.
 */
export function coerce(typed: Typed, target: Type): IrExpression | null {
  if (isLattice(target)) {
    if (assignable(typed.type, target)) return typed.ir;
    if (liftable(typed.type, target)) return { kind: "lift", value: typed.ir, type: target, span: typed.ir.span };
    return null;
  }
  if (!assignable(typed.type, target)) return null;
  if (typed.ir.kind === "constant" && (target.kind === "addr" || target.kind === "float") && typed.type.kind !== target.kind) {
    return { ...typed.ir, type: target.kind === "addr" ? ADDR : FLOAT };
  }
  return typed.ir;
}

/** What a column of type `target` accepts, for "expected …" messages. */
export function describeTarget(target: Type): string {
  switch (target.kind) {
    case "set":
    case "max":
    case "min":
      return `${typeToString(target)} (or a ${typeToString(target.element)} to merge into it)`;
    case "bool_or":
    case "bool_and":
      return `${target.kind} (or a bool to merge into it)`;
    case "counter":
      return "counter (or an int amount to add)";
    case "map":
      return `${typeToString(target)} (write entry(k, v))`;
    case "lww":
      return `${typeToString(target)} (write entry_lww(timestamp, node, value))`;
    case "pair":
      return `${typeToString(target)} (write pair(a, b))`;
    default:
      return typeToString(target);
  }
}
