// Small builders for hand-made CheckedPrograms and their edges, for the stratification, planning
// and printing tests: they let a test state a program in a few lines without the parser.
// In: collection and rule descriptions with variables named by strings. Out: CheckedProgram
// values shaped as typecheck.ts produces them (plain variables "bind", constants "match",
// `_` "ignore" unless the rule aggregates), and IrEdges as the edge phase would give for the
// simple cases (negation, aggregation, `<-`/`<+-` are N; everything else M).

import type { AggregateFunction, BinaryOperator, CollectionKind, MergeOperator } from "../compiler/ast.ts";
import type {
  CheckedLiteral,
  CheckedProgram,
  CheckedRule,
  ColumnPattern,
  IrAggregate,
  IrAtom,
  IrCollection,
  IrColumn,
  IrEdge,
  IrExpression,
  IrFact,
  IrVariable,
} from "../compiler/ir.ts";
import type { Span } from "../compiler/source.ts";
import { BOOL, INT, isLattice, type BaseType, type LatticeType, type Type } from "../compiler/types.ts";

export const FILE = "test.hydro";

export function span(line: number, column = 1, length = 1): Span {
  const start = line * 1000 + column;
  return { file: FILE, start, end: start + length, line, column, endLine: line, endColumn: column + length };
}

// ---------------------------------------------------------------------------------------------
// Types and collections

export function parseType(text: string): Type {
  const source = text.trim();
  const open = source.indexOf("<");
  if (open < 0) return { kind: source } as BaseType | LatticeType;
  const name = source.slice(0, open);
  const inner = source.slice(open + 1, source.lastIndexOf(">"));
  const args: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === "<") depth++;
    if (inner[i] === ">") depth--;
    if (inner[i] === "," && depth === 0) {
      args.push(inner.slice(from, i));
      from = i + 1;
    }
  }
  args.push(inner.slice(from));
  const types = args.map(parseType);
  if (name === "map") return { kind: "map", key: types[0] as BaseType, value: types[1] as LatticeType };
  if (name === "pair") return { kind: "pair", first: types[0] as LatticeType, second: types[1] as LatticeType };
  return { kind: name, element: types[0] } as LatticeType;
}

/** `collection("best", "lattice", "node: string; cost: min<int>", { key: [0] })`; `@to` marks the address column. */
export function collection(
  name: string,
  kind: CollectionKind,
  columns: string,
  options: { key?: number[]; periodMs?: number; scalar?: boolean; line?: number } = {},
): IrCollection {
  const [plain = "", lattice = ""] = columns.split(";");
  const parse = (text: string, isLattice: boolean): { column: IrColumn; address: boolean }[] =>
    text
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part.length > 0)
      .map((part) => {
        const [rawName, rawType] = part.split(":").map((piece) => piece.trim());
        const address = rawName!.startsWith("@");
        return { column: { name: address ? rawName!.slice(1) : rawName!, type: parseType(rawType!), lattice: isLattice }, address };
      });
  const all = [...parse(plain, false), ...parse(lattice, true)];
  const addressColumn = all.findIndex((entry) => entry.address);
  return {
    name,
    kind,
    columns: all.map((entry) => entry.column),
    key: options.key ?? null,
    addressColumn: addressColumn >= 0 ? addressColumn : null,
    periodMs: options.periodMs ?? null,
    scalar: options.scalar ?? false,
    span: span(options.line ?? 1),
  };
}

// ---------------------------------------------------------------------------------------------
// Expressions: built lazily against the rule's variable table

interface Scope {
  variable(name: string): number;
  typeOf(variable: number): Type;
  line: number;
}

export type Expr = (scope: Scope) => IrExpression;
type ExprLike = Expr | string | number | boolean;

function toExpr(value: ExprLike): Expr {
  if (typeof value === "function") return value;
  if (typeof value === "string") return v(value);
  return k(value);
}

export function v(name: string): Expr {
  return (scope) => {
    const variable = scope.variable(name);
    return { kind: "variable", variable, type: scope.typeOf(variable), span: span(scope.line) };
  };
}

export function k(value: number | string | boolean, type?: string): Expr {
  const inferred: Type =
    type !== undefined ? parseType(type) : typeof value === "number" ? INT : typeof value === "boolean" ? BOOL : { kind: "string" };
  return (scope) => ({ kind: "constant", value, type: inferred, span: span(scope.line) });
}

const COMPARISONS = new Set(["==", "!=", "<", "<=", ">", ">=", "&&", "||"]);

export function bin(operator: Exclude<BinaryOperator, "=">, left: ExprLike, right: ExprLike): Expr {
  return (scope) => {
    const l = toExpr(left)(scope);
    const r = toExpr(right)(scope);
    const type: Type = COMPARISONS.has(operator) ? BOOL : operator === "++" ? { kind: "string" } : l.type;
    return { kind: "binary", operator, left: l, right: r, type, span: span(scope.line) };
  };
}

export function neg(operand: ExprLike, operator: "-" | "!" = "-"): Expr {
  return (scope) => {
    const inner = toExpr(operand)(scope);
    return { kind: "unary", operator, operand: inner, type: operator === "!" ? BOOL : inner.type, span: span(scope.line) };
  };
}

export function call(
  name: string,
  args: ExprLike[],
  options: { type?: string; nondeterministic?: boolean; extern?: boolean; column?: number } = {},
): Expr {
  return (scope) => ({
    kind: "call",
    function: name,
    extern: options.extern ?? false,
    nondeterministic: options.nondeterministic ?? false,
    args: args.map((arg) => toExpr(arg)(scope)),
    type: options.type === undefined ? INT : parseType(options.type),
    span: span(scope.line, options.column ?? 1),
  });
}

export function lift(value: ExprLike, type: string): Expr {
  return (scope) => ({ kind: "lift", value: toExpr(value)(scope), type: parseType(type) as LatticeType, span: span(scope.line) });
}

/** A head aggregate: `agg("count")`, `agg("sum", "d")`. */
export interface AggregateSpec {
  readonly aggregate: AggregateFunction;
  readonly argument: ExprLike | null;
  readonly type: string;
}

export function agg(fn: AggregateFunction, argument: ExprLike | null = null, type = "int"): AggregateSpec {
  return { aggregate: fn, argument, type };
}

// ---------------------------------------------------------------------------------------------
// Body literals

export type BodySpec =
  | { readonly kind: "atom"; readonly collection: string; readonly negated: boolean; readonly args: readonly ExprLike[] }
  | { readonly kind: "condition"; readonly predicate: Expr }
  | { readonly kind: "binding"; readonly variable: string; readonly value: ExprLike }
  | { readonly kind: "membership"; readonly variable: string; readonly mode: "set" | "keys" | "range"; readonly sources: readonly ExprLike[] };

/** A positive atom; a string argument is a variable (`_` a wildcard), a number a constant. */
export function atom(collection: string, ...args: ExprLike[]): BodySpec {
  return { kind: "atom", collection, negated: false, args };
}
export function not(collection: string, ...args: ExprLike[]): BodySpec {
  return { kind: "atom", collection, negated: true, args };
}
export function where(predicate: Expr): BodySpec {
  return { kind: "condition", predicate };
}
export function bind(variable: string, value: ExprLike): BodySpec {
  return { kind: "binding", variable, value };
}
export function member(variable: string, mode: "set" | "keys" | "range", ...sources: ExprLike[]): BodySpec {
  return { kind: "membership", variable, mode, sources };
}

// ---------------------------------------------------------------------------------------------
// Rules and programs

export interface RuleSpec {
  readonly head: string;
  readonly operator: MergeOperator;
  readonly args: readonly (ExprLike | AggregateSpec)[];
  readonly body: readonly BodySpec[];
  readonly name?: string;
  readonly line?: number;
  /** Atoms (by index among the rule's atoms) whose edge is N for a reason the builder cannot see. */
  readonly nonMonotoneAtoms?: readonly number[];
  /** Every edge is M: an aggregate into a lattice whose order it respects. */
  readonly monotone?: boolean;
}

export function rule(
  head: string,
  operator: MergeOperator,
  args: readonly (ExprLike | AggregateSpec)[],
  body: readonly BodySpec[],
  options: { name?: string; line?: number; nonMonotoneAtoms?: number[]; monotone?: boolean } = {},
): RuleSpec {
  return { head, operator, args, body, ...options };
}

export interface BuiltProgram {
  readonly program: CheckedProgram;
  readonly edges: IrEdge[];
}

function isAggregate(value: ExprLike | AggregateSpec): value is AggregateSpec {
  return typeof value === "object" && value !== null && "aggregate" in value;
}

export function program(
  collections: readonly IrCollection[],
  rules: readonly RuleSpec[],
  options: { facts?: readonly { collection: string; values: ExprLike[]; line: number }[]; moduleName?: string } = {},
): BuiltProgram {
  const byName = new Map(collections.map((c) => [c.name, c]));
  const headCounts = new Map<string, number>();
  const built: CheckedRule[] = rules.map((spec, id) => {
    const count = (headCounts.get(spec.head) ?? 0) + 1;
    headCounts.set(spec.head, count);
    return buildRule(spec, id, spec.name ?? `${spec.head}#${count}`, byName);
  });
  const scope: Scope = {
    variable: () => {
      throw new Error("facts have no variables");
    },
    typeOf: () => INT,
    line: 1,
  };
  const facts: IrFact[] = (options.facts ?? []).map((fact) => ({
    collection: fact.collection,
    values: fact.values.map((value) => toExpr(value)({ ...scope, line: fact.line })),
    span: span(fact.line),
  }));
  const checked: CheckedProgram = {
    moduleName: options.moduleName ?? "test",
    collections,
    externs: [],
    seals: [],
    facts,
    rules: built,
  };
  return { program: checked, edges: buildEdges(checked, rules) };
}

function buildRule(spec: RuleSpec, id: number, name: string, collections: Map<string, IrCollection>): CheckedRule {
  const line = spec.line ?? id + 1;
  const variables: IrVariable[] = [];
  const indexOf = new Map<string, number>();
  const aggregates = spec.args.some(isAggregate);
  const declare = (variableName: string, type: Type, wildcard = false): number => {
    if (!wildcard && indexOf.has(variableName)) return indexOf.get(variableName)!;
    variables.push({ name: variableName, type, span: span(line), wildcard });
    if (!wildcard) indexOf.set(variableName, variables.length - 1);
    return variables.length - 1;
  };
  const scope: Scope = {
    variable: (variableName) => indexOf.get(variableName) ?? declare(variableName, INT),
    typeOf: (variable) => variables[variable]!.type,
    line,
  };

  const atoms: IrAtom[] = [];
  const literals: CheckedLiteral[] = [];
  let column = 1;
  for (const literal of spec.body) {
    const literalSpan = span(line, (column += 10));
    if (literal.kind === "atom") {
      const schema = collections.get(literal.collection);
      const columns: ColumnPattern[] = [];
      const columnVariables: (number | null)[] = [];
      literal.args.forEach((arg, index) => {
        const type = schema?.columns[index]?.type ?? INT;
        if (arg === "_") {
          if (aggregates && !literal.negated) {
            columns.push({ kind: "bind", variable: declare("_", type, true) });
          } else {
            columns.push({ kind: "ignore" });
          }
          columnVariables.push(null);
        } else if (typeof arg === "string") {
          const variable = indexOf.get(arg) ?? declare(arg, type);
          columns.push({ kind: "bind", variable });
          columnVariables.push(variable);
        } else {
          columns.push({ kind: "match", value: toExpr(arg)(scope) });
          columnVariables.push(null);
        }
      });
      atoms.push({ collection: literal.collection, negated: literal.negated, columns, columnVariables, span: literalSpan });
      literals.push({ kind: "atom", atom: atoms.length - 1 });
    } else if (literal.kind === "condition") {
      literals.push({ kind: "condition", predicate: literal.predicate(scope), span: literalSpan });
    } else if (literal.kind === "binding") {
      const value = toExpr(literal.value)(scope);
      const variable = indexOf.get(literal.variable) ?? declare(literal.variable, value.type);
      literals.push({ kind: "binding", variable, value, span: literalSpan });
    } else {
      const sources = literal.sources.map((source) => toExpr(source)(scope));
      const elementType = sources[0]?.type && isLattice(sources[0].type) && "element" in sources[0].type ? sources[0].type.element : INT;
      const variable = indexOf.get(literal.variable) ?? declare(literal.variable, elementType);
      literals.push({ kind: "membership", variable, mode: literal.mode, sources, span: literalSpan });
    }
  }

  const aggregateList: IrAggregate[] = [];
  const headColumns = spec.args.map((arg) => {
    if (!isAggregate(arg)) return toExpr(arg)(scope);
    aggregateList.push({
      function: arg.aggregate,
      argument: arg.argument === null ? null : toExpr(arg.argument)(scope),
      type: parseType(arg.type),
      span: span(line),
    });
    return { kind: "aggregateResult", index: aggregateList.length - 1, type: parseType(arg.type), span: span(line) } as IrExpression;
  });

  return {
    id,
    name,
    head: spec.head,
    operator: spec.operator,
    acknowledged: {},
    variables,
    atoms,
    literals,
    headColumns,
    aggregates: aggregateList,
    span: span(line, 1, 40),
    headSpan: span(line, 1, 5),
    operatorSpan: span(line, 7, 2),
  };
}

/** Edges as the edge phase gives them for the cases these tests need. */
export function buildEdges(program: CheckedProgram, specs: readonly RuleSpec[]): IrEdge[] {
  return program.rules.flatMap((rule) =>
    rule.atoms.map((atom, index): IrEdge => {
      const forced = specs[rule.id]?.nonMonotoneAtoms?.includes(index) ?? false;
      const aggregates = rule.aggregates.length > 0 && specs[rule.id]?.monotone !== true;
      const monotone = !atom.negated && !aggregates && !forced && rule.operator !== "<-" && rule.operator !== "<+-";
      const reasons: IrEdge["reasons"] = atom.negated
        ? [{ kind: "negation" }]
        : aggregates
          ? [{ kind: "aggregate", function: rule.aggregates[0]!.function, into: "plain" }]
          : rule.operator === "<-"
            ? [{ kind: "delete" }]
            : rule.operator === "<+-"
              ? [{ kind: "upsert" }]
              : forced
                ? [{ kind: "lattice-read", column: 0, use: "against-direction", span: atom.span }]
                : [];
      const lineage = rule.headColumns.flatMap((column, head) => {
        if (column.kind !== "variable") return [];
        const body = atom.columnVariables.indexOf(column.variable);
        return !atom.negated && body >= 0 ? [{ head, body }] : [];
      });
      return {
        rule: rule.id,
        atom: index,
        from: atom.collection,
        to: rule.head,
        polarity: atom.negated ? "negative" : "positive",
        monotone,
        reasons,
        temporal: rule.operator !== "<=",
        operator: rule.operator,
        gate: atom.negated ? atom.columns.flatMap((c, i) => (c.kind === "ignore" ? [] : [i])) : null,
        lineage,
        operatorText: atom.negated ? `!${atom.collection}(…)` : atom.collection,
        span: atom.span,
      };
    }),
  );
}
