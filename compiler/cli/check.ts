// `hydro check FILE|DIR…` — the CALM analysis for people and for CI (LANGUAGE.md §7).
// In: files or directories (all .hydro files under them), a format, optionally a baseline.
// Out: the report on stdout (text with code frames, json, sarif or github), usage problems on
// stderr, and the exit code: 0 no unacknowledged finding, 1 at least one (not in the baseline),
// 2 compile errors or bad usage. `--write-baseline FILE` records the current findings and exits 0
// unless something failed to compile.

import { Command, Option } from "commander";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { catalog, type DiagnosticCode } from "../diagnostics.ts";
import { nodeHost } from "../host.ts";
import { baselineOf, formatBaseline, parseBaseline } from "./check-baseline.ts";
import { formatGithub } from "./check-github.ts";
import { formatJson } from "./check-json.ts";
import { checkFiles, exitCodeOf } from "./check-run.ts";
import { formatSarif } from "./check-sarif.ts";
import { formatText } from "./check-text.ts";
import { EXIT_ERRORS, EXIT_OK, type CliContext, type CommandFactory } from "./io.ts";

interface CheckOptions {
  readonly format: "text" | "json" | "sarif" | "github";
  readonly baseline?: string;
  readonly writeBaseline?: string;
}

function codeList(): string {
  const codes = (Object.keys(catalog) as DiagnosticCode[]).filter((c) => c.startsWith("CALM"));
  return codes.map((c) => `  ${c}  ${catalog[c].severity.padEnd(7)}  ${catalog[c].title}`).join("\n");
}

export const checkCommand: CommandFactory = (context) =>
  new Command("check")
    .description("check which rules need coordination (CALM analysis) and print the findings")
    .argument("<paths...>", ".hydro files, or directories to search for them")
    .addOption(new Option("--format <format>", "report format").choices(["text", "json", "sarif", "github"]).default("text"))
    .option("--baseline <file>", "fail only on findings that are not in this baseline")
    .option("--write-baseline <file>", "write the current findings to this baseline file")
    .addHelpText(
      "after",
      `\nExit codes: 0 no unacknowledged finding, 1 findings, 2 compile errors or bad usage.\n\nCodes:\n${codeList()}\n`,
    )
    .action((paths: string[], options: CheckOptions) => {
      context.exitCode = check(paths, options, context);
    });

function check(paths: readonly string[], options: CheckOptions, context: CliContext): number {
  const { io } = context;
  let baseline: Set<string> | undefined;
  if (options.baseline !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, options.baseline), "utf8");
    } catch {
      io.stderr(`hydro check: cannot read the baseline ${options.baseline}\n`);
      return EXIT_ERRORS;
    }
    const parsed = parseBaseline(text, options.baseline, io.cwd);
    if ("error" in parsed) {
      io.stderr(`hydro check: ${parsed.error}\n`);
      return EXIT_ERRORS;
    }
    baseline = parsed.keys;
  }

  const run = checkFiles(paths, { cwd: io.cwd, host: nodeHost(), ...(baseline === undefined ? {} : { baseline }) });
  for (const error of run.usageErrors) io.stderr(`hydro check: ${error}\n`);

  switch (options.format) {
    case "json":
      io.stdout(formatJson(run, io.cwd));
      break;
    case "sarif":
      io.stdout(formatSarif(run, io.cwd));
      break;
    case "github":
      io.stdout(formatGithub(run, io.cwd));
      break;
    default:
      io.stdout(formatText(run, { colors: io.colors, cwd: io.cwd }));
  }

  const code = exitCodeOf(run);
  if (options.writeBaseline !== undefined) {
    writeFileSync(resolve(io.cwd, options.writeBaseline), formatBaseline(baselineOf(run, options.writeBaseline, io.cwd)));
    return code === EXIT_ERRORS ? EXIT_ERRORS : EXIT_OK;
  }
  return code;
}
