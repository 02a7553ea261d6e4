// `hydro check` for people: every diagnostic with a code frame (the shared renderer of
// compiler/report.ts), then per file a table of rule verdicts and the output labels, then one
// summary line. In: a CheckRun. Out: text; colour only when the terminal allows it.
// Findings the baseline already knows are shown as warnings marked "(in the baseline)", so they
// stay visible without failing the check.

import type { Diagnostic } from "../diagnostics.ts";
import { formatDiagnostic } from "../report.ts";
import { displayPath, isBaselined, summarize, type CheckedFile, type CheckRun } from "./check-run.ts";
import type { RuleReport, Verdict } from "../calm/index.ts";

const PAINT = {
  green: "\u001b[32m",
  red: "\u001b[31;1m",
  yellow: "\u001b[33;1m",
  cyan: "\u001b[36m",
  bold: "\u001b[1m",
  dim: "\u001b[2m",
  reset: "\u001b[0m",
} as const;

const VERDICT_COLOUR: Record<Verdict, keyof typeof PAINT> = {
  "coordination-free": "green",
  "needs-coordination": "red",
  "not-confluent": "yellow",
  acknowledged: "cyan",
};

function painter(colors: boolean) {
  return (style: keyof typeof PAINT, text: string): string => (colors ? `${PAINT[style]}${text}${PAINT.reset}` : text);
}

/** The diagnostics of one file as shown: labels go in the table, baselined findings are softened. */
function shownDiagnostics(run: CheckRun, file: CheckedFile): Diagnostic[] {
  const baselined = new Set<Diagnostic>();
  for (const rule of file.report?.rules ?? []) {
    if (rule.diagnostic !== null && isBaselined(run, file, rule)) baselined.add(rule.diagnostic);
  }
  const all = [...file.compileDiagnostics, ...(file.report?.diagnostics ?? [])].filter((d) => d.code !== "CALM007");
  return all.map((d) => (baselined.has(d) ? { ...d, severity: "warning" as const, message: `${d.message} (in the baseline)` } : d));
}

const VERDICT_TEXT: Record<Verdict, string> = {
  "coordination-free": "coordination-free",
  "needs-coordination": "needs coordination",
  "not-confluent": "not confluent",
  acknowledged: "acknowledged",
};

function verdictText(rule: RuleReport): string {
  return VERDICT_TEXT[rule.verdict];
}

function ruleTable(run: CheckRun, file: CheckedFile, colors: boolean, cwd: string): string[] {
  const paint = painter(colors);
  const rules = file.report?.rules ?? [];
  const nameWidth = Math.max(4, ...rules.map((r) => r.name.length));
  const lines = rules.map((rule) => {
    const parts = [
      rule.name.padEnd(nameWidth),
      `line ${String(rule.line).padEnd(4)}`,
      rule.op.padEnd(3),
      rule.monotone ? "M" : "N",
      paint(VERDICT_COLOUR[rule.verdict], verdictText(rule)),
    ];
    if (rule.code !== null) parts.push(rule.code, rule.operator ?? "", `fix: ${rule.fix}`);
    if (rule.reason !== null && rule.reason !== "monotone") parts.push(paint("dim", `(${rule.reason})`));
    if (isBaselined(run, file, rule)) parts.push(paint("dim", "(in the baseline)"));
    if (rule.span.file !== file.path) parts.push(paint("dim", `(in ${displayPath(rule.span.file, cwd)})`));
    return `  ${parts.join("  ")}`;
  });
  const outputs = file.report?.outputs ?? [];
  if (outputs.length > 0) lines.push(`  outputs: ${outputs.map((o) => `${o.name} ${o.label}`).join(", ")}`);
  return lines;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function formatText(run: CheckRun, options: { readonly colors: boolean; readonly cwd: string }): string {
  const paint = painter(options.colors);
  const out: string[] = [];
  for (const file of run.files) {
    const byPath = new Map(file.sources.map((s) => [s.path, s]));
    const diagnostics = shownDiagnostics(run, file).sort(
      (a, b) => a.span.file.localeCompare(b.span.file) || a.span.start - b.span.start || a.code.localeCompare(b.code),
    );
    for (const d of diagnostics) out.push(formatDiagnostic(d, byPath.get(d.span.file), { colors: options.colors, cwd: options.cwd }));
    if (file.report === null) {
      out.push(`${paint("bold", file.display)}: did not compile, no verdicts\n`);
      continue;
    }
    out.push([paint("bold", file.display), ...ruleTable(run, file, options.colors, options.cwd)].join("\n") + "\n");
  }
  const s = summarize(run);
  const parts = [
    `${plural(s.files, "file")}, ${plural(s.rules, "rule")}: ${s.coordinationFree} coordination-free`,
    `${s.needsCoordination} need${s.needsCoordination === 1 ? "s" : ""} coordination`,
    `${s.notConfluent} not confluent`,
    `${s.acknowledged} acknowledged`,
  ];
  let summary = parts.join(", ");
  if (s.baselined > 0) summary += ` (${s.baselined} known from the baseline)`;
  if (s.failed > 0) summary += `; ${plural(s.failed, "file")} did not compile`;
  out.push(summary + "\n");
  return out.join("\n");
}
