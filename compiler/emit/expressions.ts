// IR expressions → TypeScript expressions, aware of how each variable is held.
// In: typed IR expressions and, per variable, its representation: a plain column's variable
// holds the column's code (a string's id, a bool's 0/1; an int is its own code), anything else
// holds its value. Out: code that computes a value (`value`), a lattice's plain value
// (`plain`), or a code for a column of some code kind (`code`) — joins and inserts stay on
// codes, and a string is only looked up when an expression reads its text.
// Arithmetic follows LANGUAGE.md §5 through the runtime's helpers (int division truncates, `%`
// takes the dividend's sign, division by zero fails the tick); every built-in is called by its
// statically chosen variant (containsSet, sizeMap, intPow, …). Code is built as `Code` pieces
// (precedence.ts) so each comes out with prettier's parentheses; what may not is reported to the
// module as a layout doubt, and its method then goes through prettier.

import type { IrExpression } from "../ir.ts";
import { isLattice, sameType, type LatticeType, type Type } from "../types.ts";
import { valueType } from "../typecheck-values.ts";
import { codeKindOf, type CodeKind } from "../../runtime/codes.ts";
import { numberLiteral, stringLiteral } from "./literals.ts";
import type { ModuleContext } from "./module-context.ts";
import { binary, call, conditional, fromText, member, prefix, primary, type Code } from "./precedence.ts";

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
    return this.bare(this.valueCode(expression));
  }

  /** The plain value: a max/min is its value, an lww its value, a counter its total. */
  plain(expression: IrExpression): string {
    return this.bare(this.plainCode(expression));
  }

  /**
   * A boolean condition, written to go inside `!(…)` where it is not a name (the plan emitter
   * writes `if (!${wrap(predicate)}) continue;`): parenthesized itself when its own text would
   * start and end with parentheses that are not one pair.
   */
  predicate(expression: IrExpression): string {
    const code = this.plainCode(expression);
    if (/^[\w.$]+$/.test(code.text)) return code.text;
    // `!(f(x))`, `!(!x)`: prettier drops those parentheses, so the unit is not vouched for.
    if (code.form === "primary" || code.form === "not" || code.form === "negate" || code.form === "unknown") this.module.doubtLayout();
    return code.text.startsWith("(") && code.text.endsWith(")") ? `(${code.text})` : code.text;
  }

  /**
   * The negated condition, `!(x + 1 >= y)`, `!matches(s, "^a")`, `!!b`, as prettier prints it:
   * what a filter rejects on, with no layout doubt (unlike `!${wrap(predicate)}`).
   */
  negated(expression: IrExpression): string {
    return this.bare(prefix("!", this.plainCode(expression)));
  }

  /** The code of the expression's value in a plain column of code kind `kind`. */
  code(expression: IrExpression, kind: CodeKind): string {
    const code = this.codeOf(expression, kind);
    // A conditional keeps its parentheses: the plan emitter also writes `x !== ${code}`.
    if (code.form === "conditional") {
      this.module.doubtLayout();
      return `(${code.text})`;
    }
    return this.bare(code);
  }

  /** A value expression (already computed, e.g. a variable) as a code of `kind`. */
  encodeValue(kind: CodeKind, value: string, type: Type): string {
    const code = this.encodeCode(kind, fromText(value), type);
    if (code.form === "conditional") {
      this.module.doubtLayout();
      return `(${code.text})`;
    }
    return this.bare(code);
  }

  decode(kind: CodeKind, code: string): string {
    return this.bare(this.decodeCode(kind, fromText(code)));
  }

  /** The value as a lattice of `type`: a value of that lattice as is, anything else lifted. */
  lift(inner: IrExpression, type: LatticeType): string {
    return this.bare(this.liftCode(inner, type));
  }

  /** Top-level text; text this module could not read is not vouched for. */
  private bare(code: Code): string {
    if (code.form === "unknown") this.module.doubtLayout();
    return code.text;
  }

  private valueCode(expression: IrExpression): Code {
    switch (expression.kind) {
      case "constant":
        return literalCode(expression.value);
      case "variable": {
        const slot = this.scope.variable(expression.variable);
        if (slot.representation.held === "value") return primary(slot.name);
        return this.decodeCode(slot.representation.kind, primary(slot.name));
      }
      case "aggregateResult":
        return fromText(this.scope.aggregateResult(expression.index));
      case "lift":
        return this.liftCode(expression.value, expression.type);
      case "unary":
        return expression.operator === "-" ? prefix("-", this.plainCode(expression.operand)) : prefix("!", this.valueCode(expression.operand));
      case "binary":
        return this.binary(expression);
      case "call":
        return this.call(expression);
    }
  }

  private plainCode(expression: IrExpression): Code {
    const type = expression.type;
    const value = this.valueCode(expression);
    if (!isLattice(type)) return value;
    switch (type.kind) {
      case "lww":
        return member(value, ".value");
      case "counter":
        return call(this.module.runtime("counterTotal"), [value]);
      default:
        return value;
    }
  }

  private codeOf(expression: IrExpression, kind: CodeKind): Code {
    if (expression.kind === "variable") {
      const slot = this.scope.variable(expression.variable);
      if (slot.representation.held === "code" && slot.representation.kind === kind) return primary(slot.name);
    }
    if (expression.kind === "constant") {
      const value = expression.value;
      if (kind === "number" && typeof value === "number") return literalCode(value);
      if (kind === "bool" && typeof value === "boolean") return primary(value ? "1" : "0");
      return fromText(this.scope.constantCode(kind, value));
    }
    if (kind === "json") return this.encodeCode(kind, isLattice(expression.type) ? this.valueCode(expression) : this.plainCode(expression), expression.type);
    return this.encodeCode(kind, this.plainCode(expression), expression.type);
  }

  private encodeCode(kind: CodeKind, value: Code, type: Type): Code {
    switch (kind) {
      case "number":
        return value;
      case "string":
        return call(`${this.scope.strings}.intern`, [value]);
      case "bool":
        return conditional(value, "1", "0");
      case "json":
        return call(`${this.scope.json}.intern`, [isLattice(type) ? call(this.module.runtime("toJson"), [value]) : value]);
    }
  }

  private decodeCode(kind: CodeKind, code: Code): Code {
    switch (kind) {
      case "number":
        return code;
      case "string":
        return primary(`${this.scope.stringValues}[${code.text}]!`);
      case "bool":
        return binary("===", code, primary("1"));
      case "json":
        return primary(`${this.scope.jsonValues}[${code.text}]`);
    }
  }

  private liftCode(inner: IrExpression, type: LatticeType): Code {
    const ops = this.module.latticeOps(type);
    if (sameType(inner.type, type)) return this.valueCode(inner);
    const argument = isLattice(inner.type) && inner.type.kind === type.kind ? this.valueCode(inner) : this.plainCode(inner);
    return call(`${ops}.lift`, [argument, primary(this.scope.context)]);
  }

  private binary(expression: IrExpression & { kind: "binary" }): Code {
    const { operator, left, right } = expression;
    const integer = expression.type.kind === "int";
    const plain = (side: IrExpression) => this.plainCode(side);
    switch (operator) {
      case "+":
      case "-":
      case "*":
      case "<":
      case "<=":
      case ">":
      case ">=":
        return binary(operator, plain(left), plain(right));
      case "/":
        return call(this.module.runtime(integer ? "intDivide" : "floatDivide"), [plain(left), plain(right)]);
      case "%":
        return call(this.module.runtime(integer ? "modulo" : "floatModulo"), [plain(left), plain(right)]);
      case "++":
        if (isStringTyped(left.type) && isStringTyped(right.type)) return binary("+", plain(left), plain(right));
        return call(this.module.runtime("stringConcat"), [plain(left), plain(right)]);
      case "==":
      case "!=":
        return this.equality(left, right, operator === "!=");
      case "&&":
      case "||":
        return binary(operator, this.plainCode(left), this.plainCode(right));
    }
  }

  private equality(left: IrExpression, right: IrExpression, negated: boolean): Code {
    const operator = negated ? "!==" : "===";
    if (isLattice(left.type) && isLattice(right.type) && sameType(left.type, right.type)) {
      const test = call(`${this.module.latticeOps(left.type)}.equals`, [this.valueCode(left), this.valueCode(right)]);
      return negated ? prefix("!", test) : test;
    }
    const leftPlain = valueType(left.type);
    const rightPlain = valueType(right.type);
    // Codes of one kind are equal exactly when their values are: compare ids, not strings.
    const leftKind = leftPlain === null ? null : codeKindOf(leftPlain);
    if (leftKind !== null && leftKind !== "number" && rightPlain !== null && codeKindOf(rightPlain) === leftKind) {
      if (this.isCodeCheap(left, leftKind) && this.isCodeCheap(right, leftKind)) {
        return binary(operator, this.codeOf(left, leftKind), this.codeOf(right, leftKind));
      }
    }
    if (leftPlain?.kind === "any" || rightPlain?.kind === "any" || leftPlain === null || rightPlain === null) {
      const compare = call(this.module.runtime("compareValues"), [this.plainCode(left), this.plainCode(right)]);
      return binary(operator, compare, primary("0"));
    }
    return binary(operator, this.plainCode(left), this.plainCode(right));
  }

  private isCodeCheap(expression: IrExpression, kind: CodeKind): boolean {
    if (expression.kind === "constant") return true;
    if (expression.kind !== "variable") return false;
    const slot = this.scope.variable(expression.variable);
    return slot.representation.held === "code" && slot.representation.kind === kind;
  }

  private call(expression: IrExpression & { kind: "call" }): Code {
    const args = expression.args;
    const plain = (index: number) => this.plainCode(args[index]!);
    const value = (index: number) => this.valueCode(args[index]!);
    const runtime = (name: string, ...codes: Code[]) => call(this.module.runtime(name), codes);
    if (expression.extern) {
      const extern = this.module.externFunction(expression.function);
      const values = args.map((arg, i) => (isLattice(extern.params[i] ?? arg.type) ? this.valueCode(arg) : this.plainCode(arg)));
      return call(extern.wrapper, values);
    }
    const first = args[0]?.type;
    // The context local is declared only when something reads it: a getter call, not a constant.
    const context = () => primary(this.scope.context);
    switch (expression.function) {
      case "len":
      case "lower":
      case "upper":
      case "substr":
      case "matches":
      case "abs":
      case "min2":
      case "max2":
        return runtime(expression.function, ...args.map((_, i) => plain(i)));
      case "pow":
        return runtime(expression.type.kind === "int" ? "intPow" : "pow", plain(0), plain(1));
      case "contains":
        if (first?.kind === "set") return runtime("containsSet", value(0), plain(1));
        if (first?.kind === "map") return runtime("containsKey", value(0), plain(1));
        return runtime("containsString", plain(0), plain(1));
      case "to_string":
        return runtime("toStringValue", this.argumentValue(args[0]!));
      case "to_int":
        return runtime("toInt", plain(0));
      case "to_float":
        return runtime("toFloat", plain(0));
      case "hash":
        return runtime("hash", this.argumentValue(args[0]!));
      case "me":
        return member(context(), ".me");
      case "now":
        return member(context(), ".now()");
      case "random":
        return member(context(), ".random()");
      case "uuid":
        return member(context(), ".uuid()");
      case "size":
        if (first?.kind === "map") return runtime("sizeMap", value(0));
        if (first?.kind === "counter") return runtime("sizeCounter", value(0));
        return runtime("sizeSet", value(0));
      case "at": {
        const map = first as LatticeType & { kind: "map" };
        const inner = this.module.latticeOps(map.value);
        return runtime("at", value(0), plain(1), primary(`${inner}.bottom`));
      }
      case "keys":
        return call(`${this.module.runtime("SetValue")}.from`, [runtime("keys", value(0))]);
      case "entry": {
        const type = expression.type as LatticeType;
        return call(`${this.module.latticeOps(type)}.lift`, [runtime("entry", plain(0), value(1)), context()]);
      }
      case "entry_lww":
        return primary(`new ${this.module.runtime("LwwValue")}(${[plain(0), plain(1), plain(2)].map((code) => code.text).join(", ")})`);
      case "pair":
        // The checker lifted each side into its lattice; a pair value is their 2-element array.
        return { text: `[${value(0).text}, ${value(1).text}] as const`, form: "as" };
      default:
        throw new Error(`no implementation for the built-in ${expression.function}`);
    }
  }

  /** An argument that takes any value: sets and maps as themselves, other lattices by their plain value. */
  private argumentValue(argument: IrExpression): Code {
    return valueType(argument.type) === null ? this.valueCode(argument) : this.plainCode(argument);
  }
}

function isStringTyped(type: Type): boolean {
  const plain = valueType(type);
  return plain?.kind === "string" || plain?.kind === "addr";
}

/** A constant as TypeScript source, as prettier prints it (a negative number without parentheses). */
export function literal(value: unknown): string {
  return literalCode(value).text;
}

function literalCode(value: unknown): Code {
  if (typeof value === "number") {
    if (Object.is(value, -0)) return primary("0");
    return value < 0 ? prefix("-", primary(numberLiteral(-value))) : primary(numberLiteral(value));
  }
  if (typeof value === "string") return primary(stringLiteral(value));
  if (value === undefined) return primary("undefined");
  return primary(JSON.stringify(value));
}
