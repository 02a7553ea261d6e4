// Helpers for the simulator's tests: running `hydro sim` in process, as bin/hydro would, with
// its output captured (through commander and the command's factory, so option parsing, defaults
// and exit codes are the real ones); topologies from JSON values; program classes from text.

import { Command, CommanderError } from "commander";
import { Readable } from "node:stream";
import type { CliContext, CliIo } from "../compiler/cli/io.ts";
import { simCommand } from "../compiler/cli/sim.ts";
import type { ProgramClass } from "../runtime/load.ts";
import { parseTopology, type Topology } from "../runtime/sim/topology.ts";
import { compileProgram } from "./semantics-harness.ts";

export interface SimRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export async function runSim(args: readonly string[], cwd: string): Promise<SimRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdin: Readable.from([]),
    cwd,
    env: {},
    colors: false,
  };
  const context: CliContext = { io, exitCode: 0 };
  const program = new Command("hydro").exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const command = simCommand(context).exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program.addCommand(command);
  try {
    await program.parseAsync(["sim", ...args], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { stdout, stderr, exitCode: error.code === "commander.helpDisplayed" ? 0 : 2 };
  }
  return { stdout, stderr, exitCode: context.exitCode };
}

/** A topology from a JSON value (its program paths are only names here), or a thrown error listing its diagnostics. */
export function topologyOf(json: unknown, path = "/virtual/topology.json"): Topology {
  const parsed = parseTopology(path, JSON.stringify(json, null, 2));
  if (parsed.topology === null) {
    throw new Error(parsed.diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`).join("\n"));
  }
  return parsed.topology;
}

/** The diagnostics of a topology text, as `code line:col message` lines. */
export function topologyErrors(text: string, path = "/virtual/topology.json"): string[] {
  return parseTopology(path, text).diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`);
}

/** Compiles each distinct program text once and maps node names to classes. */
export async function programsFor(nodes: Record<string, string>): Promise<Map<string, ProgramClass>> {
  const compiled = new Map<string, ProgramClass>();
  const classes = new Map<string, ProgramClass>();
  for (const [node, text] of Object.entries(nodes)) {
    let Program = compiled.get(text);
    if (Program === undefined) {
      Program = await compileProgram(text);
      compiled.set(text, Program);
    }
    classes.set(node, Program);
  }
  return classes;
}
