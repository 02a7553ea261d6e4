// IR expressions → TypeScript expressions, aware of how each variable is held.
// In: typed IR expressions and, per variable, its representation: a plain column's variable
// holds the column's code (a string's id, a bool's 0/1; an int is its own code), anything else
// holds its value. Out: code that computes a value (`value`), a lattice's plain value
// (`plain`), or a code for a column of some code kind (`code`) — joins and inserts stay on
// codes, and a string is only looked up when an expression reads its text.
// Arithmetic follows LANGUAGE.md §5 through the runtime's helpers (int division truncates, `%`
// takes the dividend's sign, division by zero fails the tick); every built-in is called by its
// statically chosen variant (containsSet, sizeMap, intPow, …).

import type { IrExpression } from "../ir.ts";
import { isLattice, sameType, type LatticeType, type Type } from "../types.ts";
import { valueType } from "../typecheck-values.ts";
import { codeKindOf, type CodeKind } from "../../runtime/codes.ts";
import type { ModuleContext } from "./module-context.ts";

export { codeKindOf, type CodeKind };

/** How a variable is held in generated code. */
export type Representation = { readonly held: "code"; readonly kind: CodeKind } | { readonly held: "value" };

export interface VariableSlot {
  readonly name: string;
  readonly type: Type;
  readonly representation: Representation;
}

/** What one generated function offers the expressions inside it. */
export interface FunctionContext {
  readonly module: ModuleContext;
  variable(index: number): VariableSlot;
  /** The result of aggregate `index` for the group being emitted. */
  aggregateResult(index: number): string;
  /** A local holding the code of a constant (interned once per call of the function). */
  constantCode(kind: CodeKind, value: unknown): string;
  /** Locals for the node's string and JSON interners and their value arrays. */
  readonly strings: string;
  readonly stringValues: string;
  readonly json: string;
  readonly jsonValues: string;
  /** The BuiltinContext / LiftContext expression. */
  readonly context: string;
}

export class ExpressionEmitter {
  constructor(private readonly scope: FunctionContext) {}

  private get module(): ModuleContext {
    return this.scope.module;
  }

  /** The runtime value (a lattice-typed expression gives the lattice value). */
  value(expression: IrExpression): string {
    switch (expression.kind) {
      case "constant":
        return literal(expression.value);
      case "variable": {
        const slot = this.scope.variable(expression.variable);
        if (slot.representation.held === "value") return slot.name;
        return this.decode(slot.representation.kind, slot.name);
      }
      case "aggregateResult":
        return this.scope.aggregateResult(expression.index);
      case "lift":
        return this.lift(expression.value, expression.type);
      case "unary":
        return expression.operator === "-" ? `(-${this.plain(expression.operand)})` : `!${this.value(expression.operand)}`;
      case "binary":
        return this.binary(expression);
      case "call":
        return this.call(expression);
    }
  }

  /** The plain value: a max/min is its value, an lww its value, a counter its total. */
  plain(expression: IrExpression): string {
    const type = expression.type;
    const value = this.value(expression);
    if (!isLattice(type)) return value;
    switch (type.kind) {
      case "lww":
        return `${value}.value`;
      case "counter":
        return `${this.module.runtime("counterTotal")}(${value})`;
      default:
        return value;
    }
  }

  /** A boolean condition. */
  predicate(expression: IrExpression): string {
    return this.plain(expression);
  }

  /** The code of the expression's value in a plain column of code kind `kind`. */
  code(expression: IrExpression, kind: CodeKind): string {
    if (expression.kind === "variable") {
      const slot = this.scope.variable(expression.variable);
      if (slot.representation.held === "code" && slot.representation.kind === kind) return slot.name;
    }
    if (expression.kind === "constant") {
      const value = expression.value;
      if (kind === "number" && typeof value === "number") return literal(value);
      if (kind === "bool" && typeof value === "boolean") return value ? "1" : "0";
      return this.scope.constantCode(kind, value);
    }
    return this.encode(kind, expression);
  }

  /** A value expression (already computed) as a code of `kind`. */
  encodeValue(kind: CodeKind, value: string, type: Type): string {
    switch (kind) {
      case "number":
        return value;
      case "string":
        return `${this.scope.strings}.intern(${value})`;
      case "bool":
        return `(${value} ? 1 : 0)`;
      case "json":
        return `${this.scope.json}.intern(${isLattice(type) ? `${this.module.runtime("toJson")}(${value})` : value})`;
    }
  }

  decode(kind: CodeKind, code: string): string {
    switch (kind) {
      case "number":
        return code;
      case "string":
        return `${this.scope.stringValues}[${code}]!`;
      case "bool":
        return `(${code} === 1)`;
      case "json":
        return `${this.scope.jsonValues}[${code}]`;
    }
  }

  private encode(kind: CodeKind, expression: IrExpression): string {
    if (kind === "json") return this.encodeValue(kind, isLattice(expression.type) ? this.value(expression) : this.plain(expression), expression.type);
    return this.encodeValue(kind, this.plain(expression), expression.type);
  }

  /** The value as a lattice of `type`: a value of that lattice as is, anything else lifted. */
  lift(inner: IrExpression, type: LatticeType): string {
    const ops = this.module.latticeOps(type);
    if (sameType(inner.type, type)) return this.value(inner);
    const argument = isLattice(inner.type) && inner.type.kind === type.kind ? this.value(inner) : this.plain(inner);
    return `${ops}.lift(${argument}, ${this.scope.context})`;
  }

  private binary(expression: IrExpression & { kind: "binary" }): string {
    const { operator, left, right } = expression;
    const integer = expression.type.kind === "int";
    switch (operator) {
      case "+":
      case "-":
      case "*":
        return `(${this.plain(left)} ${operator} ${this.plain(right)})`;
      case "/":
        return `${this.module.runtime(integer ? "intDivide" : "floatDivide")}(${this.plain(left)}, ${this.plain(right)})`;
      case "%":
        return `${this.module.runtime(integer ? "modulo" : "floatModulo")}(${this.plain(left)}, ${this.plain(right)})`;
      case "++":
        if (isStringTyped(left.type) && isStringTyped(right.type)) return `(${this.plain(left)} + ${this.plain(right)})`;
        return `${this.module.runtime("stringConcat")}(${this.plain(left)}, ${this.plain(right)})`;
      case "==":
      case "!=":
        return this.equality(left, right, operator === "!=");
      case "<":
      case "<=":
      case ">":
      case ">=":
        return `(${this.plain(left)} ${operator} ${this.plain(right)})`;
      case "&&":
      case "||":
        return `(${this.predicate(left)} ${operator} ${this.predicate(right)})`;
    }
  }

  private equality(left: IrExpression, right: IrExpression, negated: boolean): string {
    if (isLattice(left.type) && isLattice(right.type) && sameType(left.type, right.type)) {
      const test = `${this.module.latticeOps(left.type)}.equals(${this.value(left)}, ${this.value(right)})`;
      return negated ? `!${test}` : test;
    }
    const leftPlain = valueType(left.type);
    const rightPlain = valueType(right.type);
    // Codes of one kind are equal exactly when their values are: compare ids, not strings.
    const leftKind = leftPlain === null ? null : codeKindOf(leftPlain);
    if (leftKind !== null && leftKind !== "number" && rightPlain !== null && codeKindOf(rightPlain) === leftKind) {
      if (this.isCodeCheap(left, leftKind) && this.isCodeCheap(right, leftKind)) {
        return `(${this.code(left, leftKind)} ${negated ? "!==" : "==="} ${this.code(right, leftKind)})`;
      }
    }
    if (leftPlain?.kind === "any" || rightPlain?.kind === "any" || leftPlain === null || rightPlain === null) {
      const compare = this.module.runtime("compareValues");
      return `(${compare}(${this.plain(left)}, ${this.plain(right)}) ${negated ? "!==" : "==="} 0)`;
    }
    return `(${this.plain(left)} ${negated ? "!==" : "==="} ${this.plain(right)})`;
  }

  private isCodeCheap(expression: IrExpression, kind: CodeKind): boolean {
    if (expression.kind === "constant") return true;
    if (expression.kind !== "variable") return false;
    const slot = this.scope.variable(expression.variable);
    return slot.representation.held === "code" && slot.representation.kind === kind;
  }

  private call(expression: IrExpression & { kind: "call" }): string {
    const args = expression.args;
    const plain = (index: number) => this.plain(args[index]!);
    const runtime = (name: string) => this.module.runtime(name);
    if (expression.extern) {
      const extern = this.module.externFunction(expression.function);
      const values = args.map((arg, i) => (isLattice(extern.params[i] ?? arg.type) ? this.value(arg) : this.plain(arg)));
      return `${extern.wrapper}(${values.join(", ")})`;
    }
    const first = args[0]?.type;
    switch (expression.function) {
      case "len":
      case "lower":
      case "upper":
      case "substr":
      case "matches":
      case "abs":
      case "min2":
      case "max2":
        return `${runtime(expression.function)}(${args.map((_, i) => plain(i)).join(", ")})`;
      case "pow": {
        const integer = expression.type.kind === "int";
        return `${runtime(integer ? "intPow" : "pow")}(${plain(0)}, ${plain(1)})`;
      }
      case "contains":
        if (first?.kind === "set") return `${runtime("containsSet")}(${this.value(args[0]!)}, ${plain(1)})`;
        if (first?.kind === "map") return `${runtime("containsKey")}(${this.value(args[0]!)}, ${plain(1)})`;
        return `${runtime("containsString")}(${plain(0)}, ${plain(1)})`;
      case "to_string":
        return `${runtime("toStringValue")}(${this.argumentValue(args[0]!)})`;
      case "to_int":
        return `${runtime("toInt")}(${plain(0)})`;
      case "to_float":
        return `${runtime("toFloat")}(${plain(0)})`;
      case "hash":
        return `${runtime("hash")}(${this.argumentValue(args[0]!)})`;
      case "me":
        return `${this.scope.context}.me`;
      case "now":
        return `${this.scope.context}.now()`;
      case "random":
        return `${this.scope.context}.random()`;
      case "uuid":
        return `${this.scope.context}.uuid()`;
      case "size":
        if (first?.kind === "map") return `${runtime("sizeMap")}(${this.value(args[0]!)})`;
        if (first?.kind === "counter") return `${runtime("sizeCounter")}(${this.value(args[0]!)})`;
        return `${runtime("sizeSet")}(${this.value(args[0]!)})`;
      case "at": {
        const map = first as LatticeType & { kind: "map" };
        const inner = this.module.latticeOps(map.value);
        return `${runtime("at")}(${this.value(args[0]!)}, ${plain(1)}, ${inner}.bottom)`;
      }
      case "keys":
        return `${runtime("SetValue")}.from(${runtime("keys")}(${this.value(args[0]!)}))`;
      case "entry": {
        const type = expression.type as LatticeType;
        return `${this.module.latticeOps(type)}.lift(${runtime("entry")}(${plain(0)}, ${this.value(args[1]!)}), ${this.scope.context})`;
      }
      case "entry_lww":
        return `new ${runtime("LwwValue")}(${plain(0)}, ${plain(1)}, ${plain(2)})`;
      case "pair":
        // The checker lifted each side into its lattice; a pair value is their 2-element array.
        return `([${this.value(args[0]!)}, ${this.value(args[1]!)}] as const)`;
      default:
        throw new Error(`no implementation for the built-in ${expression.function}`);
    }
  }

  /** An argument that takes any value: sets and maps as themselves, other lattices by their plain value. */
  private argumentValue(argument: IrExpression): string {
    return valueType(argument.type) === null ? this.value(argument) : this.plain(argument);
  }
}

function isStringTyped(type: Type): boolean {
  const plain = valueType(type);
  return plain?.kind === "string" || plain?.kind === "addr";
}

/** A constant as TypeScript source. */
export function literal(value: unknown): string {
  if (typeof value === "number") {
    if (Object.is(value, -0)) return "0";
    return value < 0 ? `(${String(value)})` : String(value);
  }
  if (value === undefined) return "undefined";
  return JSON.stringify(value);
}
