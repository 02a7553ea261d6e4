// The work of `hydro check`, apart from printing: find the files, compile and analyse each one,
// apply the baseline, and decide the exit code.
// In: the paths as given (files or directories), the cwd, a compiler host, an optional baseline.
// Out: a CheckRun that every report format (text, JSON, SARIF, GitHub) renders the same way, so
// the formats never disagree on what was found or on the exit code.

import { readdirSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { analyzeProgram, type CalmReport, type RuleReport } from "../calm/index.ts";
import { hasErrors, type Diagnostic } from "../diagnostics.ts";
import type { CompilerHost } from "../host.ts";
import { compileToIr } from "../index.ts";
import type { SourceFile } from "../source.ts";
import { EXIT_ERRORS, EXIT_FINDINGS, EXIT_OK } from "./io.ts";

export interface CheckedFile {
  /** The path the compiler saw (absolute). */
  readonly path: string;
  /** Relative to the cwd, with `/` separators: what every report shows. */
  readonly display: string;
  readonly sources: readonly SourceFile[];
  /** Diagnostics of the compiler phases (parse, resolve, types, strata). */
  readonly compileDiagnostics: readonly Diagnostic[];
  /** Null when the file did not compile: no verdicts for it. */
  readonly report: CalmReport | null;
}

export interface CheckRun {
  readonly files: readonly CheckedFile[];
  /** Paths that do not exist, or directories without .hydro files. */
  readonly usageErrors: readonly string[];
  /** `${file}\0${rule}\0${code}` of findings the baseline already knows. */
  readonly baselined: ReadonlySet<string>;
}

/** A finding: an unacknowledged needs-coordination or not-confluent rule. */
export function isFinding(rule: RuleReport): boolean {
  return rule.verdict === "needs-coordination" || rule.verdict === "not-confluent";
}

export function findingKey(file: string, rule: { readonly name: string; readonly code: string | null }): string {
  return `${file}\u0000${rule.name}\u0000${rule.code}`;
}

export function isBaselined(run: CheckRun, file: CheckedFile, rule: RuleReport): boolean {
  return isFinding(rule) && run.baselined.has(findingKey(file.display, rule));
}

export function displayPath(path: string, cwd: string): string {
  const relativePath = relative(cwd, path);
  return (relativePath === "" ? path : relativePath).split(sep).join("/");
}

const SKIPPED_DIRECTORIES = new Set(["node_modules", ".git"]);

function hydroFilesUnder(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) found.push(...hydroFilesUnder(path));
    } else if (entry.isFile() && entry.name.endsWith(".hydro")) {
      found.push(path);
    }
  }
  return found;
}

/** Files named directly are checked whatever their extension; directories give their .hydro files. */
export function collectFiles(paths: readonly string[], cwd: string): { files: string[]; usageErrors: string[] } {
  const files: string[] = [];
  const usageErrors: string[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      usageErrors.push(`no such file or directory: ${given}`);
      continue;
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    const under = hydroFilesUnder(path);
    if (under.length === 0) usageErrors.push(`no .hydro files in ${given}`);
    files.push(...under);
  }
  return { files: [...new Set(files)], usageErrors };
}

export function checkFiles(
  paths: readonly string[],
  options: { readonly cwd: string; readonly host: CompilerHost; readonly baseline?: ReadonlySet<string> },
): CheckRun {
  const { files, usageErrors } = collectFiles(paths, options.cwd);
  const checked: CheckedFile[] = [];
  for (const path of files) {
    const display = displayPath(path, options.cwd);
    const result = compileToIr(path, options.host);
    if (result.sources.length === 0 && result.diagnostics.length === 0) {
      usageErrors.push(`cannot read ${display}`);
      continue;
    }
    const report = result.ir !== null && !hasErrors(result.diagnostics) ? analyzeProgram(result.ir) : null;
    checked.push({ path, display, sources: result.sources, compileDiagnostics: result.diagnostics, report });
  }
  checked.sort((a, b) => a.display.localeCompare(b.display));
  return { files: checked, usageErrors, baselined: options.baseline ?? new Set() };
}

/** A file that did not compile (including one the host could not read). */
export function failedToCompile(file: CheckedFile): boolean {
  return file.report === null;
}

export function exitCodeOf(run: CheckRun): number {
  if (run.usageErrors.length > 0 || run.files.some(failedToCompile)) return EXIT_ERRORS;
  const findings = run.files.some((f) => f.report!.rules.some((r) => isFinding(r) && !isBaselined(run, f, r)));
  return findings ? EXIT_FINDINGS : EXIT_OK;
}

export interface RunSummary {
  readonly files: number;
  readonly rules: number;
  readonly monotone: number;
  readonly coordinationFree: number;
  readonly needsCoordination: number;
  readonly notConfluent: number;
  readonly acknowledged: number;
  /** Findings the baseline already knows (they do not fail the check). */
  readonly baselined: number;
  /** Files that did not compile. */
  readonly failed: number;
}

export function summarize(run: CheckRun): RunSummary {
  const reports = run.files.flatMap((f) => (f.report === null ? [] : [f.report]));
  const sum = (pick: (r: CalmReport) => number): number => reports.reduce((total, r) => total + pick(r), 0);
  return {
    files: run.files.length,
    rules: sum((r) => r.summary.rules),
    monotone: sum((r) => r.summary.monotone),
    coordinationFree: sum((r) => r.summary.coordinationFree),
    needsCoordination: sum((r) => r.summary.needsCoordination),
    notConfluent: sum((r) => r.summary.notConfluent),
    acknowledged: sum((r) => r.summary.acknowledged),
    baselined: run.files.reduce((n, f) => n + (f.report?.rules.filter((r) => isBaselined(run, f, r)).length ?? 0), 0),
    failed: run.files.filter(failedToCompile).length,
  };
}
