// Broken programs never make any compiler phase throw: random mutations of the example programs
// (tokens deleted, duplicated or swapped; random characters inserted) go through the whole
// pipeline — parse, resolve, typecheck, edges, strata, plans, the CALM analysis and the emitter —
// and always end in located diagnostics or in a program that compiles. Seeded, so a failure
// reproduces; the failing mutant is printed in the assertion message.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeProgram } from "../compiler/calm/index.ts";
import { catalog } from "../compiler/diagnostics.ts";
import { emitUnformatted } from "../compiler/emit/index.ts";
import { nodeHost } from "../compiler/host.ts";
import { compileSourceToIr } from "../compiler/index.ts";
import { makeSource } from "../compiler/source.ts";
import { Random } from "../runtime/sim/random.ts";

const ROOT = join(import.meta.dirname, "..");

function hydroFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return hydroFiles(path);
    return name.endsWith(".hydro") ? [path] : [];
  });
}

/** A seeded stream of numbers in [0, 1): the simulator's generator, so a failure reproduces. */
function random(seed: number): () => number {
  const generator = new Random(seed);
  return () => generator.next();
}

/** Words and punctuation, so mutations act on something like tokens. */
function pieces(text: string): string[] {
  return text.match(/[A-Za-z_][A-Za-z0-9_]*|\d+|"(?:[^"\\]|\\.)*"|<\+-|<[=+~-]|[^\sA-Za-z0-9_]|\s+/g) ?? [];
}

const NOISE = ["(", ")", ",", ";", "!", "_", "<=", "<~", "<+-", "count()", "x", "0", '"s"', "@", ".", "in", "key()", ">>"];

function mutate(text: string, next: () => number): string {
  const parts = pieces(text);
  const steps = 1 + Math.floor(next() * 3);
  for (let step = 0; step < steps && parts.length > 0; step++) {
    const at = Math.floor(next() * parts.length);
    const choice = next();
    if (choice < 0.3) parts.splice(at, 1);
    else if (choice < 0.5) parts.splice(at, 0, parts[at]!);
    else if (choice < 0.7) {
      const other = Math.floor(next() * parts.length);
      [parts[at], parts[other]] = [parts[other]!, parts[at]!];
    } else parts.splice(at, 0, NOISE[Math.floor(next() * NOISE.length)]!);
  }
  return parts.join("");
}

describe("the whole pipeline on mutated programs", () => {
  const files = [...hydroFiles(join(ROOT, "examples")), ...hydroFiles(join(ROOT, "stdlib"))];
  const host = nodeHost();
  const perFile = Math.max(20, Math.floor(1500 / Math.max(1, files.length)));
  let compiledMutants = 0;

  it("has programs to mutate", () => {
    expect(files.length).toBeGreaterThan(3);
  });

  for (const path of files) {
    it(`never throws on mutants of ${path.slice(ROOT.length + 1)}`, () => {
      const original = readFileSync(path, "utf8");
      const next = random(path.length * 7919);
      let compiled = 0;
      for (let i = 0; i < perFile; i++) {
        const text = mutate(original, next);
        let outcome: string;
        try {
          const result = compileSourceToIr(makeSource(path, text), host);
          for (const d of result.diagnostics) {
            expect(d.code in catalog, `unknown code ${d.code}`).toBe(true);
            expect(d.span.line).toBeGreaterThanOrEqual(1);
            expect(d.span.column).toBeGreaterThanOrEqual(1);
          }
          if (result.ir) {
            analyzeProgram(result.ir);
            emitUnformatted(result.ir, { format: false });
            compiled++;
          } else {
            expect(result.diagnostics.some((d) => d.severity === "error")).toBe(true);
          }
          outcome = "ok";
        } catch (error) {
          outcome = `threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n--- mutant ---\n${text}`;
        }
        expect(outcome).toBe("ok");
      }
      compiledMutants += compiled;
    });
  }

  // The mutations are small: many mutants still compile, so the later phases are exercised too.
  it("carried a good share of mutants through every phase", () => {
    expect(compiledMutants).toBeGreaterThan(files.length);
  });
});
