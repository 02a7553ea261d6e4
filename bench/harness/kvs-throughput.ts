// The service goal: the key-value store (bench/programs/kvs.hydro) through the embedded API,
// one put per tick, at least 50,000 ticks per second. In: the compiled module (or why there is
// none), the tick count, the run count. Out: the median ticks/s over the measured runs.
// Each run is a fresh process (after one warm-up run), so one run's heap does not carry into the
// next; a run only counts when every put was acknowledged in its own tick.

import { join } from "node:path";
import type { KvsResult } from "./goals.ts";
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
