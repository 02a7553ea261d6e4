// `hydro check --format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it.
// In: a CheckRun and the cwd. Out: one SARIF log with a rule per catalog code (stable ids, short
// descriptions from the catalog titles), a result per diagnostic with a repository-relative
// location (uriBaseId %SRCROOT%), related locations, and the witness path as a code flow.
// Findings get a fingerprint from file, rule name and code, so an alert survives edits that
// move the rule; with a baseline, known findings are marked `unchanged` and softened to warnings.

import { existsSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { RuleReport } from "../calm/index.ts";
import { catalog, type Diagnostic, type DiagnosticCode, type Severity } from "../diagnostics.ts";
import type { Span } from "../source.ts";
import { isBaselined, isFinding, type CheckRun } from "./check-run.ts";

const VERSION = "0.1.0";
const SARIF_LEVEL: Record<Severity, string> = { error: "error", warning: "warning", info: "note" };

/** The repository root: the nearest directory above the cwd holding `.git`, else the cwd. */
export function repositoryRoot(cwd: string): string {
  for (let directory = cwd; ; directory = dirname(directory)) {
    if (existsSync(join(directory, ".git"))) return directory;
    if (dirname(directory) === directory) return cwd;
  }
}

function pascalCase(title: string): string {
  return title
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

export function formatSarif(run: CheckRun, cwd: string): string {
  const root = repositoryRoot(cwd);
  const codes = Object.keys(catalog) as DiagnosticCode[];
  const rules = codes.map((code) => ({
    id: code,
    name: pascalCase(catalog[code].title),
    shortDescription: { text: catalog[code].title },
    defaultConfiguration: { level: SARIF_LEVEL[catalog[code].severity] },
    properties: { tags: code.startsWith("CALM") ? ["calm", "coordination"] : ["compiler"] },
  }));

  const location = (span: Span, message?: string): Record<string, unknown> => {
    const path = relative(root, span.file);
    const inside = !path.startsWith("..") && !path.startsWith(sep) && path !== "";
    return {
      physicalLocation: {
        artifactLocation: inside
          ? { uri: path.split(sep).join("/"), uriBaseId: "%SRCROOT%" }
          : { uri: pathToFileURL(span.file).href },
        region: {
          startLine: span.line,
          startColumn: span.column,
          endLine: span.endLine,
          endColumn: Math.max(span.endColumn, span.endLine === span.line ? span.column + 1 : span.endColumn),
        },
      },
      ...(message === undefined ? {} : { message: { text: message } }),
    };
  };

  const results: Record<string, unknown>[] = [];
  for (const file of run.files) {
    const byDiagnostic = new Map<Diagnostic, RuleReport>();
    for (const rule of file.report?.rules ?? []) if (rule.diagnostic !== null) byDiagnostic.set(rule.diagnostic, rule);
    for (const d of [...file.compileDiagnostics, ...(file.report?.diagnostics ?? [])]) {
      const rule = byDiagnostic.get(d);
      const known = rule !== undefined && isBaselined(run, file, rule);
      const related = d.related.filter((r) => r.span !== undefined);
      const result: Record<string, unknown> = {
        ruleId: d.code,
        ruleIndex: codes.indexOf(d.code),
        level: known ? "warning" : SARIF_LEVEL[d.severity],
        message: { text: d.help === undefined ? d.message : `${d.message}\nhelp: ${d.help}` },
        locations: [location(d.span)],
      };
      if (related.length > 0) result.relatedLocations = related.map((r, id) => ({ id, ...location(r.span!, r.message) }));
      if (rule !== undefined && isFinding(rule) && rule.witnesses.length > 0) {
        result.codeFlows = rule.witnesses.map((w) => ({
          message: { text: `from ${w.origin.replace(":", " ")}` },
          threadFlows: [{ locations: w.spans.map((span, i) => ({ location: location(span, w.steps[i]) })) }],
        }));
      }
      if (rule !== undefined && isFinding(rule)) {
        result.partialFingerprints = { "hydrologFinding/v1": `${file.display}:${rule.name}:${rule.code}` };
        if (run.baselined.size > 0) result.baselineState = known ? "unchanged" : "new";
      }
      results.push(result);
    }
  }

  const outputs = run.files.flatMap((f) => (f.report?.outputs ?? []).map((o) => ({ file: f.display, name: o.name, label: o.label })));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "hydrolog", version: VERSION, rules } },
        originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(root + sep).href } },
        results,
        properties: { outputs },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
