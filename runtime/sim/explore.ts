// Many schedules of one topology: a dynamic confluence check.
// In: a validated Topology, the nodes' program classes, the first seed and how many schedules to
// run (seeds seed, seed + 1, …). Out: the outcome classes (which seeds ended alike), every run's
// statistics, and for the first schedule that ends differently from the first one, the two runs,
// the first differing tuple and the first place where the two schedules part.
// Why compare against the first run only: agreement is an equivalence, so one representative
// per class suffices; the first divergence found is the one reported, with the smallest seeds,
// so the report is the same on every machine.

import type { ProgramClass } from "../load.ts";
import { firstDifference, firstScheduleDifference, fingerprint, type OutcomeDifference, type OutputOrigin, type ScheduleDifference } from "./compare.ts";
import { simulate, type RunOptions, type RunResult, type RunStatistics } from "./simulation.ts";
import type { Topology } from "./topology.ts";

export interface ExploreOptions extends RunOptions {
  readonly seed: number;
  readonly schedules: number;
  /** Keep every run's schedule (for tracing); otherwise only the runs a report shows. */
  readonly keepSchedules?: boolean;
}

export interface RunSummary {
  readonly seed: number;
  readonly statistics: RunStatistics;
  /** Index into `outcomes`. */
  readonly outcome: number;
  readonly failures: number;
  readonly aborted?: string;
  /** Present with keepSchedules. */
  readonly run?: RunResult;
}

export interface Divergence {
  readonly first: RunResult;
  readonly second: RunResult;
  readonly difference: OutcomeDifference;
  /** Where the first differing output tuple was emitted (null for a state difference). */
  readonly origin: OutputOrigin | null;
  /** Null when every node saw the same sequence (the difference then comes from timers or ties). */
  readonly schedule: ScheduleDifference | null;
}

export interface ExploreResult {
  readonly runs: readonly RunSummary[];
  /** The seeds of each distinct outcome, in order of first appearance. */
  readonly outcomes: readonly { readonly seeds: readonly number[] }[];
  /** The first run (its outcome is the reference). */
  readonly reference: RunResult;
  readonly divergence: Divergence | null;
  /** The first run that stopped early, if any: its outcome is not comparable. */
  readonly aborted: RunSummary | null;
}

export function explore(topology: Topology, programs: ReadonlyMap<string, ProgramClass>, options: ExploreOptions): ExploreResult {
  const runs: RunSummary[] = [];
  const classes = new Map<string, number>();
  const outcomes: { seeds: number[] }[] = [];
  let reference: RunResult | null = null;
  let divergence: Divergence | null = null;
  let aborted: RunSummary | null = null;
  const nodeNames = topology.nodes.map((node) => node.name);

  for (let index = 0; index < Math.max(1, options.schedules); index++) {
    const seed = (options.seed + index) >>> 0;
    const run = simulate(topology, programs, seed, options);
    const print = fingerprint(run, topology.compare);
    let outcome = classes.get(print);
    if (outcome === undefined) {
      outcome = outcomes.length;
      classes.set(print, outcome);
      outcomes.push({ seeds: [] });
    }
    outcomes[outcome]!.seeds.push(seed);
    const failures = [...run.nodes.values()].reduce((total, node) => total + node.failures.length, 0);
    const summary: RunSummary = {
      seed,
      statistics: run.statistics,
      outcome,
      failures,
      ...(run.aborted === undefined ? {} : { aborted: run.aborted }),
      ...(options.keepSchedules ? { run } : {}),
    };
    runs.push(summary);
    if (run.aborted !== undefined) {
      // A run that stopped early has no comparable outcome; the others would likely stop too.
      aborted = summary;
      if (reference === null) reference = run;
      break;
    }
    if (reference === null) reference = run;
    else if (divergence === null && outcome !== 0) {
      const difference = firstDifference(reference, run, topology.compare);
      if (difference !== null) {
        const origin = outputOrigin(reference, run, difference);
        const schedule = firstScheduleDifference(reference.schedule, run.schedule, nodeNames, origin);
        divergence = { first: reference, second: run, difference, origin: origin ?? null, schedule };
      }
    }
  }
  return { runs, outcomes, reference: reference!, divergence, aborted };
}

/** Where the first tuple that only one run output was emitted, to trace the race back from it. */
function outputOrigin(first: RunResult, second: RunResult, difference: OutcomeDifference): OutputOrigin | undefined {
  if (difference.aspect !== "outputs") return undefined;
  for (const [run, result, tuples] of [["first", first, difference.onlyInFirst], ["second", second, difference.onlyInSecond]] as const) {
    const tuple = tuples[0];
    if (tuple === undefined) continue;
    const emitted = result.nodes.get(difference.node)?.outputTick(difference.collection, tuple) ?? null;
    if (emitted !== null) return { run, node: difference.node, tick: emitted.tick, time: emitted.time, tuple };
  }
  return undefined;
}
