// Runs the engines of one workload side by side. In: the engines, the run count, the time limit.
// Out: each engine's samples, counts and verdict.
// Interleaved on purpose (warm-up A B C, then A B C, A B C, …): machine noise that drifts over
// a minute (another process, thermal throttling, the page cache) then lands on every engine
// alike instead of on whichever ran last. An engine that fails or times out stops there, keeps
// the samples it had, and says why; the others go on.

import type { Engine } from "./engines.ts";
import type { EngineResult } from "./goals.ts";
import { failureSummary, measure } from "./measure.ts";
import { judgeCounts, type Counts } from "./results.ts";

interface Samples {
  readonly engine: Engine;
  seconds: number[];
  wallSeconds: number[];
  peakKibibytes: number[];
  counts: Counts | null;
  failure?: string;
  /** Runs whose counts differed from the first run's: an engine must be deterministic. */
  unstable?: string;
}

export async function runWorkload(input: {
  readonly id: string;
  readonly engines: readonly Engine[];
  readonly runs: number;
  readonly timeoutSeconds: number;
  readonly cwd: string;
  readonly progress: (text: string) => void;
}): Promise<{ results: EngineResult[]; expected: Counts | null }> {
  const samples: Samples[] = input.engines.map((engine) => ({ engine, seconds: [], wallSeconds: [], peakKibibytes: [], counts: null }));

  const once = async (entry: Samples, measured: boolean) => {
    const run = entry.engine.start();
    try {
      const measurement = await measure(run.command, { cwd: input.cwd, timeoutSeconds: input.timeoutSeconds });
      if (measurement.timedOut || measurement.exitCode !== 0) {
        entry.failure = `${measured ? "" : "warm-up: "}${failureSummary(measurement)}${measurement.timedOut ? ` (limit ${input.timeoutSeconds} s; --timeout to change)` : ""}`;
        return;
      }
      const collected = run.collect(measurement);
      if (collected.errors.length > 0) {
        entry.failure = collected.errors.join("; ");
        return;
      }
      if (entry.counts && JSON.stringify(entry.counts) !== JSON.stringify(collected.counts)) {
        entry.unstable = `counts changed between runs: ${JSON.stringify(entry.counts)} then ${JSON.stringify(collected.counts)}`;
      }
      entry.counts ??= collected.counts;
      if (!measured) return;
      entry.wallSeconds.push(measurement.wallSeconds);
      entry.seconds.push(collected.seconds ?? measurement.wallSeconds);
      const peak = measurement.peakKibibytes ?? collected.peakKibibytes ?? null;
      if (peak != null) entry.peakKibibytes.push(peak);
    } finally {
      run.cleanup();
    }
  };

  for (let round = 0; round <= input.runs; round++) {
    const measured = round > 0;
    for (const entry of samples) {
      if (entry.failure) continue;
      input.progress(`${input.id}: ${measured ? `run ${round}/${input.runs}` : "warm-up"} ${entry.engine.label}`);
      await once(entry, measured);
      if (entry.failure) input.progress(`${input.id}: ${entry.engine.label} stopped: ${entry.failure}`);
    }
  }

  // The expected counts are the hand-tuned baseline's, else the plain hand-written one's.
  const reference = samples.find((entry) => entry.engine.kind === "typed" && entry.counts) ?? samples.find((entry) => entry.engine.kind === "map-set" && entry.counts);
  const expected = reference?.counts ?? null;
  const results = samples.map((entry): EngineResult => {
    const verdict = entry.counts ? judgeCounts(entry.counts, entry === reference ? null : expected) : null;
    const failure = [entry.failure, entry.unstable].filter(Boolean).join("; ") || undefined;
    return {
      kind: entry.engine.kind,
      label: entry.engine.label,
      display: entry.engine.display,
      seconds: entry.seconds,
      wallSeconds: entry.wallSeconds,
      peakKibibytes: entry.peakKibibytes,
      resultText: verdict?.text ?? "no result",
      correct: verdict ? verdict.correct && !entry.unstable : null,
      ...(entry === reference ? { reference: true } : {}),
      ...(failure ? { failure } : {}),
    };
  });
  return { results, expected };
}
