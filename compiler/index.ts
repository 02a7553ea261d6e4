// The whole compiler pipeline in one place, in order:
//   source → tokens → CST → AST (build-ast) → resolved modules (resolve) → typed program
//   (typecheck) → edges (edges) → strata (stratify) → IR plans (lower) → CALM verdicts (calm)
//   → TypeScript (emit).
// Each phase is a function of its input and returns diagnostics as data; the pipeline stops
// after the first phase that reports an error (resolution and type checking count as one), so
// later phases only see well-formed input.

import { parseProgram } from "./build-ast.ts";
import { hasErrors, type Diagnostic } from "./diagnostics.ts";
import { buildEdges } from "./edges.ts";
import type { CompilerHost } from "./host.ts";
import type { IrProgram } from "./ir.ts";
import { planProgram } from "./lower.ts";
import { resolveProgram } from "./resolve.ts";
import { makeSource, type SourceFile } from "./source.ts";
import { stratify } from "./stratify.ts";
import { typecheck } from "./typecheck.ts";

export interface IrResult {
  readonly ir: IrProgram | null;
  readonly sources: readonly SourceFile[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Source file on disk (or in the host) → IR, or the diagnostics that stopped it. */
export function compileToIr(path: string, host: CompilerHost): IrResult {
  const text = host.readFile(path);
  if (text === undefined) return { ir: null, sources: [], diagnostics: [] };
  return compileSourceToIr(makeSource(path, text), host);
}

export function compileSourceToIr(file: SourceFile, host: CompilerHost): IrResult {
  const parsed = parseProgram(file);
  if (hasErrors(parsed.diagnostics)) return { ir: null, sources: [file], diagnostics: parsed.diagnostics };

  // Name and type errors are reported together: typecheck skips what did not resolve.
  const resolved = resolveProgram({ file, program: parsed.program }, host);
  const diagnostics = [...parsed.diagnostics, ...resolved.diagnostics];
  const sources = resolved.sources;

  const checked = typecheck(resolved.program);
  diagnostics.push(...checked.diagnostics);
  if (!checked.program || hasErrors(diagnostics)) return { ir: null, sources, diagnostics };

  const edges = buildEdges(checked.program);
  const stratification = stratify(checked.program, edges);
  diagnostics.push(...stratification.diagnostics);
  if (hasErrors(diagnostics)) return { ir: null, sources, diagnostics };

  const ir = planProgram(checked.program, edges, stratification);
  return { ir, sources, diagnostics };
}
