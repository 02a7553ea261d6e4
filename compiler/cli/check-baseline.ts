// Baselines for `hydro check --baseline FILE` and `--write-baseline FILE`: adopt the check in CI
// without fixing every known finding first, and fail only on new ones.
// In: a CheckRun, or a baseline file's text. Out: the baseline JSON, or the set of known finding
// keys. Findings match by file, rule name and code — never by line, so edits that move a rule do
// not resurrect it. Files are stored relative to the baseline file's own directory, so the
// baseline works from any working directory.

import { dirname, relative, resolve, sep } from "node:path";
import { displayPath, findingKey, isFinding, type CheckRun } from "./check-run.ts";

export interface BaselineEntry {
  readonly file: string;
  readonly rule: string;
  readonly code: string;
}

export interface BaselineFile {
  readonly version: 1;
  readonly findings: readonly BaselineEntry[];
}

/** The baseline that accepts every current finding of the run. */
export function baselineOf(run: CheckRun, baselinePath: string, cwd: string): BaselineFile {
  const directory = dirname(resolve(cwd, baselinePath));
  const findings: BaselineEntry[] = [];
  for (const file of run.files) {
    for (const rule of file.report?.rules ?? []) {
      if (!isFinding(rule) || rule.code === null) continue;
      findings.push({ file: relative(directory, file.path).split(sep).join("/"), rule: rule.name, code: rule.code });
    }
  }
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.rule.localeCompare(b.rule) || a.code.localeCompare(b.code));
  return { version: 1, findings };
}

export function formatBaseline(baseline: BaselineFile): string {
  return JSON.stringify(baseline, null, 2) + "\n";
}

/** The known finding keys (as check-run.ts's findingKey), or an error message. */
export function parseBaseline(text: string, baselinePath: string, cwd: string): { keys: Set<string> } | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { error: `${baselinePath} is not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const findings = (data as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(findings)) return { error: `${baselinePath} has no "findings" array` };
  const directory = dirname(resolve(cwd, baselinePath));
  const keys = new Set<string>();
  for (const entry of findings) {
    const { file, rule, code } = (entry ?? {}) as Partial<BaselineEntry>;
    if (typeof file !== "string" || typeof rule !== "string" || typeof code !== "string") {
      return { error: `${baselinePath}: every finding needs "file", "rule" and "code" strings` };
    }
    const display = displayPath(resolve(directory, file), cwd);
    keys.add(findingKey(display, { name: rule, code }));
  }
  return { keys };
}
