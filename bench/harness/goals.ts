// The performance goals, judged on one run's measurements. In: the per-workload results, the
// KVS throughput and the compile times. Out: one line per goal: what was measured, against
// what, and met / not met / not measured (with why). Pure, so the judging is unit-tested.
// The goals compare engines measured side by side in the same run (JS timings drift ±25%
// between passes); only the Soufflé bar falls back to a published figure when no `souffle` is
// installed, and then the line says so.

import { median, ratio, formatRatio, formatSeconds, formatCount, formatMebibytes } from "./stats.ts";
import type { EngineKind } from "./engines.ts";
import type { Workload } from "./workloads.ts";

export interface EngineResult {
  readonly kind: EngineKind;
  readonly label: string;
  readonly display: string;
  /** The figure the table ranks by: whole-process wall time, or in-process time (embedded). */
  readonly seconds: readonly number[];
  /** Whole-process wall time of each run (the same as `seconds` except for the embedded engine). */
  readonly wallSeconds: readonly number[];
  readonly peakKibibytes: readonly number[];
  /** `path 1,999,000` or what differs from the expected counts. */
  readonly resultText: string;
  readonly correct: boolean | null;
  /** This engine's counts are the expected ones the others are judged against. */
  readonly reference?: boolean;
  /** Why the engine has no (or no further) figures: it failed, timed out or is not built yet. */
  readonly failure?: string;
}

export interface WorkloadResult {
  readonly workload: Workload;
  readonly engines: readonly EngineResult[];
}

export interface KvsResult {
  readonly ticksPerSecond: number | null;
  readonly ticks?: number;
  readonly reason?: string;
}

export interface GrowthResult {
  readonly firstTicksPerSecond: number | null;
  readonly lastTicksPerSecond: number | null;
  readonly ticks?: number;
  /** Ticks in each of the two windows compared. */
  readonly window?: number;
  readonly reason?: string;
}

export interface CompileResult {
  readonly rules: number;
  readonly checkSeconds: number | null;
  readonly compileSeconds: number | null;
  readonly checkNote?: string;
  readonly compileNote?: string;
}

export type GoalStatus = "met" | "not met" | "not measured";

export interface Goal {
  readonly goal: string;
  readonly measured: string;
  readonly status: GoalStatus;
}

export const GOALS = {
  recursiveVersusTyped: 1.25,
  joinVersusHand: 1.0,
  memoryVersusHand: 1.5,
  kvsTicksPerSecond: 50_000,
  /** The growing service's last window of ticks at least this fraction of its first's rate. */
  growthLastVersusFirst: 0.5,
  compileSeconds: 2,
} as const;

const find = (result: WorkloadResult, kind: EngineKind) => result.engines.find((engine) => engine.kind === kind);
const usable = (engine: EngineResult | undefined) => (engine && engine.seconds.length > 0 && engine.correct !== false ? engine : undefined);

function notMeasured(goal: string, why: string): Goal {
  return { goal, measured: why, status: "not measured" };
}

function ratioGoal(goal: string, value: number | null, reference: number | null, limit: number, describe: (r: number) => string): Goal {
  const r = ratio(value, reference);
  if (r == null) return notMeasured(goal, "missing figure");
  return { goal, measured: describe(r), status: r <= limit ? "met" : "not met" };
}

/** Why a hydro engine has no figure, for the "not measured" lines. */
function absence(engine: EngineResult | undefined, label: string): string {
  if (!engine) return `${label}: not available`;
  if (engine.correct === false) return `${label}: wrong result`;
  const reason = engine.failure ?? "no runs";
  // The full reason is in the table's notes; a goal line only needs to say which.
  return `${label}: ${reason.length > 90 ? reason.slice(0, 89) + "…" : reason}`;
}

function dataGoals(result: WorkloadResult): Goal[] {
  const { workload } = result;
  const goals: Goal[] = [];
  const hydroEngines: [EngineKind, string][] = [
    ["hydro-run", "hydro run"],
    ["hydro-run-compiling", "hydro run, compiling"],
    ["hydro-embedded", "hydro embedded"],
  ];
  const recursive = workload.family === "tc" || workload.family === "sg";
  const baselineKind: EngineKind = recursive ? "typed" : "map-set";
  const baseline = usable(find(result, baselineKind));
  const baselineLabel = recursive ? "hand typed JS" : "hand JS";
  const limit = recursive ? GOALS.recursiveVersusTyped : GOALS.joinVersusHand;

  for (const [kind, label] of hydroEngines) {
    const engine = find(result, kind);
    const hydro = usable(engine);
    const timeGoal = `${workload.id}: ${label} ≤ ${limit.toFixed(2)}× ${baselineLabel}`;
    if (!hydro) goals.push(notMeasured(timeGoal, absence(engine, label)));
    else if (!baseline) goals.push(notMeasured(timeGoal, `${baselineLabel} not available`));
    else {
      const value = median(hydro.seconds);
      const reference = median(baseline.seconds);
      goals.push(ratioGoal(timeGoal, value, reference, limit, (r) => `${formatRatio(r)} (${formatSeconds(value)} s vs ${formatSeconds(reference)} s)`));
    }

    if (recursive) {
      const souffleGoal = `${workload.id}: ${label} faster than Soufflé compiled 1 thread`;
      const souffle = usable(find(result, "souffle"));
      const souffleSeconds = souffle ? median(souffle.seconds) : (workload.reference.souffleIssue ?? null);
      const source = souffle ? "measured" : "reference figure, not measured here";
      if (!hydro) goals.push(notMeasured(souffleGoal, absence(engine, label)));
      else if (souffleSeconds == null) goals.push(notMeasured(souffleGoal, "no Soufflé figure"));
      else {
        const value = median(hydro.seconds)!;
        goals.push({
          goal: souffleGoal,
          measured: `${formatSeconds(value)} s vs ${formatSeconds(souffleSeconds)} s (${source})`,
          status: value < souffleSeconds ? "met" : "not met",
        });
      }
    }

    const memoryGoal = `${workload.id}: ${label} peak memory ≤ ${GOALS.memoryVersusHand}× ${baselineLabel}`;
    const hydroPeak = hydro ? median(hydro.peakKibibytes) : null;
    const baselinePeak = baseline ? median(baseline.peakKibibytes) : null;
    if (!hydro) goals.push(notMeasured(memoryGoal, absence(engine, label)));
    else if (hydroPeak == null || baselinePeak == null) goals.push(notMeasured(memoryGoal, "peak memory not measured"));
    else {
      goals.push(
        ratioGoal(memoryGoal, hydroPeak, baselinePeak, GOALS.memoryVersusHand, (r) => `${formatRatio(r)} (${formatMebibytes(hydroPeak)} MiB vs ${formatMebibytes(baselinePeak)} MiB)`),
      );
    }
  }
  return goals;
}

export function evaluateGoals(input: {
  readonly workloads: readonly WorkloadResult[];
  readonly fullSizesRun: boolean;
  readonly kvs: KvsResult | null;
  readonly growth?: GrowthResult | null;
  readonly compile: CompileResult | null;
}): Goal[] {
  const goals: Goal[] = [];
  const full = input.workloads.filter((result) => result.workload.size === "full");
  for (const result of full) goals.push(...dataGoals(result));
  if (full.length === 0) {
    goals.push(notMeasured("TC/SG ≤ 1.25× hand typed JS, faster than Soufflé; join3 ≤ 1.0× hand JS; peak memory ≤ 1.5×", input.fullSizesRun ? "no full-size workload selected" : "the goals are judged on the full sizes: run without --quick"));
  }

  const kvsGoal = `KVS service ≥ ${formatCount(GOALS.kvsTicksPerSecond)} ticks/s through the embedded API`;
  if (!input.kvs) goals.push(notMeasured(kvsGoal, "not selected"));
  else if (input.kvs.ticksPerSecond == null) goals.push(notMeasured(kvsGoal, input.kvs.reason ?? "no figure"));
  else {
    goals.push({
      goal: kvsGoal,
      measured: `${formatCount(input.kvs.ticksPerSecond)} ticks/s${input.kvs.ticks ? ` over ${formatCount(input.kvs.ticks)} ticks` : ""}`,
      status: input.kvs.ticksPerSecond >= GOALS.kvsTicksPerSecond ? "met" : "not met",
    });
  }

  const growthGoal = `growing service: its last ticks ≥ ${GOALS.growthLastVersusFirst}× as fast as its first (per-tick work independent of unchanged state)`;
  const growth = input.growth ?? null;
  if (!growth) goals.push(notMeasured(growthGoal, "not selected"));
  else if (growth.firstTicksPerSecond == null || growth.lastTicksPerSecond == null) goals.push(notMeasured(growthGoal, growth.reason ?? "no figure"));
  else {
    const ratio = growth.lastTicksPerSecond / growth.firstTicksPerSecond;
    goals.push({
      goal: growthGoal,
      measured: `${formatCount(growth.firstTicksPerSecond)} → ${formatCount(growth.lastTicksPerSecond)} ticks/s (first and last ${formatCount(growth.window ?? 0)} of ${formatCount(growth.ticks ?? 0)} ticks: ${ratio.toFixed(2)}×)`,
      status: ratio >= GOALS.growthLastVersusFirst ? "met" : "not met",
    });
  }

  if (!input.compile) {
    goals.push(notMeasured(`1,000-rule program: hydro check and hydro compile < ${GOALS.compileSeconds} s`, "not selected"));
  } else {
    const { rules } = input.compile;
    for (const [what, seconds, note] of [
      ["check", input.compile.checkSeconds, input.compile.checkNote],
      ["compile", input.compile.compileSeconds, input.compile.compileNote],
    ] as const) {
      const goal = `${formatCount(rules)}-rule program: hydro ${what} < ${GOALS.compileSeconds} s (whole process)`;
      if (seconds == null) goals.push(notMeasured(goal, note ?? "no figure"));
      else goals.push({ goal, measured: `${formatSeconds(seconds)} s${note ? ` (${note})` : ""}`, status: seconds < GOALS.compileSeconds ? "met" : "not met" });
    }
  }
  return goals;
}
