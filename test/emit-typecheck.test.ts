// The generated module of every example (and of programs covering every lattice, aggregate,
// built-in and extern) type-checks under the project's strict compiler options: what
// `hydro compile` writes is a TypeScript module a user can import and build with `tsc --noEmit`.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { emitTypeScript } from "../compiler/emit/index.ts";
import { nodeHost } from "../compiler/host.ts";
import { compileToIr } from "../compiler/index.ts";
import { COVERAGE, UDFS } from "./emit-coverage-program.ts";

const ROOT = join(import.meta.dirname, "..");
const RUNTIME = join(ROOT, "runtime", "index.ts");

function programs(): { name: string; path: string }[] {
  const found: { name: string; path: string }[] = [];
  // Every program under examples/, in subdirectories too (sim/, service/).
  for (const entry of readdirSync(join(ROOT, "examples"), { recursive: true, encoding: "utf8" })) {
    if (entry.endsWith(".hydro")) found.push({ name: `examples/${entry}`, path: join(ROOT, "examples", entry) });
  }
  found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const file of readdirSync(join(ROOT, "bench", "programs"))) {
    if (file.endsWith(".hydro")) found.push({ name: `bench/programs/${file}`, path: join(ROOT, "bench", "programs", file) });
  }
  return found;
}

function typeCheck(files: readonly string[]): string[] {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: ["node"],
    typeRoots: [join(ROOT, "node_modules", "@types")],
    lib: ["lib.es2023.d.ts"],
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file ? `${diagnostic.file.fileName}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}` : "";
    return `${where} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
  });
}

describe("generated modules type-check", () => {
  it("for every example, every benchmark program and a program using every feature", async () => {
    const directory = mkdtempSync(join(tmpdir(), "hydro-emit-"));
    writeFileSync(join(directory, "package.json"), '{"type": "module"}');
    writeFileSync(join(directory, "udfs.ts"), UDFS);
    const coverage = join(directory, "coverage.hydro");
    writeFileSync(coverage, COVERAGE);
    const sources = [...programs(), { name: "coverage", path: coverage }];
    const files: string[] = [];
    for (const { name, path } of sources) {
      const result = compileToIr(path, nodeHost());
      expect(result.ir, `${name}: ${result.diagnostics.map((d) => d.message).join("; ")}`).not.toBeNull();
      const text = await emitTypeScript(result.ir!, { runtimeImport: RUNTIME, sourcePath: path });
      const file = join(directory, `${name.replace(/[^A-Za-z0-9]/g, "_")}.ts`);
      writeFileSync(file, text);
      files.push(file);
    }
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect(typeCheck(files)).toEqual([]);
    // The coverage module really is what it claims: it uses every lattice constant it declares.
    const coverageText = readFileSync(files[files.length - 1]!, "utf8");
    for (const lattice of ["max_int", "min_float", "set_addr", "counter", "map_string_max_int"]) {
      expect(coverageText).toContain(`${lattice}Lattice`);
    }
    expect(coverageText).toContain("new LwwValue(");
  }, 120_000);
});
