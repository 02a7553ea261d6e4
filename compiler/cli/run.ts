// `hydro run prog.hydro` — compile in memory and run: batch (`--facts DIR --out DIR`) or stdio
// (`--stdio [--show all|a,b] [--me ADDR]`), LANGUAGE.md §6.
// In: the program's path and the mode's options. Out: the mode's output; located diagnostics
// on stderr and exit 2 when the program does not compile; exit 2 on bad usage.
// Why compile in memory: the emitted module is the same one `hydro compile` writes (minus
// prettier), imported from a temporary file, so what runs is exactly what ships.

import { Command } from "commander";
import { resolve } from "node:path";
import type { ProgramNode } from "../../runtime/program.ts";
import { runBatch } from "./run-batch.ts";
import { runStdio } from "./run-stdio.ts";
import { addServiceOptions, wantsService, type ServiceCliOptions } from "./run-service-options.ts";
import { EXIT_ERRORS, type CliContext, type CommandFactory } from "./io.ts";
import { compileProgramClass } from "./load-program.ts";

interface RunOptions extends ServiceCliOptions {
  readonly facts?: string;
  readonly out?: string;
  readonly stdio?: boolean;
  readonly show?: string;
  readonly me?: string;
  readonly maxTicks?: string;
}

export const runCommand: CommandFactory = (context: CliContext) =>
  addServiceOptions(new Command("run"))
    .description("compile a program in memory and run it: batch over .facts files, or one tick per stdin line")
    .argument("<file>", "the .hydro program")
    .option("--facts <dir>", "batch: read each input R from <dir>/R.facts (tab-separated)")
    .option("--out <dir>", "batch: write each output R to <dir>/R.csv (tab-separated, sorted)")
    .option("--stdio", "one tick per stdin line (a JSON object of arrivals), one JSON line per tick on stdout")
    .option("--show <collections>", "stdio: also print these collections after each tick: all, or a,b,c")
    .option("--me <address>", "this node's address, me(): default self (batch, stdio) or the listen address (service)")
    .option("--max-ticks <n>", "batch: stop after n ticks even if work is pending")
    .action(async (file: string, options: RunOptions) => {
      context.exitCode = await run(file, options, context);
    });

export async function run(file: string, options: RunOptions, context: CliContext): Promise<number> {
  const { io } = context;
  const batch = options.facts !== undefined || options.out !== undefined;
  // Service mode (--listen and its companions) lives in run-service.ts.
  if (wantsService(options)) {
    if (batch || options.stdio || options.show !== undefined || options.maxTicks !== undefined) {
      return usage(io, "service mode (--listen) does not combine with --facts, --out, --stdio, --show or --max-ticks");
    }
    const { runService } = await import("./run-service.ts");
    return runService(file, options, context);
  }
  if (batch && options.stdio) return usage(io, "choose one mode: --facts/--out (batch) or --stdio");
  if (!batch && !options.stdio) return usage(io, "choose a mode: --facts DIR --out DIR (batch) or --stdio");
  if (options.show !== undefined && !options.stdio) return usage(io, "--show needs --stdio");
  let maxTicks: number | undefined;
  if (options.maxTicks !== undefined) {
    maxTicks = Number(options.maxTicks);
    if (!Number.isInteger(maxTicks) || maxTicks < 1) return usage(io, `--max-ticks takes a positive integer, not ${options.maxTicks}`);
  }

  const node = await compileNode(file, options.me ?? "self", context);
  if (node === null) return EXIT_ERRORS;

  if (batch) {
    return runBatch(
      node,
      {
        factsDirectory: resolve(io.cwd, options.facts ?? "."),
        outDirectory: resolve(io.cwd, options.out ?? "."),
        ...(maxTicks === undefined ? {} : { maxTicks }),
      },
      io,
    );
  }
  const show = showList(options.show, node);
  if (typeof show === "string") return usage(io, show);
  return runStdio(node, { show }, io);
}

/** Compiles and loads the program as a node; prints its diagnostics; null when it does not compile. */
export async function compileNode(file: string, me: string, context: CliContext): Promise<ProgramNode | null> {
  const Program = await compileProgramClass(file, context);
  return Program === null ? null : new Program({ me });
}

function showList(show: string | undefined, node: ProgramNode): string[] | string {
  if (show === undefined) return [];
  const names = node.collectionNames;
  if (show === "all") return names;
  const wanted = show.split(",").map((name) => name.trim()).filter((name) => name !== "");
  const unknown = wanted.filter((name) => !names.includes(name));
  if (unknown.length > 0) return `--show: unknown collection${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}`;
  return wanted;
}

function usage(io: CliContext["io"], message: string): number {
  io.stderr(`hydro run: ${message}\n`);
  return EXIT_ERRORS;
}
