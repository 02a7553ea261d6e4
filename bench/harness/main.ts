// `npm run bench`: the whole benchmark in one run. In: the command line (options.ts). Out: the
// results table, the goals with met / not met, and bench/out/last-run.json; exit 1 when hydro
// printed a count that differs from the baseline's (a wrong answer is never a speed-up), 2 on a
// usage error, 0 otherwise (a goal not met is a finding, not a harness failure).
// Order: build what is built once (data, compiled modules, Soufflé binaries), then each
// workload with its engines interleaved, then the KVS service and the compile-time goal.
// Progress goes to stderr as it happens; the report goes to stdout at the end.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { measureCompileTime } from "./compile-time.ts";
import { enginesFor } from "./engines.ts";
import { evaluateGoals, type CompileResult, type EngineResult, type GrowthResult, type KvsResult, type WorkloadResult } from "./goals.ts";
import { measureGrowth, measureKeyValueStore } from "./kvs-throughput.ts";
import { describeMemoryMethod } from "./measure.ts";
import { parseOptions, USAGE } from "./options.ts";
import { buildSouffle, compilePrograms, ensureData, souffleOnPath } from "./prepare.ts";
import { formatExpected, formatGoals, formatReferenceLines, formatResultsTable } from "./report.ts";
import { selectWorkloads } from "./workloads.ts";
import { runWorkload } from "./workload-runner.ts";

const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function progress(text: string): void {
  process.stderr.write(`· ${text}\n`);
}

function gitCommit(): string {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPOSITORY_ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: REPOSITORY_ROOT, encoding: "utf8" }).trim();
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return "unknown";
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseOptions(argv);
  if ("error" in parsed) {
    process.stderr.write(`${parsed.error}\n${USAGE}`);
    return 2;
  }
  const { options } = parsed;
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  const sharedBench = resolve(process.env.HYDRO_BENCH_SHARED ?? join(REPOSITORY_ROOT, "..", "shared", "bench"));
  if (!existsSync(join(sharedBench, "gen.mjs"))) {
    process.stdout.write(
      `bench: skipped: the shared benchmark folder (gen.mjs, the .dl files and the hand-written baselines) is not at ${sharedBench}.\n` +
        `It is expected beside the repository as ../shared/bench, or set HYDRO_BENCH_SHARED to its path.\n`,
    );
    return 0;
  }

  const loadAtStart = loadavg()[0]!;
  const workloads = selectWorkloads(options);
  const dataDirectory = join(REPOSITORY_ROOT, "bench", "data");
  const dataProblem = ensureData(sharedBench, dataDirectory, [...new Set(workloads.map((workload) => workload.dataSet))]);
  if (dataProblem) {
    process.stderr.write(`bench: cannot build the data sets: ${dataProblem}\n`);
    return 2;
  }
  mkdirSync(join(REPOSITORY_ROOT, "bench", "out"), { recursive: true });

  const programs = [...new Set(workloads.map((workload) => workload.program))];
  if (options.only.includes("kvs")) programs.push("kvs", "reach");
  progress(`compiling ${programs.join(", ")} with hydro compile for the embedded engine (once, not timed)`);
  const { modules: compiledModules, notes: compileNotes } = compilePrograms(REPOSITORY_ROOT, programs);
  const souffle = buildSouffle(
    REPOSITORY_ROOT,
    sharedBench,
    [...new Map(workloads.map((workload) => [workload.program, { program: workload.program, datalog: workload.datalog }])).values()],
    progress,
  );

  const results: WorkloadResult[] = [];
  const expectations: string[] = [];
  const skippedNotes: string[] = [];
  let wrongHydro = false;
  for (const workload of workloads) {
    const { engines, skipped } = enginesFor(workload, {
      repositoryRoot: REPOSITORY_ROOT,
      sharedBench,
      dataDirectory,
      compiledModules,
      souffleBinaries: souffle.binaries,
    });
    const { results: engineResults, expected } = await runWorkload({
      id: workload.id,
      engines,
      runs: options.runs,
      timeoutSeconds: options.timeoutSeconds,
      cwd: REPOSITORY_ROOT,
      progress,
    });
    const withSkipped: EngineResult[] = [...engineResults];
    for (const { label, reason } of skipped) {
      if (label.startsWith("hydro")) {
        withSkipped.splice(1, 0, { kind: "hydro-embedded", label, display: "", seconds: [], wallSeconds: [], peakKibibytes: [], resultText: "–", correct: null, failure: reason });
      } else skippedNotes.push(`${workload.id}, ${label}: ${reason}`);
    }
    for (const engine of engineResults) {
      if (engine.kind.startsWith("hydro") && engine.correct === false) {
        wrongHydro = true;
        process.stderr.write(`\n*** WRONG RESULT: ${workload.id}, ${engine.label}: ${engine.resultText} ***\n\n`);
      }
    }
    expectations.push(`${workload.id}: ${formatExpected(expected)}`);
    results.push({ workload, engines: withSkipped });
  }

  let kvs: KvsResult | null = null;
  if (options.only.includes("kvs")) {
    kvs = await measureKeyValueStore({
      repositoryRoot: REPOSITORY_ROOT,
      compiled: compiledModules.get("kvs"),
      ticks: options.kvsTicks,
      runs: options.runs,
      timeoutSeconds: options.timeoutSeconds,
      progress,
    });
  }
  let growth: GrowthResult | null = null;
  if (options.only.includes("kvs")) {
    growth = await measureGrowth({
      repositoryRoot: REPOSITORY_ROOT,
      compiled: compiledModules.get("reach"),
      ticks: options.quick ? 5_000 : 20_000,
      runs: options.runs,
      timeoutSeconds: options.timeoutSeconds,
      progress,
    });
  }
  let compile: CompileResult | null = null;
  if (options.only.includes("rules1000")) {
    compile = await measureCompileTime({ repositoryRoot: REPOSITORY_ROOT, runs: options.runs, timeoutSeconds: options.timeoutSeconds, progress });
  }

  const goals = evaluateGoals({ workloads: results, fullSizesRun: !options.quick, kvs, growth, compile });
  const { table, notes } = formatResultsTable(results);
  const cpu = cpus();
  // The benchmark itself keeps about one core busy; more than that is someone else's work.
  const load = Math.max(loadAtStart, loadavg()[0]! - 1);
  const busy = load > cpu.length * 0.5 ? [`WARNING: the machine was busy (load average ${load.toFixed(1)} besides this benchmark, on ${cpu.length} cores): absolute times are inflated, and even the ratios of this run are noisy.`] : [];
  const lines = [
    "",
    `Hydrolog benchmark — ${new Date().toISOString()} — commit ${gitCommit()}`,
    `machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
    `runs: ${options.runs} measured per engine after one warm-up, interleaved; times are medians of whole-process wall time`,
    `  (hydro embedded: in-process time to read the facts, push them, run the ticks and read the outputs)`,
    describeMemoryMethod(),
    ...busy,
    "",
    ...(results.length > 0 ? [table] : []),
  ];
  if (notes.length > 0) lines.push("notes:", ...notes.map((note) => `  ${note}`), "");
  if (skippedNotes.length > 0) lines.push("not run:", ...skippedNotes.map((note) => `  ${note}`), "");
  if (expectations.length > 0) lines.push("expected counts (from the hand-written baseline):", ...expectations.map((line) => `  ${line}`), "");
  const references = formatReferenceLines(results);
  if (references.length > 0) lines.push(...references, "");
  if (souffle.problems.length > 0) lines.push(...souffle.problems, "");
  if (compileNotes.length > 0) lines.push(...compileNotes, "");
  if (kvs) lines.push(`KVS service (bench/programs/kvs.hydro, embedded API, one put per tick): ${kvs.ticksPerSecond == null ? `not measured: ${kvs.reason}` : `${Math.round(kvs.ticksPerSecond)} ticks/s`}`);
  if (growth) {
    const rate = (value: number | null) => (value == null ? "–" : `${Math.round(value)}`);
    lines.push(
      `growing service (bench/programs/reach.hydro, embedded API, one link per tick): ${growth.firstTicksPerSecond == null ? `not measured: ${growth.reason}` : `first ${growth.window} ticks ${rate(growth.firstTicksPerSecond)} ticks/s, last ${growth.window} of ${growth.ticks} ${rate(growth.lastTicksPerSecond)} ticks/s`}`,
    );
  }
  if (compile) {
    const show = (seconds: number | null, note?: string) => (seconds == null ? `not measured (${note})` : `${seconds.toFixed(3)} s${note ? ` (${note})` : ""}`);
    lines.push(`generated ${compile.rules}-rule program (bench/out/rules1000.hydro): hydro check ${show(compile.checkSeconds, compile.checkNote)}, hydro compile ${show(compile.compileSeconds, compile.compileNote)}`);
  }
  lines.push("", "goals:", formatGoals(goals));
  if (wrongHydro) lines.push("FAILED: hydro printed counts that differ from the baseline's (see WRONG above).", "");
  process.stdout.write(lines.join("\n") + "\n");

  writeFileSync(
    join(REPOSITORY_ROOT, "bench", "out", "last-run.json"),
    JSON.stringify({ date: new Date().toISOString(), commit: gitCommit(), options, souffle: souffleOnPath(), results, kvs, growth, compile, goals }, null, 2) + "\n",
  );
  return wrongHydro ? 1 : 0;
}
