// The service goals, through the embedded API. The key-value store (bench/programs/kvs.hydro),
// one put per tick: at least 50,000 ticks per second. The growing reachability service
// (bench/programs/reach.hydro), one link per tick: its last ticks, over a large state, about as
// fast as its first (no work proportional to state the tick does not change). In: the compiled
// module (or why there is none), the tick count, the run count. Out: median rates.
// Each run is a fresh process (after one warm-up run), so one run's heap does not carry into the
// next; a run only counts when every put was acknowledged in its own tick.

import { join } from "node:path";
import type { GrowthResult, KvsResult } from "./goals.ts";
import { failureSummary, measure } from "./measure.ts";
import { parseJsonReport } from "./results.ts";
import { median } from "./stats.ts";

interface ServiceRunInput {
  readonly repositoryRoot: string;
  readonly compiled: string | { unavailable: string } | undefined;
  readonly ticks: number;
  readonly runs: number;
  readonly timeoutSeconds: number;
  readonly progress: (text: string) => void;
}

/**
 * The warm-up run and the measured runs of one embedded-runner mode: each measured run's JSON
 * line, or why there is none (a failed run, an unreadable line, an unacknowledged request).
 */
async function serviceRuns(
  input: ServiceRunInput,
  mode: "kvs" | "growth",
  program: string,
  check: (line: Record<string, unknown>) => string | null,
): Promise<Record<string, unknown>[] | string> {
  if (typeof input.compiled !== "string") return input.compiled?.unavailable ?? `${program} not compiled`;
  const runner = join(input.repositoryRoot, "bench", "harness", "embedded-runner.ts");
  const lines: Record<string, unknown>[] = [];
  for (let round = 0; round <= input.runs; round++) {
    input.progress(`${mode}: ${round === 0 ? "warm-up" : `run ${round}/${input.runs}`}, ${input.ticks} ticks`);
    const measurement = await measure(
      { executable: process.execPath, args: ["--import", "tsx", runner, mode, input.compiled, String(input.ticks)], node: false },
      { cwd: input.repositoryRoot, timeoutSeconds: input.timeoutSeconds },
    );
    if (measurement.exitCode !== 0 || measurement.timedOut) return failureSummary(measurement);
    const line = parseJsonReport(measurement.stdout);
    if (!line) return `runner printed ${measurement.stdout.slice(0, 200)}`;
    const problem = check(line);
    if (problem !== null) return problem;
    if (round > 0) lines.push(line);
  }
  return lines;
}

export async function measureKeyValueStore(input: ServiceRunInput): Promise<KvsResult> {
  const runs = await serviceRuns(input, "kvs", "kvs.hydro", (line) => {
    if (typeof line.ticksPerSecond !== "number" || typeof line.acks !== "number") return `runner printed ${JSON.stringify(line).slice(0, 200)}`;
    return line.acks === input.ticks ? null : `${line.acks} of ${input.ticks} puts acknowledged in their tick`;
  });
  if (typeof runs === "string") return { ticksPerSecond: null, reason: runs };
  return { ticksPerSecond: median(runs.map((line) => line.ticksPerSecond as number)), ticks: input.ticks };
}

export async function measureGrowth(input: ServiceRunInput): Promise<GrowthResult> {
  const runs = await serviceRuns(input, "growth", "reach.hydro", (line) => {
    if (typeof line.firstTicksPerSecond !== "number" || typeof line.lastTicksPerSecond !== "number" || typeof line.window !== "number") {
      return `runner printed ${JSON.stringify(line).slice(0, 200)}`;
    }
    return line.acks === input.ticks ? null : `${String(line.acks)} of ${input.ticks} links acknowledged in their tick`;
  });
  if (typeof runs === "string") return { firstTicksPerSecond: null, lastTicksPerSecond: null, reason: runs };
  return {
    firstTicksPerSecond: median(runs.map((line) => line.firstTicksPerSecond as number)),
    lastTicksPerSecond: median(runs.map((line) => line.lastTicksPerSecond as number)),
    ticks: input.ticks,
    window: runs[0]!.window as number,
  };
}
