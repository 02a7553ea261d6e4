// `hydro graph FILE [--format mermaid|dot]` — the program's dataflow with strata and
// coordination points marked (graph.ts). In: one .hydro file. Out: the drawing on stdout (exit 0),
// or located diagnostics on stderr and exit 2 when the program does not compile.
// The points come from the same CALM analysis as `hydro check` (its default options), so the
// drawing and the check never disagree; the analysis's findings are not printed here.

import { Command, Option } from "commander";
import { resolve } from "node:path";
import { analyzeProgram } from "../calm/index.ts";
import { drawGraph, type GraphFormat } from "../graph.ts";
import { nodeHost } from "../host.ts";
import { compileToIr } from "../index.ts";
import { formatDiagnostics } from "../report.ts";
import { EXIT_ERRORS, EXIT_OK, type CliContext, type CommandFactory } from "./io.ts";

export const graphCommand: CommandFactory = (context: CliContext) =>
  new Command("graph")
    .description("draw the dataflow of a .hydro program: collections, strata, non-monotone and temporal edges, coordination points and output labels")
    .argument("<file>", "the .hydro program")
    .addOption(new Option("--format <format>", "the drawing language").choices(["mermaid", "dot"]).default("mermaid"))
    .action((file: string, options: { format: GraphFormat }) => {
      context.exitCode = graph(file, options.format, context);
    });

function graph(file: string, format: GraphFormat, context: CliContext): number {
  const { io } = context;
  const host = nodeHost();
  // Paths stay as the user wrote them (so diagnostics say `prog.hydro:3:5`) unless another cwd is given.
  const path = file.startsWith("/") || io.cwd === process.cwd() ? file : resolve(io.cwd, file);
  if (host.readFile(path) === undefined) {
    io.stderr(`hydro graph: cannot read ${file}\n`);
    return EXIT_ERRORS;
  }
  const result = compileToIr(path, host);
  const report = formatDiagnostics(result.diagnostics, result.sources, { colors: io.colors, cwd: io.cwd });
  if (report) io.stderr(report.endsWith("\n") ? report : `${report}\n`);
  if (result.ir === null) return EXIT_ERRORS;
  io.stdout(drawGraph(result.ir, format, analyzeProgram(result.ir)));
  return EXIT_OK;
}
