// Compiling and loading a program from source text, for the runtime and semantics tests.
// In: the text of a .hydro program (and optional extra files for imports and externs).
// Out: a fresh node of the compiled program, or the diagnostics that stopped compilation.
// Goes through the same path as `hydro run`: IR → emitted TypeScript → loaded module.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSourceToIr, compileToIr } from "../compiler/index.ts";
import { memoryHost, nodeHost } from "../compiler/host.ts";
import { makeSource } from "../compiler/source.ts";
import { emitTypeScript } from "../compiler/emit/index.ts";
import { loadProgramClass, RUNTIME_URL, type ProgramClass } from "../runtime/load.ts";
import type { NodeOptions, ProgramNode, TickResult } from "../runtime/program.ts";
import type { JsonValue } from "../runtime/values.ts";

export const PROGRAM_PATH = "/virtual/program.hydro";

export async function compileProgram(text: string, files: Record<string, string> = {}): Promise<ProgramClass> {
  const host = memoryHost({ [PROGRAM_PATH]: text, ...files });
  const result = compileSourceToIr(makeSource(PROGRAM_PATH, text), host);
  if (result.ir === null) {
    const errors = result.diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`).join("\n");
    throw new Error(`program does not compile:\n${errors}`);
  }
  const source = await emitTypeScript(result.ir, { format: false, runtimeImport: RUNTIME_URL, externImports: "absolute" });
  return loadProgramClass(source, result.ir.moduleName);
}

/** Compiles a program written to a real directory with its companion files (externs need real modules). */
export async function nodeOnDisk(text: string, files: Record<string, string>, options: NodeOptions = {}): Promise<ProgramNode> {
  const directory = mkdtempSync(join(tmpdir(), "hydro-test-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(directory, name), content);
  const path = join(directory, "program.hydro");
  writeFileSync(path, text);
  const result = compileToIr(path, nodeHost());
  if (result.ir === null) throw new Error(`program does not compile:\n${result.diagnostics.map((d) => d.message).join("\n")}`);
  const source = await emitTypeScript(result.ir, { format: false, runtimeImport: RUNTIME_URL, externImports: "absolute" });
  const Program = await loadProgramClass(source, result.ir.moduleName);
  return new Program(options);
}

export async function nodeOf(text: string, options: NodeOptions = {}, files: Record<string, string> = {}): Promise<ProgramNode> {
  const Program = await compileProgram(text, files);
  return new Program(options);
}

/** A fixed clock and dice, so nondeterministic built-ins are reproducible. */
export const FIXED_CONTEXT = { now: () => 1_700_000_000_000, random: () => 0.25, uuid: () => "00000000-0000-4000-8000-000000000000" };

/** Runs one tick with these arrivals (§6 JSON) and returns its result. */
export function tickWith(node: ProgramNode, arrivals: Record<string, JsonValue[][]> = {}): TickResult {
  const pushed = node.pushArrivals(arrivals);
  if (!pushed.ok) throw new Error(pushed.message);
  return node.tick();
}

/** The outputs of a successful tick (throws on a failed one). */
export function outputsOf(result: TickResult): Record<string, JsonValue[][]> {
  if (result.failed) throw new Error(`tick ${result.tick} failed: ${result.error.message}`);
  return result.outputs as Record<string, JsonValue[][]>;
}
