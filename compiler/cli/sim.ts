// `hydro sim topology.json [--seed N] [--schedules N] [--format text|json] [--trace]` — run the
// nodes of a topology in one process on a simulated network, once per seed (seed, seed + 1, …),
// and report whether every schedule ends with the same outputs and state: a dynamic confluence
// check beside the static one of `hydro check`.
// In: the topology file (below) and the options. Out: the report on stdout — per schedule a
// summary line; then "agree: …", or "diverge: …" with the outcome classes, the first differing
// tuple (node, output or state, collection), the tick that emitted it, and the two schedules as
// seen by the node where they part (what it received, in order, up to the first difference); with
// one schedule, each node's final outputs and state. Exit 0 when all schedules agree (or the one
// schedule ran), 1 when two schedules end differently, 2 on errors (bad usage, a bad topology, a
// program that does not compile, a run that never ends). Topology errors are located
// (topology.json:line:col with a code frame, HY5004-HY5006) and all reported at once.
//
// The topology (times in simulated milliseconds; program paths relative to the topology file;
// a node's name is its address: me(), a channel's `@` column):
//   {"nodes": [{"name": "server1", "program": "cart.hydro"}, {"name": "client", "program": "client.hydro"}],
//    "network": {"delay": [1, 10], "reorder": true, "duplicate": 0.1, "loss": 0.05,
//                "partitions": [{"from": 100, "to": 400, "groups": [["server1"], ["server2"]]}]},
//    "crashes": [{"node": "server1", "at": 50, "restart": 300}],
//    "inputs": {"client": [{"at": 0, "arrivals": {"act": [[1, "apples", 2, 1]]}}]},
//    "until": 5000,
//    "compare": ["outputs", "state"]}
// Only "nodes" is required. Network defaults: delay [1, 10] (uniform, whole ms), reorder true
// (false: each sender→receiver link delivers in send order), no duplicates, no loss, no
// partitions. Loss drops each copy of a message for good: a program that must survive it
// retries on its own (std/delivery resends on a `periodic` until acknowledged). A partition
// loses what crosses it, when sent or when arriving; a node named in no group reaches everyone.
// A crashed node loses what reaches it while down and restarts (if "restart" is given) from the
// state of its last committed tick, as a service started with --state would. "compare" names
// what must agree: each node's outputs (the union over all its ticks) and/or its final tables
// and lattices. Without "until" a run ends when nothing is in flight (timer firings alone do not
// keep it going). Every node runs tick 0 at time 0 (scripted inputs at time 0 arrive in it), then
// a tick per batch of arrivals at one instant, or while it has pending work; `periodic`
// collections fire every period from an offset drawn per node, their tuple the firing number
// (1, 2, …). The seed fixes every delay, loss, duplicate and timer offset, and each node's
// now() (the simulated time), random() and uuid(): the same seed replays the same run.

import { Command } from "commander";
import { readFileSync } from "node:fs";
import { diagnostic, hasErrors, type Diagnostic } from "../diagnostics.ts";
import { nodeHost } from "../host.ts";
import { compileToIr } from "../index.ts";
import { formatDiagnostics } from "../report.ts";
import type { SourceFile } from "../source.ts";
import { seededContext } from "../../runtime/builtins.ts";
import type { ProgramClass } from "../../runtime/load.ts";
import type { ProgramSchema } from "../../runtime/schema.ts";
import { explore } from "../../runtime/sim/explore.ts";
import { jsonReport, textReport } from "../../runtime/sim/report.ts";
import { checkScriptedInputs } from "../../runtime/sim/scripted-inputs.ts";
import { parseTopology, type Topology } from "../../runtime/sim/topology.ts";
import { EXIT_ERRORS, EXIT_FINDINGS, EXIT_OK, resolveInput, type CliContext, type CommandFactory } from "./io.ts";
import { programClassOf } from "./load-program.ts";

interface SimOptions {
  readonly seed: string;
  readonly schedules: string;
  readonly format: string;
  readonly trace?: boolean;
}

export const simCommand: CommandFactory = (context: CliContext) =>
  new Command("sim")
    .description("run a topology of nodes on a simulated network over many schedules and report whether they agree")
    .argument("<topology>", "the topology.json: nodes and their programs, network, crashes, scripted inputs")
    .option("--seed <n>", "the first schedule's seed (a non-negative integer)", "1")
    .option("--schedules <n>", "how many schedules to run: seeds seed, seed+1, …", "1")
    .option("--format <format>", "text or json", "text")
    .option("--trace", "also print every schedule in full")
    .action(async (file: string, options: SimOptions) => {
      context.exitCode = await sim(file, options, context);
    });

export async function sim(file: string, options: SimOptions, context: CliContext): Promise<number> {
  const { io } = context;
  const seed = Number(options.seed);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) return usage(io, `--seed takes an integer from 0 to 4294967295, not ${options.seed}`);
  const schedules = Number(options.schedules);
  if (!Number.isSafeInteger(schedules) || schedules < 1) return usage(io, `--schedules takes a positive integer, not ${options.schedules}`);
  if (options.format !== "text" && options.format !== "json") return usage(io, `--format is text or json, not ${options.format}`);

  const path = resolveInput(file, io.cwd);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return usage(io, `cannot read ${file}`);
  }
  const parsed = parseTopology(path, text);
  if (parsed.topology === null) return report(io, parsed.diagnostics, [parsed.source]);
  const topology = parsed.topology;

  const loaded = await loadPrograms(topology);
  if (loaded.diagnostics.length > 0) return report(io, loaded.diagnostics, [parsed.source, ...loaded.sources]);
  const inputErrors = checkScriptedInputs(topology, loaded.schemas);
  if (inputErrors.length > 0) return report(io, inputErrors, [parsed.source]);

  const result = explore(topology, loaded.classes, { seed, schedules, keepSchedules: options.trace === true });
  const reportOptions = { cwd: io.cwd, trace: options.trace === true };
  io.stdout(options.format === "json" ? jsonReport(result, topology, reportOptions) : textReport(result, topology, reportOptions));
  if (result.aborted !== null) {
    if (options.format === "json") io.stderr(`hydro sim: seed ${result.aborted.seed} stopped early: ${result.aborted.aborted}\n`);
    return EXIT_ERRORS;
  }
  return result.divergence === null ? EXIT_OK : EXIT_FINDINGS;
}

interface LoadedPrograms {
  readonly classes: Map<string, ProgramClass>;
  readonly schemas: Map<string, ProgramSchema>;
  readonly diagnostics: Diagnostic[];
  readonly sources: SourceFile[];
}

/** Compiles each distinct program once (in memory, as `hydro run` does) and maps nodes to classes. */
async function loadPrograms(topology: Topology): Promise<LoadedPrograms> {
  const host = nodeHost();
  const byPath = new Map<string, ProgramClass | null>();
  const classes = new Map<string, ProgramClass>();
  const schemas = new Map<string, ProgramSchema>();
  const diagnostics: Diagnostic[] = [];
  const sources: SourceFile[] = [];
  for (const node of topology.nodes) {
    if (!byPath.has(node.program)) {
      if (host.readFile(node.program) === undefined) {
        diagnostics.push(diagnostic("HY5005", node.programSpan, `cannot read the program of node ${JSON.stringify(node.name)}: ${node.program}`));
        byPath.set(node.program, null);
        continue;
      }
      const result = compileToIr(node.program, host);
      sources.push(...result.sources);
      diagnostics.push(...result.diagnostics.filter((d) => d.severity === "error"));
      if (result.ir === null || hasErrors(result.diagnostics)) {
        byPath.set(node.program, null);
        continue;
      }
      byPath.set(node.program, await programClassOf(result.ir));
    }
    const Program = byPath.get(node.program);
    if (Program === null || Program === undefined) continue;
    classes.set(node.name, Program);
    schemas.set(node.name, new Program({ me: node.name, context: seededContext(node.name, 0, () => 0) }).schema);
  }
  return { classes, schemas, diagnostics, sources };
}

function report(io: CliContext["io"], diagnostics: readonly Diagnostic[], sources: readonly SourceFile[]): number {
  io.stderr(formatDiagnostics(diagnostics, sources, { colors: io.colors, cwd: io.cwd }));
  return EXIT_ERRORS;
}

function usage(io: CliContext["io"], message: string): number {
  io.stderr(`hydro sim: ${message}\n`);
  return EXIT_ERRORS;
}
