// A program compiled in memory and loaded as a live node class: what `hydro run` (batch, stdio
// and service) and `hydro sim` run. In: a .hydro path (or its IR). Out: the generated class, or
// null after printing the located diagnostics. The emitted module is the one `hydro compile`
// writes, without prettier (nobody reads this copy), importing the runtime by absolute URL.

import { emitTypeScript } from "../emit/index.ts";
import { nodeHost } from "../host.ts";
import { compileToIr } from "../index.ts";
import type { IrProgram } from "../ir.ts";
import { formatDiagnostics } from "../report.ts";
import { loadProgramClass, RUNTIME_URL, type ProgramClass } from "../../runtime/load.ts";
import { resolveInput } from "./compile.ts";
import type { CliContext } from "./io.ts";

export async function programClassOf(ir: IrProgram): Promise<ProgramClass> {
  const source = await emitTypeScript(ir, { format: false, runtimeImport: RUNTIME_URL, externImports: "absolute" });
  return loadProgramClass(source, ir.moduleName);
}

/** Compiles and loads the program; prints its diagnostics; null when it does not compile. */
export async function compileProgramClass(file: string, context: CliContext): Promise<ProgramClass | null> {
  const { io } = context;
  const host = nodeHost();
  const path = resolveInput(file, io.cwd);
  if (host.readFile(path) === undefined) {
    io.stderr(`hydro run: cannot read ${file}\n`);
    return null;
  }
  const result = compileToIr(path, host);
  const report = formatDiagnostics(result.diagnostics, result.sources, { colors: io.colors, cwd: io.cwd });
  if (report) io.stderr(report);
  return result.ir ? programClassOf(result.ir) : null;
}
