// A program compiled in memory and loaded as a live node class: what `hydro run` (batch, stdio
// and service) and `hydro sim` run. In: a .hydro path (or its IR). Out: the generated class, or
// null after printing the located diagnostics. The emitted module is the one `hydro compile`
// writes, without prettier (nobody reads this copy), importing the runtime by absolute URL.
// Why the compiler is imported lazily: a run whose program is in the compile cache
// (compile-cache.ts) loads only the runtime and the stored module, never the parser, the
// analyses or the emitter, which is most of a cold start.

import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { IrProgram } from "../ir.ts";
import { nodeHost, type CompilerHost } from "../host.ts";
import {
  builtCompilerId,
  DIST_URL,
  importProgramClass,
  loadProgramClass,
  plainJavaScriptOf,
  RUNTIME_URL,
  type ProgramClass,
} from "../../runtime/load.ts";
import { compileCacheOf, lookupModule, recordingHost, storeModule, type CompileCache } from "./compile-cache.ts";
import { resolveInput, type CliContext } from "./io.ts";

export async function programClassOf(ir: IrProgram): Promise<ProgramClass> {
  return loadProgramClass(await moduleSourceOf(ir), ir.moduleName);
}

async function moduleSourceOf(ir: IrProgram): Promise<string> {
  const { emitTypeScript } = await import("../emit/index.ts");
  return emitTypeScript(ir, { format: false, runtimeImport: RUNTIME_URL, externImports: "absolute" });
}

/** Compiles (or finds in the cache) and loads the program; prints its diagnostics; null when it does not compile. */
export async function compileProgramClass(file: string, context: CliContext): Promise<ProgramClass | null> {
  const { io } = context;
  const host = nodeHost();
  const path = resolveInput(file, io.cwd);
  if (host.readFile(path) === undefined) {
    io.stderr(`hydro run: cannot read ${file}\n`);
    return null;
  }
  const cache = compileCacheOf(io.env, builtCompilerId(), DIST_URL === null ? null : fileURLToPath(new URL("../node_modules/.cache/hydrolog", DIST_URL)));
  if (cache !== null) {
    const stored = lookupModule(cache, resolve(path), host.readFile);
    if (stored !== null) {
      try {
        return await importProgramClass(stored);
      } catch {
        // A damaged or vanished entry: compile as if it were not there.
      }
    }
  }
  return compileAndLoad(path, host, cache, context);
}

async function compileAndLoad(path: string, host: CompilerHost, cache: CompileCache | null, context: CliContext): Promise<ProgramClass | null> {
  const { io } = context;
  const { compileToIr } = await import("../index.ts");
  const { formatDiagnostics } = await import("../report.ts");
  const recording = recordingHost(host);
  const result = compileToIr(path, recording.host);
  const report = formatDiagnostics(result.diagnostics, result.sources, { colors: io.colors, cwd: io.cwd });
  if (report) io.stderr(report);
  if (!result.ir) return null;
  const source = await moduleSourceOf(result.ir);
  if (cache === null || result.diagnostics.length > 0) return loadProgramClass(source, result.ir.moduleName);
  const javascript = await plainJavaScriptOf(source);
  const stored = javascript === null ? null : storeModule(cache, resolve(path), recording.sources, javascript);
  return stored !== null ? importProgramClass(stored) : loadProgramClass(source, result.ir.moduleName, javascript);
}
