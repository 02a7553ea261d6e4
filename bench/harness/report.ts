// The printed report: the results table, its notes, and the goals. In: one run's results.
// Out: text for the terminal. Pure, so its shape is unit-tested.
// Each ratio divides the engine's median by the reference's median from the same run; the
// Soufflé column uses a published figure only when Soufflé is not installed, and marks it `ref`.

import { formatCount, formatMebibytes, formatRange, formatRatio, formatSeconds, median, minimum, maximum, ratio } from "./stats.ts";
import { formatTable } from "./table.ts";
import type { Goal, WorkloadResult, EngineResult } from "./goals.ts";

const HEADER = ["workload", "engine", "result", "median s", "min–max s", "peak MiB", "× typed JS", "× Map/Set JS", "× Soufflé"];

function referenceMedian(result: WorkloadResult, kind: EngineResult["kind"]): number | null {
  const engine = result.engines.find((candidate) => candidate.kind === kind && candidate.correct !== false);
  return engine ? median(engine.seconds) : null;
}

export function formatResultsTable(results: readonly WorkloadResult[]): { table: string; notes: string[] } {
  const rows: string[][] = [];
  const breaks: number[] = [];
  const notes: string[] = [];
  for (const result of results) {
    breaks.push(rows.length);
    const typed = referenceMedian(result, "typed");
    const mapSet = referenceMedian(result, "map-set");
    const souffleMeasured = referenceMedian(result, "souffle");
    const souffleReference = result.workload.reference.souffleIssue ?? result.workload.reference.souffleReadme ?? null;
    const souffle = souffleMeasured ?? souffleReference;
    const souffleMark = souffleMeasured == null && souffle != null ? " ref" : "";
    result.engines.forEach((engine, index) => {
      const value = median(engine.seconds);
      // The counts themselves are listed once under the table; a cell says only how they compare.
      let resultText = engine.correct === false ? `WRONG: ${engine.resultText}` : engine.reference ? "expected" : engine.correct ? "ok" : "–";
      if (engine.failure) {
        notes.push(`[${notes.length + 1}] ${result.workload.id}, ${engine.label}: ${engine.failure}`);
        resultText = `${engine.correct === null ? "" : resultText + "; "}failed [${notes.length}]`;
      }
      const isSelf = (kind: EngineResult["kind"]) => engine.kind === kind;
      rows.push([
        index === 0 ? result.workload.id : "",
        engine.label,
        resultText,
        formatSeconds(value),
        formatRange(minimum(engine.seconds), maximum(engine.seconds)),
        formatMebibytes(median(engine.peakKibibytes)),
        isSelf("typed") ? "1.00×" : formatRatio(ratio(value, typed)),
        isSelf("map-set") ? "1.00×" : formatRatio(ratio(value, mapSet)),
        isSelf("souffle") ? "1.00×" : ratio(value, souffle) == null ? "–" : formatRatio(ratio(value, souffle)) + souffleMark,
      ]);
    });
  }
  return { table: formatTable(HEADER, rows, { rightAligned: [3, 5, 6, 7, 8], groupBreaks: breaks }), notes };
}

/** Published Soufflé figures, for the workloads where Soufflé was not run here. */
export function formatReferenceLines(results: readonly WorkloadResult[]): string[] {
  const lines: string[] = [];
  for (const { workload, engines } of results) {
    if (engines.some((engine) => engine.kind === "souffle")) continue;
    const { souffleIssue, souffleReadme } = workload.reference;
    if (souffleIssue == null && souffleReadme == null) continue;
    const parts = [];
    if (souffleIssue != null) parts.push(`${formatSeconds(souffleIssue)} s (the goal's figure)`);
    if (souffleReadme != null) parts.push(`${formatSeconds(souffleReadme)} s (shared bench README table)`);
    lines.push(`  ${workload.id}: Soufflé compiled 1 thread ${parts.join(", ")}`);
  }
  return lines.length > 0 ? ["Soufflé is not on the PATH; the × Soufflé column (marked ref) uses published figures from this machine kind, not measured in this run:", ...lines] : [];
}

export function formatGoals(goals: readonly Goal[]): string {
  const mark = { met: "met", "not met": "NOT MET", "not measured": "not measured" } as const;
  return formatTable(
    ["goal", "measured", "status"],
    goals.map((goal) => [goal.goal, goal.measured, mark[goal.status]]),
  );
}

export function formatExpected(counts: Readonly<Record<string, number>> | null): string {
  if (!counts) return "unknown";
  return Object.entries(counts)
    .map(([name, value]) => `${name} ${formatCount(value)}`)
    .join(", ");
}
