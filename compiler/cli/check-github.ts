// `hydro check --format github`: GitHub Actions workflow commands, one annotation per diagnostic
// (`::error file=…,line=…,col=…,title=…::message`), then a plain summary line.
// In: a CheckRun. Out: text for a workflow log. GitHub's escaping applies: in the message `%`,
// CR and LF; in properties also `:` and `,`. Info diagnostics (acknowledgements, output labels)
// become notices; findings the baseline knows become warnings.

import { catalog, type Diagnostic, type Severity } from "../diagnostics.ts";
import { displayPath, isBaselined, summarize, type CheckRun } from "./check-run.ts";

const COMMAND: Record<Severity, string> = { error: "error", warning: "warning", info: "notice" };

export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function annotation(d: Diagnostic, severity: Severity, title: string, cwd: string): string {
  const properties = [
    `file=${escapeProperty(displayPath(d.span.file, cwd))}`,
    `line=${d.span.line}`,
    `col=${d.span.column}`,
    `endLine=${d.span.endLine}`,
    `endColumn=${d.span.endColumn}`,
    `title=${escapeProperty(title)}`,
  ];
  const message = d.help === undefined ? d.message : `${d.message}\nhelp: ${d.help}`;
  return `::${COMMAND[severity]} ${properties.join(",")}::${escapeData(message)}`;
}

export function formatGithub(run: CheckRun, cwd: string): string {
  const lines: string[] = [];
  for (const file of run.files) {
    const known = new Set<Diagnostic>();
    for (const rule of file.report?.rules ?? []) {
      if (rule.diagnostic !== null && isBaselined(run, file, rule)) known.add(rule.diagnostic);
    }
    for (const d of [...file.compileDiagnostics, ...(file.report?.diagnostics ?? [])]) {
      const baselined = known.has(d);
      const title = `${d.code} ${catalog[d.code].title}${baselined ? " (in the baseline)" : ""}`;
      lines.push(annotation(d, baselined ? "warning" : d.severity, title, cwd));
    }
  }
  for (const error of run.usageErrors) lines.push(`::error title=hydro check::${escapeData(error)}`);
  const s = summarize(run);
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  lines.push(
    `hydro check: ${plural(s.files, "file")}, ${plural(s.rules, "rule")}: ${s.coordinationFree} coordination-free, ` +
      `${s.needsCoordination} need${s.needsCoordination === 1 ? "s" : ""} coordination, ` +
      `${s.notConfluent} not confluent, ${s.acknowledged} acknowledged` +
      (s.baselined > 0 ? ` (${s.baselined} known from the baseline)` : "") +
      (s.failed > 0 ? `; ${plural(s.failed, "file")} did not compile` : ""),
  );
  return lines.join("\n") + "\n";
}
