// The engines one workload is run on, each a whole-process command plus a way to read its
// counts. In: a workload, the repository and shared-bench paths, what is installed. Out: the
// engine list, in the order the harness interleaves them (A B C A B C …).
// Every engine is a separate process so that each one's peak memory is its own and one engine's
// garbage never slows another. The embedded-API engine is a process too, but the time it
// reports is the in-process time of pushing the facts and running the ticks (see
// embedded-runner.ts); its whole-process wall time is kept beside it.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandLine, Measurement } from "./measure.ts";
import { parseCountLines, parseJsonReport, parseSouffleOutput, readOutputCounts, type Counts } from "./results.ts";
import type { Workload } from "./workloads.ts";

export type EngineKind = "hydro-run" | "hydro-run-compiling" | "hydro-embedded" | "typed" | "map-set" | "souffle" | "d2ts";

export interface Collected {
  readonly counts: Counts;
  /** The embedded runner's own timing of the work, without process start-up. */
  readonly seconds?: number;
  /** A process's own max RSS, used when /usr/bin/time is not there to measure it. */
  readonly peakKibibytes?: number;
  readonly errors: readonly string[];
}

export interface EngineRun {
  readonly command: CommandLine;
  /** Reads the counts (and, for the embedded engine, its own timing) after the run. */
  readonly collect: (measurement: Measurement) => Collected;
  /** Removes what the run left behind (its output directory). */
  readonly cleanup: () => void;
}

export interface Engine {
  readonly kind: EngineKind;
  /** What the table shows: `hydro run (cold process)`, `hand typed JS`, … */
  readonly label: string;
  /** The command line a reader can paste to reproduce one run. */
  readonly display: string;
  readonly start: () => EngineRun;
}

export interface EngineContext {
  readonly repositoryRoot: string;
  readonly sharedBench: string;
  readonly dataDirectory: string;
  /** bench/out/compiled/<program>.ts when `hydro compile` produced it, else the reason it did not. */
  readonly compiledModules: ReadonlyMap<string, string | { unavailable: string }>;
  /** bench/out/souffle/<program> binaries when Soufflé is on the PATH. */
  readonly souffleBinaries: ReadonlyMap<string, string>;
}

const node = (script: string, ...args: string[]): CommandLine => ({ executable: process.execPath, args: [script, ...args], node: true });

function fromStdout(measurement: Measurement): Collected {
  return { counts: parseCountLines(measurement.stdout), errors: [] };
}

export function enginesFor(workload: Workload, context: EngineContext): { engines: Engine[]; skipped: { label: string; reason: string }[] } {
  const data = join(context.dataDirectory, workload.dataSet);
  const relativeData = `bench/data/${workload.dataSet}`;
  const engines: Engine[] = [];
  const skipped: { label: string; reason: string }[] = [];

  // `hydro run` twice: as a user runs it (the program compiled once, by the warm-up run, then
  // loaded from the compile cache) and compiling the program on every run.
  const program = join("bench", "programs", `${workload.program}.hydro`);
  const cacheDirectory = join(context.repositoryRoot, "bench", "out", "compile-cache");
  const hydroRuns: [EngineKind, string, Record<string, string>, string][] = [
    ["hydro-run", "hydro run (cold process)", { HYDRO_CACHE_DIR: cacheDirectory, HYDRO_NO_CACHE: "" }, ""],
    ["hydro-run-compiling", "hydro run, compiling", { HYDRO_NO_CACHE: "1" }, "HYDRO_NO_CACHE=1 "],
  ];
  for (const [kind, label, env, prefix] of hydroRuns) {
    engines.push({
      kind,
      label,
      display: `${prefix}./bin/hydro run ${program} --facts ${relativeData} --out TMP`,
      start: () => {
        const out = mkdtempSync(join(tmpdir(), "hydro-bench-out-"));
        return {
          command: { ...node(join(context.repositoryRoot, "bin", "hydro"), "run", program, "--facts", data, "--out", out), env },
          collect: () => readOutputCounts(out),
          cleanup: () => rmSync(out, { recursive: true, force: true }),
        };
      },
    });
  }

  const compiled = context.compiledModules.get(workload.program);
  if (typeof compiled === "string") {
    const runner = join(context.repositoryRoot, "bench", "harness", "embedded-runner.ts");
    engines.push({
      kind: "hydro-embedded",
      label: "hydro embedded (in-process)",
      display: `node --import tsx bench/harness/embedded-runner.ts batch bench/out/compiled/${workload.program}.ts ${relativeData}`,
      start: () => ({
        command: { executable: process.execPath, args: ["--import", "tsx", runner, "batch", compiled, data], node: false },
        collect: (measurement) => parseEmbedded(measurement.stdout),
        cleanup: () => {},
      }),
    });
  } else {
    skipped.push({ label: "hydro embedded (in-process)", reason: compiled?.unavailable ?? "not compiled" });
  }

  if (workload.typedBaseline) {
    const script = join(context.sharedBench, workload.typedBaseline);
    if (existsSync(script)) {
      engines.push({
        kind: "typed",
        label: "hand typed JS",
        display: `node ../shared/bench/${workload.typedBaseline} ${relativeData}`,
        start: () => ({ command: node(script, data), collect: fromStdout, cleanup: () => {} }),
      });
    } else skipped.push({ label: "hand typed JS", reason: `${workload.typedBaseline} not found in the shared bench` });
  }

  const mapSet = join(context.sharedBench, workload.mapSetBaseline);
  if (existsSync(mapSet)) {
    engines.push({
      kind: "map-set",
      label: "hand JS (Map/Set)",
      display: `node ../shared/bench/${workload.mapSetBaseline} ${relativeData}`,
      start: () => ({ command: node(mapSet, data), collect: fromStdout, cleanup: () => {} }),
    });
  }

  const souffle = context.souffleBinaries.get(workload.program);
  if (souffle) {
    engines.push({
      kind: "souffle",
      label: "Soufflé compiled (1 thread)",
      display: `bench/out/souffle/${workload.program} -F ${relativeData} -D -`,
      start: () => ({
        command: { executable: souffle, args: ["-F", data, "-D", "-"], node: false },
        collect: (measurement) => ({ counts: parseSouffleOutput(measurement.stdout), errors: [] }),
        cleanup: () => {},
      }),
    });
  }

  if (workload.d2ts) {
    const script = join(context.repositoryRoot, "bench", "engines", "d2ts.mjs");
    const version = installedVersion(context.repositoryRoot, "@electric-sql/d2ts");
    if (!version) skipped.push({ label: "d2ts", reason: "@electric-sql/d2ts is not installed (npm ci installs the dev dependencies)" });
    else engines.push({
      kind: "d2ts",
      label: `d2ts ${version}`,
      display: `node bench/engines/d2ts.mjs ${workload.family} ${relativeData}`,
      start: () => ({ command: node(script, workload.family, data), collect: fromStdout, cleanup: () => {} }),
    });
  }
  return { engines, skipped };
}

function installedVersion(repositoryRoot: string, name: string): string | null {
  try {
    const manifest = JSON.parse(readFileSync(join(repositoryRoot, "node_modules", name, "package.json"), "utf8")) as { version?: unknown };
    return typeof manifest.version === "string" ? manifest.version : null;
  } catch {
    return null;
  }
}

/** The embedded runner's last stdout line: `{"seconds": s, "counts": {...}, "peakKibibytes": n}`. */
export function parseEmbedded(stdout: string): Collected {
  const parsed = parseJsonReport(stdout);
  if (!parsed || typeof parsed.seconds !== "number" || typeof parsed.counts !== "object" || parsed.counts === null) {
    return { counts: {}, errors: [`embedded runner printed ${JSON.stringify(stdout.trim().slice(-200))}`] };
  }
  const peak = typeof parsed.peakKibibytes === "number" ? { peakKibibytes: parsed.peakKibibytes } : {};
  return { counts: parsed.counts as Counts, seconds: parsed.seconds, ...peak, errors: [] };
}
