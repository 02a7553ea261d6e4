// `hydro check --format json`: the documented shape of LANGUAGE.md §7, plus added fields.
// In: a CheckRun. Out: one JSON document (nothing else goes to stdout in this format).
// The documented fields keep their names and meaning — version, files[{file, errors, rules}],
// summary{rules, monotone, needsCoordination, notConfluent, acknowledged} — and the additions
// (codes, gate, help, labels per output, other diagnostics) are only ever new keys.

import type { RuleReport } from "../calm/index.ts";
import type { Diagnostic } from "../diagnostics.ts";
import { displayPath, isBaselined, summarize, type CheckedFile, type CheckRun } from "./check-run.ts";

function located(d: Diagnostic, cwd: string, file: CheckedFile): Record<string, unknown> {
  return {
    code: d.code,
    message: d.message,
    line: d.span.line,
    column: d.span.column,
    ...(d.span.file === file.path ? {} : { file: displayPath(d.span.file, cwd) }),
  };
}

function ruleJson(rule: RuleReport, file: CheckedFile, run: CheckRun, cwd: string): Record<string, unknown> {
  return {
    name: rule.name,
    line: rule.line,
    column: rule.column,
    op: rule.op,
    monotone: rule.monotone,
    verdict: rule.verdict,
    code: rule.code,
    operator: rule.operator,
    fix: rule.fix,
    path: rule.path,
    // Added fields.
    ...(rule.span.file === file.path ? {} : { file: displayPath(rule.span.file, cwd) }),
    codes: rule.codes,
    gate: rule.gate,
    gateCollection: rule.gateCollection,
    message: rule.message,
    help: rule.help,
    seal: rule.seal,
    reason: rule.reason,
    downstreamOf: rule.downstreamOf,
    acknowledgement: rule.acknowledgement,
    baseline: isBaselined(run, file, rule),
    label: rule.headLabel,
  };
}

export function formatJson(run: CheckRun, cwd: string): string {
  const files = run.files.map((file) => {
    const errors = file.compileDiagnostics.filter((d) => d.severity === "error");
    const others = [...file.compileDiagnostics.filter((d) => d.severity !== "error"), ...(file.report?.diagnostics ?? [])];
    return {
      file: file.display,
      errors: errors.map((d) => located(d, cwd, file)),
      rules: (file.report?.rules ?? []).map((r) => ruleJson(r, file, run, cwd)),
      outputs: (file.report?.outputs ?? []).map((o) => ({ name: o.name, label: o.label, line: o.span.line, column: o.span.column })),
      diagnostics: others.map((d) => ({ ...located(d, cwd, file), severity: d.severity, ...(d.help === undefined ? {} : { help: d.help }) })),
    };
  });
  const summary = summarize(run);
  return (
    JSON.stringify(
      {
        version: 1,
        files,
        summary: {
          rules: summary.rules,
          monotone: summary.monotone,
          needsCoordination: summary.needsCoordination,
          notConfluent: summary.notConfluent,
          acknowledged: summary.acknowledged,
          coordinationFree: summary.coordinationFree,
          files: summary.files,
          failed: summary.failed,
          baselined: summary.baselined,
        },
        ...(run.usageErrors.length > 0 ? { usageErrors: run.usageErrors } : {}),
      },
      null,
      2,
    ) + "\n"
  );
}
