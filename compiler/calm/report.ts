// The shape of the CALM analysis result: what `hydro check` prints, in every format.
// In: filled by analyzeProgram (index.ts). Out: read by the check command's text, JSON, SARIF and
// GitHub renderers, and by the graph drawer (points of order). Plain data, no methods, so that
// the JSON report is close to a projection of it.

import type { MergeOperator } from "../ast.ts";
import type { Diagnostic } from "../diagnostics.ts";
import type { Span } from "../source.ts";
import type { FindingCode } from "./findings.ts";
import type { LabelName } from "./taint.ts";

export type Verdict = "coordination-free" | "needs-coordination" | "not-confluent" | "acknowledged";

/** seal: declare a seal; order: a sequencer, consensus or single owner; persist: store first; ack: acknowledge. */
export type FixClass = "seal" | "order" | "persist" | "ack";

export interface WitnessReport {
  /** `channel:vote`, `periodic:tick` or `nondet:<rule>`. */
  readonly origin: string;
  /** `["vote (channel, line 3)", "votes#1 (line 9)", "tally#1 (line 12)"]`. */
  readonly steps: readonly string[];
  readonly spans: readonly Span[];
}

export interface RuleReport {
  readonly id: number;
  readonly name: string;
  readonly span: Span;
  readonly line: number;
  readonly column: number;
  readonly op: MergeOperator;
  /** Every edge of the rule is M. */
  readonly monotone: boolean;
  readonly verdict: Verdict;
  /** The primary code (ANALYSIS.md §3 precedence), kept when acknowledged; null when none applies. */
  readonly code: FindingCode | null;
  /** Every code that applies, primary first. */
  readonly codes: readonly FindingCode[];
  /** The operator as written: `sum(d)`, `!done(x)`, `v < 5`, `join a(x), b(x)`. */
  readonly operator: string | null;
  /** The gate's column names, and the collection they belong to. */
  readonly gate: readonly string[] | null;
  readonly gateCollection: string | null;
  readonly fix: FixClass | null;
  /** The witness path of the primary finding, as step strings. */
  readonly path: readonly string[];
  /** One shortest path per origin of the primary finding. */
  readonly witnesses: readonly WitnessReport[];
  /** For a coordination-free rule fed by D data: the nearest points of order upstream. */
  readonly downstreamOf: readonly string[];
  /** Why a coordination-free rule is free: `monotone`, `local`, `sealed on (k)`, `downstream of r`. */
  readonly reason: string | null;
  /** The text of `@coordinated("…")` or `@nondet("…")`. */
  readonly acknowledgement: string | null;
  /** Seal status of the primary finding's input, with a compatible key when one exists. */
  readonly seal: string | null;
  readonly message: string | null;
  /** The fix class with a concrete suggestion. */
  readonly help: string | null;
  /** The head collection's label after this analysis. */
  readonly headLabel: LabelName;
  /** The diagnostic reporting this rule's finding (CALM00x, or CALM008 when acknowledged). */
  readonly diagnostic: Diagnostic | null;
}

export interface CollectionReport {
  readonly name: string;
  readonly kind: string;
  readonly span: Span;
  readonly label: LabelName;
  readonly columns: readonly { readonly name: string; readonly label: LabelName }[];
  /** The origins of its taint: `channel:vote`, `periodic:tick`, `nondet:3`. */
  readonly origins: readonly string[];
}

export interface CalmSummary {
  readonly rules: number;
  readonly monotone: number;
  readonly coordinationFree: number;
  readonly needsCoordination: number;
  readonly notConfluent: number;
  readonly acknowledged: number;
}

export interface CalmReport {
  readonly rules: readonly RuleReport[];
  /** Per `output` collection, its label. */
  readonly outputs: readonly CollectionReport[];
  /** Every collection's label. */
  readonly collections: readonly CollectionReport[];
  /** CALM001–CALM009 diagnostics, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  readonly summary: CalmSummary;
}

export interface AnalyzeOptions {
  /**
   * Let compatible seals protect (sealed evaluation). Off by default and in `hydro check`:
   * the runtime does not honour seals yet, so they must give no protection (ANALYSIS.md §4).
   */
  readonly honourSeals?: boolean;
}
