// What is built once before anything is timed: the data sets, the compiled modules of the
// embedded engine, and the Soufflé binaries. In: the repository and shared-bench paths and the
// selected workloads. Out: paths to use, or for each piece the reason it is not available.
// Nothing here is timed: a generator, `hydro compile` or Soufflé's C++ build (about 20 s per
// program) is a one-off cost that no engine's figure should include.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { withDetail } from "./measure.ts";


/** Writes every data set with the shared generator unless all the needed ones are there. */
export function ensureData(sharedBench: string, dataDirectory: string, dataSets: readonly string[]): string | null {
  const missing = dataSets.filter((name) => !existsSync(join(dataDirectory, name)));
  if (missing.length === 0) return null;
  mkdirSync(dataDirectory, { recursive: true });
  const result = spawnSync(process.execPath, [join(sharedBench, "gen.mjs"), "all", dataDirectory], { encoding: "utf8" });
  if (result.status !== 0) return withDetail(`gen.mjs exit ${result.status}`, result.stderr);
  const still = dataSets.filter((name) => !existsSync(join(dataDirectory, name)));
  return still.length > 0 ? `gen.mjs did not write ${still.join(", ")}` : null;
}

const RUNTIME_SPECIFIER = "hydrolog/runtime";

/** Whether the package's own `hydrolog/runtime` specifier resolves (it needs package.json "exports"). */
function runtimeSpecifierResolves(repositoryRoot: string): boolean {
  const probe = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `await import(${JSON.stringify(RUNTIME_SPECIFIER)})`], {
    cwd: repositoryRoot,
    encoding: "utf8",
    timeout: 60_000,
  });
  return probe.status === 0;
}

/**
 * `hydro compile bench/programs/<p>.hydro -o bench/out/compiled/<p>.ts`, once per program.
 * The generated module imports the runtime as `hydrolog/runtime`; while the package does not
 * export that path, the import is pointed at runtime/index.ts by a relative path (the code is
 * unchanged; only where the runtime is found), and a note says so.
 */
export function compilePrograms(repositoryRoot: string, programs: readonly string[]): { modules: Map<string, string | { unavailable: string }>; notes: string[] } {
  const out = join(repositoryRoot, "bench", "out", "compiled");
  mkdirSync(out, { recursive: true });
  const modules = new Map<string, string | { unavailable: string }>();
  const notes: string[] = [];
  let resolves: boolean | undefined;
  for (const program of programs) {
    const target = join(out, `${program}.ts`);
    rmSync(target, { force: true });
    const result = spawnSync(process.execPath, [join(repositoryRoot, "bin", "hydro"), "compile", join("bench", "programs", `${program}.hydro`), "-o", target], {
      cwd: repositoryRoot,
      encoding: "utf8",
      timeout: 120_000,
    });
    if (result.status !== 0 || !existsSync(target)) {
      modules.set(program, { unavailable: withDetail(`hydro compile exit ${result.status ?? result.signal}`, result.stderr || result.stdout) });
      continue;
    }
    const text = readFileSync(target, "utf8");
    const quoted = JSON.stringify(RUNTIME_SPECIFIER);
    if (text.includes(`from ${quoted}`)) {
      resolves ??= runtimeSpecifierResolves(repositoryRoot);
      if (!resolves) {
        const local = relative(out, join(repositoryRoot, "runtime", "index.ts"));
        writeFileSync(target, text.split(`from ${quoted}`).join(`from ${JSON.stringify(local)}`));
        if (notes.length === 0) notes.push(`${RUNTIME_SPECIFIER} does not resolve (package.json has no "exports" for it): the compiled modules import ${local} instead`);
      }
    }
    modules.set(program, target);
  }
  return { modules, notes };
}

export function souffleOnPath(): string | null {
  const result = spawnSync("sh", ["-c", "command -v souffle"], { encoding: "utf8" });
  return result.status === 0 && result.stdout.trim() ? result.stdout.trim() : null;
}

/** `souffle -o bench/out/souffle/<p> <shared>/<p>.dl`, reused while newer than the .dl file. */
export function buildSouffle(repositoryRoot: string, sharedBench: string, programs: readonly { program: string; datalog: string }[], progress: (text: string) => void) {
  const binaries = new Map<string, string>();
  const problems: string[] = [];
  if (!souffleOnPath()) return { binaries, problems };
  const out = join(repositoryRoot, "bench", "out", "souffle");
  mkdirSync(out, { recursive: true });
  for (const { program, datalog } of programs) {
    const source = join(sharedBench, datalog);
    const binary = join(out, program);
    if (existsSync(binary) && statSync(binary).mtimeMs > statSync(source).mtimeMs) {
      binaries.set(program, binary);
      continue;
    }
    progress(`compiling ${datalog} with souffle -o (a one-off C++ build, not timed)`);
    const result = spawnSync("souffle", ["-o", binary, source], { cwd: out, encoding: "utf8", timeout: 600_000 });
    if (result.status === 0 && existsSync(binary)) binaries.set(program, binary);
    else problems.push(withDetail(`souffle -o ${program} exit ${result.status ?? result.signal}`, result.stderr));
  }
  return { binaries, problems };
}
