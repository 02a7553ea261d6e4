// `hydro` — the command line. In: argv (without node and the script) and the process's io.
// Out: the exit code (0 success, 1 findings or failed --check, 2 errors or bad usage).
// Each subcommand lives in its own file as a factory over the shared CliContext; this file only
// assembles them and turns commander's usage errors into exit code 2 instead of process.exit.

import { Command, CommanderError } from "commander";
import { EXIT_ERRORS, EXIT_OK, type CliContext, type CliIo, type CommandFactory } from "./io.ts";

/**
 * The subcommands, in the order help lists them, each loaded only when asked for: `hydro run`
 * never loads the checker's reporters, `hydro check` never the runtime's services. Help and
 * anything unrecognised load them all, so commander lists them and suggests the nearest name.
 */
const COMMANDS: Readonly<Record<string, () => Promise<CommandFactory>>> = {
  compile: async () => (await import("./compile.ts")).compileCommand,
  check: async () => (await import("./check.ts")).checkCommand,
  run: async () => (await import("./run.ts")).runCommand,
  sim: async () => (await import("./sim.ts")).simCommand,
  fmt: async () => (await import("./fmt.ts")).fmtCommand,
  graph: async () => (await import("./graph.ts")).graphCommand,
};

const VERSION = "0.1.0";

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const context: CliContext = { io, exitCode: EXIT_OK };
  const program = new Command("hydro")
    .description("Hydrolog: a declarative language for distributed services, with CALM analysis")
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)");
  const asked = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? [argv[0]] : Object.keys(COMMANDS);
  for (const name of asked) program.addCommand((await COMMANDS[name]!())(context));
  configure(program, io);
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      const quiet = ["commander.helpDisplayed", "commander.version", "commander.help"];
      return quiet.includes(error.code) ? EXIT_OK : EXIT_ERRORS;
    }
    throw error;
  }
  return context.exitCode;
}

/** Commander writes through our io and throws instead of exiting, on every subcommand. */
function configure(command: Command, io: CliIo): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => io.stdout(text),
    writeErr: (text) => io.stderr(text),
  });
  for (const sub of command.commands) configure(sub, io);
}

/** The real process: used by bin/hydro. */
export async function main(): Promise<void> {
  const io: CliIo = {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stdin: process.stdin,
    cwd: process.cwd(),
    env: process.env,
    colors: Boolean(process.stdout.isTTY) && !("NO_COLOR" in process.env),
  };
  try {
    process.exitCode = await runCli(process.argv.slice(2), io);
  } catch (error) {
    // An internal error is a bug in hydro, never a user error: say so plainly.
    io.stderr(`hydro: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  }
}
