// The one catalog of diagnostic codes, and the Diagnostic value every phase returns.
// In: a phase that finds a problem calls `diagnostic(code, span, message)`. Out: plain data that
// the CLI renders as text with a code frame, JSON, SARIF or GitHub annotations.
// User errors are never thrown: phases collect diagnostics and go on, so one run reports all.
// Codes are stable: never renumber or reuse one; add new codes at the end of their range.
//   HY1xxx lexical and syntax      HY2xxx names, imports, declarations
//   HY3xxx types and variables     HY4xxx rule placement and stratification
//   HY5xxx running (facts, inputs) CALMxxx the coordination analysis (ANALYSIS.md §3)

import type { Span } from "./source.ts";

export type Severity = "error" | "warning" | "info";

interface CatalogEntry {
  readonly severity: Severity;
  /** A short, stable title: SARIF rule names and `hydro check --help` list these. */
  readonly title: string;
}

export const catalog = {
  HY1001: { severity: "error", title: "unexpected character" },
  HY1002: { severity: "error", title: "unterminated string or comment" },
  HY1003: { severity: "error", title: "invalid number or duration" },
  HY1004: { severity: "error", title: "syntax error" },
  HY1005: { severity: "error", title: "invalid string escape" },

  HY2001: { severity: "error", title: "unknown collection" },
  HY2002: { severity: "error", title: "duplicate declaration" },
  HY2003: { severity: "error", title: "unknown module alias" },
  HY2004: { severity: "error", title: "imported module not found" },
  HY2005: { severity: "error", title: "cyclic import" },
  HY2006: { severity: "error", title: "unknown column" },
  HY2007: { severity: "error", title: "unknown function" },
  HY2008: { severity: "error", title: "duplicate column" },
  HY2009: { severity: "error", title: "invalid key" },
  HY2010: { severity: "error", title: "invalid seal" },
  HY2011: { severity: "error", title: "invalid channel declaration" },
  HY2012: { severity: "error", title: "unknown annotation" },
  HY2013: { severity: "error", title: "duplicate module declaration" },
  HY2014: { severity: "error", title: "invalid extern declaration" },
  HY2015: { severity: "error", title: "invalid collection declaration" },

  HY3001: { severity: "error", title: "arity mismatch" },
  HY3002: { severity: "error", title: "type mismatch" },
  HY3003: { severity: "error", title: "unbound variable in head" },
  HY3004: { severity: "error", title: "unbound variable in negation" },
  HY3005: { severity: "error", title: "unbound variable in condition" },
  HY3006: { severity: "error", title: "unknown type" },
  HY3007: { severity: "error", title: "invalid lattice type" },
  HY3008: { severity: "error", title: "invalid aggregate" },
  HY3009: { severity: "error", title: "wrong number of arguments" },
  HY3010: { severity: "error", title: "fact is not constant" },
  HY3011: { severity: "error", title: "wildcard not allowed here" },
  HY3012: { severity: "warning", title: "variable used only once" },

  HY4001: { severity: "error", title: "cycle through a non-monotone use" },
  HY4002: { severity: "error", title: "rule writes to an input or periodic" },
  HY4003: { severity: "error", title: "delete from a lattice" },
  HY4004: { severity: "error", title: "send into a non-channel" },
  HY4005: { severity: "error", title: "merge into a channel" },
  HY4006: { severity: "error", title: "delete or upsert into a non-table" },

  HY5001: { severity: "error", title: "malformed facts file" },
  HY5002: { severity: "error", title: "bad input line" },
  HY5003: { severity: "error", title: "tick failed" },
  HY5004: { severity: "error", title: "invalid simulation topology" },
  HY5005: { severity: "error", title: "unknown node or program in a topology" },
  HY5006: { severity: "error", title: "invalid scripted input in a topology" },

  CALM001: { severity: "error", title: "non-monotone operator on asynchronous input" },
  CALM002: { severity: "error", title: "join of asynchronous inputs is not confluent" },
  CALM003: { severity: "error", title: "overwrite or delete races with asynchronous input" },
  CALM004: { severity: "error", title: "non-idempotent update counts ticks, not facts" },
  CALM005: { severity: "info", title: "claim the analysis cannot verify" },
  CALM006: { severity: "warning", title: "seal unused, incompatible or not honoured" },
  CALM007: { severity: "info", title: "output label" },
  CALM008: { severity: "info", title: "coordination point acknowledged" },
  CALM009: { severity: "error", title: "nondeterministic rule" },
} as const satisfies Record<string, CatalogEntry>;

export type DiagnosticCode = keyof typeof catalog;

export interface RelatedLocation {
  readonly message: string;
  readonly span?: Span;
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  /** Further locations: the other rules of a cycle, the first declaration of a duplicate. */
  readonly related: readonly RelatedLocation[];
  /** A concrete suggestion, when there is one. */
  readonly help?: string;
}

export function diagnostic(
  code: DiagnosticCode,
  span: Span,
  message: string,
  extra: { related?: readonly RelatedLocation[]; help?: string; severity?: Severity } = {},
): Diagnostic {
  return {
    code,
    severity: extra.severity ?? catalog[code].severity,
    message,
    span,
    related: extra.related ?? [],
    ...(extra.help === undefined ? {} : { help: extra.help }),
  };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Stable order for reports: file, then position, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.span.file.localeCompare(b.span.file) ||
      a.span.start - b.span.start ||
      a.code.localeCompare(b.code),
  );
}
