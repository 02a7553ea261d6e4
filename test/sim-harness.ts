// Running `hydro sim` in process, as bin/hydro would, with its output captured.
// In: the command's arguments (after `sim`) and a working directory. Out: stdout, stderr and
// the exit code. Goes through commander and the command's factory, so option parsing, defaults
// and exit codes are the real ones.

import { Command, CommanderError } from "commander";
import { Readable } from "node:stream";
import type { CliContext, CliIo } from "../compiler/cli/io.ts";
import { simCommand } from "../compiler/cli/sim.ts";

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
