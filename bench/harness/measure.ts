// One whole-process run, measured. In: a command line, a working directory, a time limit.
// Out: wall seconds, peak resident memory (KiB) and what the process printed.
//
// Peak memory is the child's maximum resident set size as the kernel accounts it at exit
// (getrusage of a waited-for child). Node cannot read a child's rusage, so:
//   1. `/usr/bin/time -f %M -o FILE` when it is installed (exact, for any command; the Debian
//      package is `time`);
//   2. otherwise, for a Node script, `peak-memory.mjs` runs the script inside its own process and
//      writes `process.resourceUsage().maxRSS` on exit (exact too: it is that process's own peak);
//   3. otherwise (a native binary without /usr/bin/time) no figure: the table shows a dash.
// Polling /proc/<pid>/status would miss a peak reached just before exit, so it is not used.
// Wall time is taken around the spawn with a monotonic clock; the wrapper's own start-up (a
// millisecond for `time`, one module load for the Node wrapper) is inside it for every engine.
// Runs are spawned detached, so a run over its limit is stopped with its whole process group.

import { spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface CommandLine {
  /** An executable: process.execPath for Node scripts, else a path or a name on PATH. */
  readonly executable: string;
  readonly args: readonly string[];
  /** True when `executable` is Node and args[0] is the script: the Node fallback applies. */
  readonly node: boolean;
  /** Environment variables of this command only. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Measurement {
  readonly wallSeconds: number;
  readonly peakKibibytes: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

const TIME_BINARY = "/usr/bin/time";
const NODE_WRAPPER = join(dirname(fileURLToPath(import.meta.url)), "peak-memory.mjs");

export type MemoryMethod = "usr-bin-time" | "node-wrapper";

/** HYDRO_BENCH_NO_TIME_BINARY=1 takes the fallback path on purpose, to check it on a machine with `time`. */
export function timeBinaryAvailable(): boolean {
  if (process.env.HYDRO_BENCH_NO_TIME_BINARY) return false;
  try {
    accessSync(TIME_BINARY, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** How peak memory will be measured on this machine, for the report's header. */
export function describeMemoryMethod(): string {
  return timeBinaryAvailable()
    ? "peak memory: max RSS of each whole process from /usr/bin/time -f %M"
    : "peak memory: /usr/bin/time not installed (apt-get install -y time); Node processes report their own max RSS via process.resourceUsage() on exit, native binaries show –";
}

export async function measure(command: CommandLine, options: { cwd: string; timeoutSeconds: number; env?: NodeJS.ProcessEnv }): Promise<Measurement> {
  const scratch = mkdtempSync(join(tmpdir(), "hydro-bench-"));
  const peakFile = join(scratch, "peak");
  let executable = command.executable;
  let args = [...command.args];
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, ...command.env };
  let method: MemoryMethod | null = null;
  if (timeBinaryAvailable()) {
    method = "usr-bin-time";
    args = ["-f", "%M", "-o", peakFile, executable, ...args];
    executable = TIME_BINARY;
  } else if (command.node) {
    method = "node-wrapper";
    args = [NODE_WRAPPER, ...args];
    env.HYDRO_BENCH_PEAK_FILE = peakFile;
  }
  try {
    const started = process.hrtime.bigint();
    const result = await run(executable, args, options.cwd, env, options.timeoutSeconds);
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { ...result, wallSeconds, peakKibibytes: method ? readPeak(peakFile) : null };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The last integer in the file: `time` may write "Command exited with non-zero status" first. */
function readPeak(file: string): number | null {
  try {
    const numbers = readFileSync(file, "utf8").match(/\d+/g);
    return numbers ? Number(numbers[numbers.length - 1]) : null;
  } catch {
    return null;
  }
}

function run(executable: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutSeconds: number) {
  return new Promise<Omit<Measurement, "wallSeconds" | "peakKibibytes">>((resolve) => {
    const child = spawn(executable, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, timeoutSeconds * 1000);
    const finish = (exitCode: number | null, signal: string | null) => {
      clearTimeout(timer);
      resolve({
        exitCode,
        signal,
        timedOut,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    };
    child.on("error", (error) => {
      stderr.push(Buffer.from(String(error)));
      finish(null, null);
    });
    child.on("close", (code, signal) => finish(code, signal));
  });
}

/**
 * One line on why a run failed, for the table's notes: the exit status and the most telling
 * line of its output (an `Error:` line of a stack trace rather than Node's banner above it).
 */
export function failureSummary(measurement: Pick<Measurement, "timedOut" | "signal" | "exitCode" | "stderr" | "stdout">, width = 160): string {
  if (measurement.timedOut) return "timed out";
  const status = measurement.signal ? `signal ${measurement.signal}` : `exit ${measurement.exitCode}`;
  return withDetail(status, measurement.stderr.trim() || measurement.stdout.trim(), width);
}

export function withDetail(status: string, output: string, width = 160): string {
  const lines = output.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  const telling = lines.find((line) => /^(\w*Error\b|error\b|hydro\b.*:)/i.test(line) || /\berror\b/i.test(line)) ?? lines[0];
  if (!telling) return status;
  return `${status}: ${telling.length > width ? telling.slice(0, width - 1) + "…" : telling}`;
}
