// The intermediate representation: a typed dataflow graph with strata and edge facts.
// In: typecheck.ts produces a CheckedProgram (collections, typed rules with resolved variables);
// lower.ts orders each rule into plans of dataflow operators and computes edges; stratify.ts
// assigns strata. Out: the IrProgram that the CALM analysis, the graph drawer, the IR printer
// and the TypeScript emitter all read. Shaped after Hydro's DFIR: each rule is a small pipeline
// (scan → join → filter → map → aggregate → sink), and the facts the CALM analysis needs
// (ANALYSIS.md §1) are explicit on every edge rather than recomputed by each consumer.

import type { AggregateFunction, BinaryOperator, CollectionKind, MergeOperator } from "./ast.ts";
import type { Span } from "./source.ts";
import type { LatticeType, Type } from "./types.ts";

// ---------------------------------------------------------------------------------------------
// Schemas

export interface IrColumn {
  readonly name: string;
  readonly type: Type;
  /** Declared after `;`: merged, never conflicting. */
  readonly lattice: boolean;
}

export interface IrCollection {
  /** Qualified name: `kvs`, or `d.pipe_in` for a collection of a module imported as `d`. */
  readonly name: string;
  readonly kind: CollectionKind;
  readonly columns: readonly IrColumn[];
  /** Declared `key(...)` column indices; null when the whole tuple is the key. */
  readonly key: readonly number[] | null;
  /** The `@` column of a channel. */
  readonly addressColumn: number | null;
  /** A periodic's period. */
  readonly periodMs: number | null;
  /** `lattice total: max<int>;` — one value, shown as one tuple (its single column is "value"). */
  readonly scalar: boolean;
  readonly span: Span;
}

export interface IrExtern {
  readonly name: string;
  readonly params: readonly Type[];
  readonly returnType: Type;
  /** The module specifier as written, and resolved against the declaring file's directory. */
  readonly from: string;
  readonly resolvedFrom: string;
  readonly nondeterministic: boolean;
  readonly span: Span;
}

export interface IrSeal {
  readonly collection: string;
  readonly columns: readonly number[];
  readonly span: Span;
}

export interface IrFact {
  readonly collection: string;
  /** One constant expression per column (lattice columns wrapped in a `lift`). */
  readonly values: readonly IrExpression[];
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Expressions: typed, with variables resolved to per-rule slots

export type IrExpression =
  | { readonly kind: "constant"; readonly value: ConstantValue; readonly type: Type; readonly span: Span }
  | { readonly kind: "variable"; readonly variable: number; readonly type: Type; readonly span: Span }
  | {
      readonly kind: "binary";
      readonly operator: Exclude<BinaryOperator, "=">;
      readonly left: IrExpression;
      readonly right: IrExpression;
      readonly type: Type;
      readonly span: Span;
    }
  | {
      readonly kind: "unary";
      readonly operator: "-" | "!";
      readonly operand: IrExpression;
      readonly type: Type;
      readonly span: Span;
    }
  | {
      readonly kind: "call";
      /** A built-in (`len`, `contains`, `now`, …, see stdlib/builtins.ts) or an extern's name. */
      readonly function: string;
      readonly extern: boolean;
      readonly nondeterministic: boolean;
      readonly args: readonly IrExpression[];
      readonly type: Type;
      readonly span: Span;
    }
  /** A base value written where a lattice is expected: `set<T>` ← element, `max<T>` ← value. */
  | { readonly kind: "lift"; readonly value: IrExpression; readonly type: LatticeType; readonly span: Span }
  /** The i-th aggregate of the rule's aggregate operator (only in head columns). */
  | { readonly kind: "aggregateResult"; readonly index: number; readonly type: Type; readonly span: Span };

/** JSON-representable constants; ints and floats are both JS numbers (the type tells which). */
export type ConstantValue = number | string | boolean | null;

export interface IrVariable {
  readonly name: string;
  readonly type: Type;
  /** Where it is first bound. */
  readonly span: Span;
  /** A fresh variable standing for one `_` (aggregates count each `_` as its own variable). */
  readonly wildcard: boolean;
}

// ---------------------------------------------------------------------------------------------
// Rules after type checking (the input of lower.ts)

/** How one column of a body atom is used. */
export type ColumnPattern =
  /** Binds a variable that is not yet bound at this point of the body. */
  | { readonly kind: "bind"; readonly variable: number }
  /** Must equal an expression over constants and variables bound earlier (a join key or filter). */
  | { readonly kind: "match"; readonly value: IrExpression }
  /** `_` in a positive atom that nothing aggregates over, or a column the named form omits. */
  | { readonly kind: "ignore" };

export interface IrAtom {
  readonly collection: string;
  readonly negated: boolean;
  /**
   * One pattern per column, as written. In a CheckedRule, a column written as a plain variable
   * (or a wildcard that an aggregate counts) is "bind"; constants and other expressions are
   * "match". In a plan, lower.ts rewrites them per operator: the first operator that sees a
   * variable binds it, later ones match it.
   */
  readonly columns: readonly ColumnPattern[];
  /** The variable in each column, if the column is written as a plain variable (for lineage). */
  readonly columnVariables: readonly (number | null)[];
  readonly span: Span;
}

export type CheckedLiteral =
  | { readonly kind: "atom"; readonly atom: number }
  | { readonly kind: "condition"; readonly predicate: IrExpression; readonly span: Span }
  /** `z = x * 2` where z is unbound: binds it. (When z is bound, it is a "condition" with ==.) */
  | { readonly kind: "binding"; readonly variable: number; readonly value: IrExpression; readonly span: Span }
  /** `x in s` (set elements), `k in keys(m)` (map keys), `x in range(a, b)`. */
  | {
      readonly kind: "membership";
      readonly variable: number;
      readonly mode: "set" | "keys" | "range";
      /** For "range": [from, to]; otherwise the one set or map expression. */
      readonly sources: readonly IrExpression[];
      readonly span: Span;
    };

export interface IrAggregate {
  readonly function: AggregateFunction;
  /** Absent for `count()`. */
  readonly argument: IrExpression | null;
  readonly type: Type;
  readonly span: Span;
}

export interface CheckedRule {
  /** Index in the program's rule list. */
  readonly id: number;
  /** `@name("…")`, or `head#n` with n counting that head's rules from 1. */
  readonly name: string;
  readonly head: string;
  readonly operator: MergeOperator;
  readonly acknowledged: { readonly coordinated?: string; readonly nondet?: string };
  readonly variables: readonly IrVariable[];
  readonly atoms: readonly IrAtom[];
  /** The body in source order; atoms refer to `atoms` by index. */
  readonly literals: readonly CheckedLiteral[];
  /** One expression per head column in the head collection's column order. */
  readonly headColumns: readonly IrExpression[];
  /** The aggregates of the head, in order; `aggregateResult` expressions index into this. */
  readonly aggregates: readonly IrAggregate[];
  readonly span: Span;
  readonly headSpan: Span;
  readonly operatorSpan: Span;
}

export interface CheckedProgram {
  readonly moduleName: string;
  readonly collections: readonly IrCollection[];
  readonly externs: readonly IrExtern[];
  readonly seals: readonly IrSeal[];
  readonly facts: readonly IrFact[];
  readonly rules: readonly CheckedRule[];
}

// ---------------------------------------------------------------------------------------------
// Dataflow operators: one plan is a pipeline evaluated left to right over variable bindings

/**
 * full: every row; delta: the rows new in the previous round of a fixpoint; since: the rows
 * added since the last tick committed (an incremental stratum's first round, see lower.ts).
 */
export type AtomSource = "full" | "delta" | "since";

export type IrOperator =
  /** The first atom: iterate a collection (its delta in a semi-naive variant). */
  | {
      readonly kind: "scan";
      readonly atom: number;
      readonly collection: string;
      readonly source: AtomSource;
      readonly columns: readonly ColumnPattern[];
    }
  /** A later positive atom: probe a hash index on `keyColumns` (the columns with "match"). */
  | {
      readonly kind: "join";
      readonly atom: number;
      readonly collection: string;
      readonly source: AtomSource;
      readonly keyColumns: readonly number[];
      readonly columns: readonly ColumnPattern[];
    }
  /** A negated atom: keep the binding when no tuple matches on `keyColumns`. */
  | {
      readonly kind: "antijoin";
      readonly atom: number;
      readonly collection: string;
      readonly keyColumns: readonly number[];
      readonly columns: readonly ColumnPattern[];
    }
  | { readonly kind: "filter"; readonly predicate: IrExpression }
  | { readonly kind: "map"; readonly variable: number; readonly value: IrExpression }
  | {
      readonly kind: "flatten";
      readonly variable: number;
      readonly mode: "set" | "keys" | "range";
      readonly sources: readonly IrExpression[];
    }
  /** Group the distinct bindings of all body variables by `group` and fold the aggregates. */
  | {
      readonly kind: "aggregate";
      readonly group: readonly IrExpression[];
      readonly aggregates: readonly IrAggregate[];
    }
  | { readonly kind: "sink"; readonly sink: SinkKind; readonly collection: string; readonly columns: readonly IrExpression[] };

/**
 * merge: `<=` into the head now (lattice columns merge); defer: `<+`; delete: `<-`;
 * upsert: `<+-`; send: `<~` to the address column.
 */
export type SinkKind = "merge" | "defer" | "delete" | "upsert" | "send";

export interface IrPlan {
  /** The atom read as a delta in this semi-naive variant; null for a one-pass rule. */
  readonly deltaAtom: number | null;
  readonly operators: readonly IrOperator[];
}

// ---------------------------------------------------------------------------------------------
// Edges: the facts of ANALYSIS.md §1, one per (rule, body atom)

export type NonMonotoneReason =
  | { readonly kind: "negation" }
  | { readonly kind: "aggregate"; readonly function: AggregateFunction; readonly into: "plain" | "mismatched-lattice" | "non-persistent-count" }
  | { readonly kind: "delete" }
  | { readonly kind: "upsert" }
  | {
      readonly kind: "lattice-read";
      readonly column: number;
      readonly use: "against-direction" | "equality" | "join-on-value" | "constant" | "copy-to-plain" | "extern";
      readonly span: Span;
    };

export interface IrEdge {
  readonly rule: number;
  readonly atom: number;
  readonly from: string;
  readonly to: string;
  readonly polarity: "positive" | "negative";
  /** `M` (true) or `N` (false). */
  readonly monotone: boolean;
  readonly reasons: readonly NonMonotoneReason[];
  /** The rule is `<+`, `<-`, `<+-` or `<~`: the edge crosses a tick and breaks `<=` cycles. */
  readonly temporal: boolean;
  readonly operator: MergeOperator;
  /** Columns of `from` that form the gate of the non-monotone operator (ANALYSIS.md §1). */
  readonly gate: readonly number[] | null;
  /** Head columns copied unchanged from body columns of this atom. */
  readonly lineage: readonly { readonly head: number; readonly body: number }[];
  /** The operator as the user wrote it, for reports: `sum(d)`, `!done(x)`, `v < 5`. */
  readonly operatorText: string;
  readonly span: Span;
}

export interface IrRule extends CheckedRule {
  readonly stratum: number;
  readonly plans: readonly IrPlan[];
  /**
   * In an incremental stratum: one plan per positive atom, that atom read `since` the last
   * tick, together deriving everything the rows added since then can derive. Else empty.
   */
  readonly incrementalPlans: readonly IrPlan[];
  /** Calls of now(), random(), uuid() or an @nondet extern, for CALM009. */
  readonly nondeterministicCalls: readonly { readonly function: string; readonly span: Span }[];
}

export interface IrStratum {
  readonly index: number;
  /** Rules whose `<=` heads are computed in this stratum (temporal rules run with their body's). */
  readonly rules: readonly number[];
  /** Collections defined (by `<=`) in this stratum. */
  readonly collections: readonly string[];
  /** Contains a `<=` cycle: evaluated semi-naively to a fixpoint. */
  readonly recursive: boolean;
  /**
   * Its collections only grow and its rules are monotone, so a tick may start from the rows
   * added since the last one instead of re-deriving from everything (set by lower.ts).
   */
  readonly incremental?: boolean;
}

export interface IrProgram {
  readonly moduleName: string;
  readonly collections: readonly IrCollection[];
  readonly externs: readonly IrExtern[];
  readonly seals: readonly IrSeal[];
  readonly facts: readonly IrFact[];
  readonly rules: readonly IrRule[];
  readonly edges: readonly IrEdge[];
  readonly strata: readonly IrStratum[];
}
