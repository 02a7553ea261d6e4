// `hydro fmt [--check|--write] FILE|DIR…` — the canonical layout of `.hydro` files (the same
// printer as the prettier plugin). In: files, and directories searched recursively for .hydro
// files. Out: without a flag, the formatted text on stdout; `--check` lists the files that are not
// formatted and exits 1; `--write` rewrites them in place and lists them. A file with syntax
// errors is never rewritten: its diagnostics go to stderr as `file:line:col: error CODE: message`
// and the exit code is 2, after every other file has been handled.

import { Command } from "commander";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseProgram } from "../build-ast.ts";
import { sortDiagnostics } from "../diagnostics.ts";
import { formatProgram } from "../format/printer.ts";
import { makeSource } from "../source.ts";
import { EXIT_ERRORS, EXIT_FINDINGS, EXIT_OK, type CliContext, type CommandFactory } from "./io.ts";

interface FmtOptions {
  readonly check?: boolean;
  readonly write?: boolean;
}

export const fmtCommand: CommandFactory = (context: CliContext) =>
  new Command("fmt")
    .description("format .hydro files in the canonical layout")
    .argument("<paths...>", ".hydro files, or directories to search for them")
    .option("--check", "list the files that are not formatted and exit 1 if there are any")
    .option("--write", "rewrite the files that are not formatted")
    .action((paths: string[], options: FmtOptions) => {
      context.exitCode = formatPaths(paths, options, context);
    });

function formatPaths(paths: readonly string[], options: FmtOptions, context: CliContext): number {
  const { io } = context;
  if (options.check && options.write) {
    io.stderr("hydro fmt: use either --check or --write, not both\n");
    return EXIT_ERRORS;
  }
  let failed = false;
  const unformatted: string[] = [];
  const report = (message: string, isError: boolean) => {
    io.stderr(`hydro fmt: ${message}\n`);
    if (isError) failed = true;
  };
  for (const shown of expand(paths, io.cwd, report)) {
    const absolute = resolve(io.cwd, shown);
    const text = readFileSync(absolute, "utf8");
    const file = makeSource(shown, text);
    const { program, diagnostics } = parseProgram(file);
    const errors = sortDiagnostics(diagnostics.filter((d) => d.severity === "error"));
    if (errors.length > 0) {
      for (const d of errors) io.stderr(`${d.span.file}:${d.span.line}:${d.span.column}: error ${d.code}: ${d.message}\n`);
      failed = true;
      continue;
    }
    const formatted = formatProgram(program, file);
    if (options.check || options.write) {
      if (formatted === text) continue;
      unformatted.push(shown);
      if (options.write) writeFileSync(absolute, formatted);
      io.stdout(`${shown}\n`);
    } else {
      io.stdout(formatted);
    }
  }
  if (options.check && unformatted.length > 0) {
    const count = unformatted.length === 1 ? "1 file is" : `${unformatted.length} files are`;
    io.stderr(`${count} not formatted: run hydro fmt --write\n`);
  }
  if (failed) return EXIT_ERRORS;
  return options.check && unformatted.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/** Files as given; directories become their .hydro files, recursively, in a stable order. */
function expand(paths: readonly string[], cwd: string, report: (message: string, isError: boolean) => void): string[] {
  const files: string[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let stats;
    try {
      stats = statSync(absolute);
    } catch {
      report(`cannot read ${path}`, true);
      continue;
    }
    if (stats.isDirectory()) {
      const found = hydroFilesUnder(absolute).map((file) => (path.startsWith("/") ? file : relative(cwd, file)));
      if (found.length === 0) report(`no .hydro files in ${path}`, false);
      files.push(...found);
    } else {
      files.push(path);
    }
  }
  return files;
}

function hydroFilesUnder(directory: string): string[] {
  const found: string[] = [];
  const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...hydroFilesUnder(path));
    else if (entry.isFile() && entry.name.endsWith(".hydro")) found.push(path);
  }
  return found;
}
