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

export async function measureKeyValueStore(input: {
  readonly repositoryRoot: string;
  readonly compiled: string | { unavailable: string } | undefined;
  readonly ticks: number;
  readonly runs: number;
  readonly timeoutSeconds: number;
  readonly progress: (text: string) => void;
}): Promise<KvsResult> {
  if (typeof input.compiled !== "string") return { ticksPerSecond: null, reason: input.compiled?.unavailable ?? "kvs.hydro not compiled" };
  const runner = join(input.repositoryRoot, "bench", "harness", "embedded-runner.ts");
  const rates: number[] = [];
  for (let round = 0; round <= input.runs; round++) {
    input.progress(`kvs: ${round === 0 ? "warm-up" : `run ${round}/${input.runs}`}, ${input.ticks} ticks`);
    const measurement = await measure(
      { executable: process.execPath, args: ["--import", "tsx", runner, "kvs", input.compiled, String(input.ticks)], node: false },
      { cwd: input.repositoryRoot, timeoutSeconds: input.timeoutSeconds },
    );
    if (measurement.exitCode !== 0 || measurement.timedOut) return { ticksPerSecond: null, reason: failureSummary(measurement) };
    const line = parseJsonReport(measurement.stdout);
    if (typeof line?.ticksPerSecond !== "number" || typeof line.acks !== "number") return { ticksPerSecond: null, reason: `runner printed ${measurement.stdout.slice(0, 200)}` };
    if (line.acks !== input.ticks) return { ticksPerSecond: null, reason: `${line.acks} of ${input.ticks} puts acknowledged in their tick` };
    if (round > 0) rates.push(line.ticksPerSecond);
  }
  return { ticksPerSecond: median(rates), ticks: input.ticks };
}

export async function measureGrowth(input: {
  readonly repositoryRoot: string;
  readonly compiled: string | { unavailable: string } | undefined;
  readonly ticks: number;
  readonly runs: number;
  readonly timeoutSeconds: number;
  readonly progress: (text: string) => void;
}): Promise<GrowthResult> {
  const none = (reason: string): GrowthResult => ({ firstTicksPerSecond: null, lastTicksPerSecond: null, reason });
  if (typeof input.compiled !== "string") return none(input.compiled?.unavailable ?? "reach.hydro not compiled");
  const runner = join(input.repositoryRoot, "bench", "harness", "embedded-runner.ts");
  const first: number[] = [];
  const last: number[] = [];
  let window = 0;
  for (let round = 0; round <= input.runs; round++) {
    input.progress(`growth: ${round === 0 ? "warm-up" : `run ${round}/${input.runs}`}, ${input.ticks} ticks`);
    const measurement = await measure(
      { executable: process.execPath, args: ["--import", "tsx", runner, "growth", input.compiled, String(input.ticks)], node: false },
      { cwd: input.repositoryRoot, timeoutSeconds: input.timeoutSeconds },
    );
    if (measurement.exitCode !== 0 || measurement.timedOut) return none(failureSummary(measurement));
    const line = parseJsonReport(measurement.stdout);
    if (typeof line?.firstTicksPerSecond !== "number" || typeof line.lastTicksPerSecond !== "number" || typeof line.window !== "number") {
      return none(`runner printed ${measurement.stdout.slice(0, 200)}`);
    }
    if (line.acks !== input.ticks) return none(`${String(line.acks)} of ${input.ticks} links acknowledged in their tick`);
    window = line.window;
    if (round > 0) {
      first.push(line.firstTicksPerSecond);
      last.push(line.lastTicksPerSecond);
    }
  }
  return { firstTicksPerSecond: median(first), lastTicksPerSecond: median(last), ticks: input.ticks, window };
}
