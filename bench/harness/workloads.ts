// The data-set workloads of the benchmark: which program runs on which data, which baselines it
// is compared with, and what the goals and the published reference figures say about it.
// In: nothing (a table of constants). Out: the workload list, filtered by the command line.
// The data come from the shared generator (gen.mjs) and the baselines are the shared hand-written
// programs, so every engine reads the same files and prints the same counts.

import type { WorkloadFamily } from "./options.ts";

export interface ReferenceFigures {
  /** Soufflé compiled, one thread: the figure the issue states as the bar to beat. */
  readonly souffleIssue?: number;
  /** Soufflé compiled, one thread, from the shared bench README's table. */
  readonly souffleReadme?: number;
  /** Hand JS (Map/Set) and hand typed JS from the shared README (for orientation only). */
  readonly handMapSetReadme?: number;
  readonly handTypedReadme?: number;
}

export interface Workload {
  /** `tc chain2000`: family and data set. */
  readonly id: string;
  readonly family: Exclude<WorkloadFamily, "kvs" | "rules1000">;
  readonly dataSet: string;
  /** The headline sizes carry the goals; the small ones exist so slow engines can finish. */
  readonly size: "full" | "small";
  /** bench/programs/<program>.hydro */
  readonly program: string;
  /** The Datalog file of the shared bench, for Soufflé. */
  readonly datalog: string;
  /** The hand-tuned typed baseline (the goal's reference), if there is one for this workload. */
  readonly typedBaseline?: string;
  /** The plain Map/Set hand-written baseline; used only when the file exists. */
  readonly mapSetBaseline: string;
  /** Whether the d2ts implementation runs here (the smallest sizes of the recursive workloads). */
  readonly d2ts: boolean;
  readonly reference: ReferenceFigures;
}

const tc = (dataSet: string, size: "full" | "small", reference: ReferenceFigures = {}): Workload => ({
  id: `tc ${dataSet}`,
  family: "tc",
  dataSet,
  size,
  program: "tc",
  datalog: "tc.dl",
  typedBaseline: "hand_tc_typed.mjs",
  mapSetBaseline: "hand_tc.mjs",
  d2ts: size === "small",
  reference,
});

const sg = (dataSet: string, size: "full" | "small", reference: ReferenceFigures = {}): Workload => ({
  id: `sg ${dataSet}`,
  family: "sg",
  dataSet,
  size,
  program: "sg",
  datalog: "sg.dl",
  typedBaseline: "hand_sg_typed.mjs",
  mapSetBaseline: "hand_sg.mjs",
  // d2ts needs minutes and several GiB on tree2d10: tree2d8 only.
  d2ts: dataSet === "tree2d8",
  reference,
});

const join3 = (dataSet: string, size: "full" | "small", reference: ReferenceFigures = {}): Workload => ({
  id: `join3 ${dataSet}`,
  family: "join3",
  dataSet,
  size,
  program: "join3",
  datalog: "join3.dl",
  mapSetBaseline: "hand_join3.mjs",
  d2ts: false,
  reference,
});

export const WORKLOADS: readonly Workload[] = [
  tc("chain200", "small"),
  tc("rand200x600", "small"),
  sg("tree2d8", "small"),
  sg("tree2d10", "small"),
  join3("rand1000x4000", "small"),
  tc("chain2000", "full", { souffleIssue: 0.88, souffleReadme: 0.74, handMapSetReadme: 0.78, handTypedReadme: 0.46 }),
  tc("rand2000x6000", "full", { souffleIssue: 2.54, souffleReadme: 2.22, handMapSetReadme: 2.98, handTypedReadme: 1.26 }),
  sg("tree2d11", "full", { souffleIssue: 0.85, souffleReadme: 0.85, handMapSetReadme: 2.42, handTypedReadme: 1.41 }),
  join3("rand20000x100000", "full", { souffleReadme: 1.33, handMapSetReadme: 1.23 }),
];

export function selectWorkloads(options: { quick: boolean; only: readonly WorkloadFamily[] }): Workload[] {
  return WORKLOADS.filter((workload) => options.only.includes(workload.family) && (!options.quick || workload.size === "small"));
}

/** The names a result may carry, mapped to the baselines' names: `path_size` → `path`. */
export function baselineName(outputName: string): string {
  return outputName.endsWith("_size") ? outputName.slice(0, -"_size".length) : outputName;
}
