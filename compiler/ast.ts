// The abstract syntax tree of one `.hydro` file.
// In: built from the chevrotain CST by build-ast.ts. Out: read by resolve.ts, typecheck.ts,
// lower.ts and the `.hydro` printer. Every node is a discriminated union member on `kind` and
// carries the span it came from, so every later diagnostic can point at the text. The tree is
// syntax only: names are unresolved strings, types are unchecked type expressions.

import type { Span } from "./source.ts";

export interface SourceProgram {
  readonly kind: "program";
  readonly file: string;
  readonly items: readonly Item[];
  readonly span: Span;
}

export type Item =
  | ModuleDecl
  | ImportDecl
  | ExternDecl
  | CollectionDecl
  | SealDecl
  | FactItem
  | RuleItem;

export interface Identifier {
  readonly name: string;
  readonly span: Span;
}

/** `d.pipe_in` is { module: d, name: pipe_in }; a plain `edge` has no module. */
export interface QualifiedName {
  readonly module?: Identifier;
  readonly name: Identifier;
  readonly span: Span;
}

export interface ModuleDecl {
  readonly kind: "module";
  readonly name: Identifier;
  readonly span: Span;
}

/** `import "std/delivery" as d;` */
export interface ImportDecl {
  readonly kind: "import";
  readonly path: string;
  readonly pathSpan: Span;
  readonly alias: Identifier;
  readonly span: Span;
}

/** `@nondet("why") extern fn classify(s: string): string from "./udfs.ts";` */
export interface ExternDecl {
  readonly kind: "extern";
  readonly annotations: readonly Annotation[];
  readonly name: Identifier;
  readonly params: readonly { readonly name: Identifier; readonly type: TypeExpr }[];
  readonly returnType: TypeExpr;
  readonly from: string;
  readonly fromSpan: Span;
  readonly span: Span;
}

export type CollectionKind =
  | "table"
  | "scratch"
  | "input"
  | "output"
  | "channel"
  | "periodic"
  | "lattice";

export interface ColumnDecl {
  readonly name: Identifier;
  readonly type: TypeExpr;
  /** Declared after the `;`: the column holds a lattice value. */
  readonly lattice: boolean;
  /** Written `@to: addr`: the destination column of a channel. */
  readonly address: boolean;
  readonly span: Span;
}

export interface CollectionDecl {
  readonly kind: "collection";
  readonly collectionKind: CollectionKind;
  readonly name: Identifier;
  readonly columns: readonly ColumnDecl[];
  /** `key(a, b)`; `key()` is an empty key (at most one tuple); absent means the whole tuple. */
  readonly key?: { readonly columns: readonly Identifier[]; readonly span: Span };
  /** `periodic every_second(1s);` — its period. Its one column (n: int) is implicit. */
  readonly period?: Duration;
  /** `lattice total: max<int>;` — a single persistent lattice value. */
  readonly scalar?: TypeExpr;
  readonly span: Span;
}

export interface Duration {
  readonly milliseconds: number;
  readonly text: string;
  readonly span: Span;
}

/** `seal ack on (id);` */
export interface SealDecl {
  readonly kind: "seal";
  readonly collection: QualifiedName;
  readonly columns: readonly Identifier[];
  readonly span: Span;
}

/** `int`, `set<addr>`, `map<string, pair<max<int>, set<addr>>>`. */
export interface TypeExpr {
  readonly kind: "type";
  readonly name: Identifier;
  readonly args: readonly TypeExpr[];
  readonly span: Span;
}

/** `edge(1, 2);` — inserted at tick 0. Arguments are constant expressions. */
export interface FactItem {
  readonly kind: "fact";
  readonly target: QualifiedName;
  readonly args: readonly Argument[];
  readonly span: Span;
}

export type MergeOperator = "<=" | "<+" | "<-" | "<+-" | "<~";

export interface RuleItem {
  readonly kind: "rule";
  readonly annotations: readonly Annotation[];
  readonly head: Head;
  readonly operator: MergeOperator;
  readonly operatorSpan: Span;
  readonly body: readonly BodyLiteral[];
  readonly span: Span;
}

/** `@name("x")`, `@coordinated("why")`, `@nondet("why")`; unknown names are reported later. */
export interface Annotation {
  readonly kind: "annotation";
  readonly name: Identifier;
  readonly argument?: { readonly value: string; readonly span: Span };
  readonly span: Span;
}

export interface Head {
  readonly target: QualifiedName;
  readonly args: readonly Argument[];
  readonly span: Span;
}

/** A positional argument, or `column: value` in the named form. */
export interface Argument {
  readonly name?: Identifier;
  readonly value: Expression;
  readonly span: Span;
}

export type BodyLiteral = AtomLiteral | ConditionLiteral | MembershipLiteral;

/** `edge(x, y)`, `!done(x)`, `put(key: k)`, `d.pipe_in(...)`. */
export interface AtomLiteral {
  readonly kind: "atom";
  readonly negated: boolean;
  readonly target: QualifiedName;
  readonly args: readonly Argument[];
  /** True when the arguments are written `column: value` (others are wildcards). */
  readonly named: boolean;
  readonly span: Span;
}

/**
 * Any boolean expression: a comparison `x + 1 < y`, a binding `z = x * 2` (binary "="), a call
 * `contains(s, x)`, a bare `true`. Whether "=" binds or compares is decided by the type checker.
 */
export interface ConditionLiteral {
  readonly kind: "condition";
  readonly expression: Expression;
  readonly span: Span;
}

/** `x in s`, `k in keys(m)`, `x in range(a, b)`. */
export interface MembershipLiteral {
  readonly kind: "membership";
  readonly variable: Identifier;
  readonly source: Expression;
  readonly span: Span;
}

export type Expression =
  | IntLiteral
  | FloatLiteral
  | StringLiteral
  | BoolLiteral
  | VariableRef
  | Wildcard
  | BinaryExpression
  | UnaryExpression
  | CallExpression
  | AggregateExpression;

export interface IntLiteral {
  readonly kind: "int";
  readonly value: number;
  readonly span: Span;
}
export interface FloatLiteral {
  readonly kind: "float";
  readonly value: number;
  readonly span: Span;
}
export interface StringLiteral {
  readonly kind: "string";
  readonly value: string;
  readonly span: Span;
}
export interface BoolLiteral {
  readonly kind: "bool";
  readonly value: boolean;
  readonly span: Span;
}
export interface VariableRef {
  readonly kind: "variable";
  readonly name: string;
  readonly span: Span;
}
/** `_`: matches anything; each occurrence is a fresh variable of its own. */
export interface Wildcard {
  readonly kind: "wildcard";
  readonly span: Span;
}

export type BinaryOperator =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "++"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "="
  | "&&"
  | "||";

export interface BinaryExpression {
  readonly kind: "binary";
  readonly operator: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
  readonly operatorSpan: Span;
  readonly span: Span;
}

export interface UnaryExpression {
  readonly kind: "unary";
  readonly operator: "-" | "!";
  readonly operand: Expression;
  readonly span: Span;
}

/** `len(s)`, `me()`, `keys(m)`, `range(a, b)`, an extern `classify(s)`. */
export interface CallExpression {
  readonly kind: "call";
  readonly callee: Identifier;
  readonly args: readonly Expression[];
  readonly span: Span;
}

export type AggregateFunction = "count" | "sum" | "min" | "max" | "avg" | "collect" | "choose";

/** Only in a head argument: `count()`, `count(x)`, `sum(x)`, … */
export interface AggregateExpression {
  readonly kind: "aggregate";
  readonly function: AggregateFunction;
  readonly functionSpan: Span;
  readonly arg?: Expression;
  readonly span: Span;
}
