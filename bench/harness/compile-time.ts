// The compile-time goal: a generated 1,000-rule program must pass `hydro check` and
// `hydro compile` in under 2 s each. In: the repository root, runs, time limit. Out: the median
// whole-process wall time of each command (what a user waits for in CI), or why there is none.
// The two commands are interleaved after one warm-up each, like the data-set engines.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateProgram } from "./generated-program.ts";
import { GOALS, type CompileResult } from "./goals.ts";
import { failureSummary, measure } from "./measure.ts";
import { parseJsonReport } from "./results.ts";
import { median } from "./stats.ts";

export const GENERATED_RULES = 1000;
/** A warm-up slower than this many times the goal is reported as the only run. */
const SLOW_FACTOR = 10;

export async function measureCompileTime(input: {
  readonly repositoryRoot: string;
  readonly runs: number;
  readonly timeoutSeconds: number;
  readonly progress: (text: string) => void;
}): Promise<CompileResult> {
  const out = join(input.repositoryRoot, "bench", "out");
  mkdirSync(out, { recursive: true });
  const program = generateProgram(GENERATED_RULES);
  const source = join("bench", "out", `rules${GENERATED_RULES}.hydro`);
  writeFileSync(join(input.repositoryRoot, source), program.text);
  const hydro = join(input.repositoryRoot, "bin", "hydro");
  const commands = {
    check: [hydro, "check", "--format", "json", source],
    compile: [hydro, "compile", source, "-o", join("bench", "out", `rules${GENERATED_RULES}.ts`)],
  } as const;
  const seconds: Record<"check" | "compile", number[]> = { check: [], compile: [] };
  const notes: Partial<Record<"check" | "compile", string>> = {};
  const finished = new Set<"check" | "compile">();

  for (let round = 0; round <= input.runs; round++) {
    for (const what of ["check", "compile"] as const) {
      if (finished.has(what)) continue;
      input.progress(`rules${GENERATED_RULES}: ${round === 0 ? "warm-up" : `run ${round}/${input.runs}`} hydro ${what}`);
      const measurement = await measure({ executable: process.execPath, args: commands[what], node: true }, { cwd: input.repositoryRoot, timeoutSeconds: input.timeoutSeconds });
      // `check` exits 1 when it has findings: the program is still analysed, so it is timed,
      // but the findings are noted since this program is meant to have none. Node also exits 1
      // on an uncaught exception, so a check only counts when it printed its JSON report.
      const report = what === "check" ? parseJsonReport(measurement.stdout) : null;
      const analysed = what === "check" ? (measurement.exitCode === 0 || measurement.exitCode === 1) && report !== null : measurement.exitCode === 0;
      if (!analysed || measurement.timedOut) {
        notes[what] = failureSummary(measurement);
        seconds[what] = [];
        finished.add(what);
        continue;
      }
      if (what === "check" && measurement.exitCode === 1) notes.check = `exit 1: findings on a program meant to have none (${JSON.stringify(report?.summary ?? {})})`;
      if (round > 0) seconds[what].push(measurement.wallSeconds);
      else if (measurement.wallSeconds > SLOW_FACTOR * GOALS.compileSeconds) {
        // Clearly over the goal: repeating a minutes-long run would add nothing but minutes.
        seconds[what].push(measurement.wallSeconds);
        notes[what] = [notes[what], `one run only: over ${SLOW_FACTOR}× the goal`].filter(Boolean).join("; ");
        finished.add(what);
      }
    }
  }
  return {
    rules: program.rules,
    checkSeconds: median(seconds.check),
    compileSeconds: median(seconds.compile),
    ...(notes.check ? { checkNote: notes.check } : {}),
    ...(notes.compile ? { compileNote: notes.compile } : {}),
  };
}
