// `hydro compile prog.hydro [-o prog.ts] [--emit ts|ir] [--check]` — the program's TypeScript
// module (or its IR in the stable text form). In: one .hydro file. Out: the module on stdout or
// in the -o file; located diagnostics on stderr and exit 2 on errors. `--check` compares the
// -o file with what would be written and exits 1 when it is stale (for CI).

import { Command, Option } from "commander";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { emitTypeScript } from "../emit/index.ts";
import { nodeHost } from "../host.ts";
import { compileToIr } from "../index.ts";
import { printIr } from "../ir-print.ts";
import { formatDiagnostics } from "../report.ts";
import { EXIT_ERRORS, EXIT_FINDINGS, EXIT_OK, resolveInput, type CliContext } from "./io.ts";

interface CompileOptions {
  readonly output?: string;
  readonly emit: "ts" | "ir";
  readonly check?: boolean;
}

export function compileCommand(context: CliContext): Command {
  return new Command("compile")
    .description("compile a .hydro program to a TypeScript module (or print its IR)")
    .argument("<file>", "the .hydro program")
    .option("-o, --output <file>", "write the module to this file instead of stdout")
    .addOption(new Option("--emit <what>", "what to produce").choices(["ts", "ir"]).default("ts"))
    .option("--check", "exit 1 if the -o file is not what compile would write")
    .action(async (file: string, options: CompileOptions) => {
      context.exitCode = await compile(file, options, context);
    });
}

async function compile(file: string, options: CompileOptions, context: CliContext): Promise<number> {
  const { io } = context;
  const host = nodeHost();
  const path = resolveInput(file, io.cwd);
  if (host.readFile(path) === undefined) {
    io.stderr(`hydro compile: cannot read ${file}\n`);
    return EXIT_ERRORS;
  }
  const result = compileToIr(path, host);
  const report = formatDiagnostics(result.diagnostics, result.sources, { colors: io.colors, cwd: io.cwd });
  if (report) io.stderr(report);
  if (!result.ir) return EXIT_ERRORS;

  const text = options.emit === "ir" ? printIr(result.ir) : await emitTypeScript(result.ir, { sourcePath: path });
  if (!options.output) {
    io.stdout(text);
    return EXIT_OK;
  }
  const target = resolve(io.cwd, options.output);
  if (options.check) {
    const current = existsSync(target) ? readFileSync(target, "utf8") : undefined;
    if (current === text) return EXIT_OK;
    io.stderr(`${options.output} is not up to date with ${file}: run hydro compile ${file} -o ${options.output}\n`);
    return EXIT_FINDINGS;
  }
  writeFileSync(target, text);
  return EXIT_OK;
}
