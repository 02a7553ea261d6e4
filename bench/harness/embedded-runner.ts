// The embedded-API engine: a compiled program (the TypeScript module `hydro compile` writes)
// driven in process, as a service embedding it would. Run by the harness as
//   node --import tsx bench/harness/embedded-runner.ts batch MODULE.ts FACTS_DIR
//   node --import tsx bench/harness/embedded-runner.ts kvs MODULE.ts TICKS
//   node --import tsx bench/harness/embedded-runner.ts growth MODULE.ts TICKS
// Out: one JSON line on stdout. batch: `{"seconds", "counts", "peakKibibytes"}`, where seconds
// covers reading the facts, pushing them, running ticks until nothing is pending and reading
// the outputs (the module's import and construction are the one-off "compiled once" part and
// are not timed). kvs: `{"ticks", "seconds", "ticksPerSecond", "acks", "peakKibibytes"}` for
// one put per tick; growth: `{"ticks", "window", "firstTicksPerSecond", "lastTicksPerSecond",
// "acks", "peakKibibytes"}` for one link per tick (see growth()). Exit 3 with a message on
// stderr when the module's API cannot be driven.
// The module's API is reached only through embedded-api.ts, so a change of the generated
// class's shape is fixed in one place.

import { readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { adaptModule, type EmbeddedProgram } from "./embedded-api.ts";

/** A fact file's rows: numbers where a field is an integer, strings elsewhere. */
function readFacts(file: string): unknown[][] {
  if (!existsSync(file)) return [];
  const rows: unknown[][] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line === "") continue;
    rows.push(line.split("\t").map((field) => (/^-?\d+$/.test(field) ? Number(field) : field)));
  }
  return rows;
}

/** The benchmark programs' outputs each hold one count: `path_size` → `path`. */
function countsOf(outputs: ReadonlyMap<string, readonly (readonly unknown[])[]>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [name, tuples] of outputs) {
    const key = name.endsWith("_size") ? name.slice(0, -"_size".length) : name;
    for (const tuple of tuples) if (typeof tuple[0] === "number") counts[key] = tuple[0];
  }
  return counts;
}

function batch(program: EmbeddedProgram, directory: string) {
  const started = process.hrtime.bigint();
  for (const input of program.inputs) {
    const rows = readFacts(join(directory, `${input}.facts`));
    if (rows.length > 0) program.push(input, rows);
  }
  const outputs = program.runUntilQuiet();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, counts: countsOf(outputs) };
}

function keyValueStore(program: EmbeddedProgram, ticks: number) {
  let acks = 0;
  const started = process.hrtime.bigint();
  for (let id = 0; id < ticks; id++) {
    program.push("put", [["client", `key${id % 1024}`, `value${id}`, id]]);
    const outputs = program.tick();
    const ok = outputs.get("put_ok");
    if (ok && ok.length === 1 && ok[0]![1] === id) acks++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { ticks, seconds, ticksPerSecond: ticks / seconds, acks };
}

/**
 * One link per tick, node i under node i / 2 (bench/programs/reach.hydro); the rate of the
 * first and of the last window of ticks, to see whether a tick's cost grows with the state.
 */
function growth(program: EmbeddedProgram, ticks: number) {
  const window = Math.min(1000, Math.floor(ticks / 2));
  let acks = 0;
  let windowStart = process.hrtime.bigint();
  let firstTicksPerSecond = 0;
  let lastTicksPerSecond = 0;
  for (let child = 1; child <= ticks; child++) {
    if (child === ticks - window + 1) windowStart = process.hrtime.bigint();
    program.push("link", [[child >> 1, child]]);
    const outputs = program.tick();
    const linked = outputs.get("linked");
    if (linked && linked.length === 1 && linked[0]![0] === child) acks++;
    if (child === window || child === ticks) {
      const rate = window / (Number(process.hrtime.bigint() - windowStart) / 1e9);
      if (child === window) firstTicksPerSecond = rate;
      else lastTicksPerSecond = rate;
    }
  }
  return { ticks, window, firstTicksPerSecond, lastTicksPerSecond, acks };
}

async function main(): Promise<number> {
  const [mode, modulePath, argument] = process.argv.slice(2);
  if ((mode !== "batch" && mode !== "kvs" && mode !== "growth") || !modulePath || !argument) {
    process.stderr.write("usage: embedded-runner.ts batch MODULE.ts FACTS_DIR | kvs MODULE.ts TICKS | growth MODULE.ts TICKS\n");
    return 2;
  }
  const module = (await import(pathToFileURL(resolve(modulePath)).href)) as Record<string, unknown>;
  const adapted = adaptModule(module);
  if ("unsupported" in adapted) {
    process.stderr.write(`embedded API not usable: ${adapted.unsupported}\n`);
    return 3;
  }
  const result =
    mode === "batch" ? batch(adapted.program, argument) : mode === "kvs" ? keyValueStore(adapted.program, Number(argument)) : growth(adapted.program, Number(argument));
  process.stdout.write(JSON.stringify({ ...result, peakKibibytes: process.resourceUsage().maxRSS }) + "\n");
  return 0;
}

process.exitCode = await main();
