// The emitter writes its module in prettier's layout itself and hands prettier only the units
// it cannot vouch for (compiler/emit/format-units.ts). These tests hold it to that: prettier
// leaves every generated module as it is, formatting unit by unit gives what prettier gives
// for the whole file, the generated benchmark program needs prettier for no unit at all, and
// the pieces (expressions with their parentheses, literals, data) print as prettier prints
// them and still mean what they should.

import fc from "fast-check";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { generateProgram } from "../bench/harness/generated-program.ts";
import { PRETTIER_OPTIONS, layoutPieces } from "../compiler/emit/format-units.ts";
import { emitLayout, emitTypeScript, emitUnformatted } from "../compiler/emit/index.ts";
import { layoutData, numberLiteral, stringLiteral, type Data } from "../compiler/emit/literals.ts";
import { binary, conditional, prefix, primary, type BinaryOperator, type Code } from "../compiler/emit/precedence.ts";
import { memoryHost, nodeHost } from "../compiler/host.ts";
import { compileSourceToIr, compileToIr } from "../compiler/index.ts";
import type { IrProgram } from "../compiler/ir.ts";
import { makeSource } from "../compiler/source.ts";
import { COVERAGE, UDFS } from "./emit-coverage-program.ts";

const ROOT = join(import.meta.dirname, "..");

function programFiles(): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(ROOT, "examples"), { recursive: true, encoding: "utf8" })) {
    if (entry.endsWith(".hydro")) found.push(join(ROOT, "examples", entry));
  }
  for (const file of readdirSync(join(ROOT, "bench", "programs"))) if (file.endsWith(".hydro")) found.push(join(ROOT, "bench", "programs", file));
  const directory = mkdtempSync(join(tmpdir(), "hydro-layout-"));
  writeFileSync(join(directory, "udfs.ts"), UDFS);
  writeFileSync(join(directory, "coverage.hydro"), COVERAGE);
  found.push(join(directory, "coverage.hydro"));
  return found.sort();
}

function compileText(text: string, path = "/virtual/program.hydro"): IrProgram {
  const result = compileSourceToIr(makeSource(path, text), memoryHost({ [path]: text }));
  if (result.ir === null) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  return result.ir;
}

describe("generated modules in prettier's layout", () => {
  it("are left as they are by prettier, and formatting unit by unit gives the whole file's formatting", async () => {
    for (const path of programFiles()) {
      const ir = compileToIr(path, nodeHost()).ir!;
      const text = await emitTypeScript(ir, { sourcePath: path });
      expect(await prettier.format(text, PRETTIER_OPTIONS), path).toBe(text);
      expect(await prettier.format(emitUnformatted(ir, { sourcePath: path }), PRETTIER_OPTIONS), path).toBe(text);
    }
  });

  it("need prettier for no unit of the generated benchmark program, which prettier leaves as it is", async () => {
    const program = generateProgram(120);
    const ir = compileText(program.text, "/virtual/rules.hydro");
    const pieces = layoutPieces(emitLayout(ir));
    expect(pieces.filter((piece) => piece.unit !== null).length).toBeGreaterThan(200);
    expect(pieces.filter((piece) => piece.format)).toEqual([]);
    const text = await emitTypeScript(ir);
    expect(await prettier.format(text, PRETTIER_OPTIONS)).toBe(text);
  });

  it("break long `for` heads, fields and calls themselves when the program's names are long", async () => {
    const text = generateProgram(60)
      .text.replace(/\br(\d+)/g, "relation_with_a_rather_long_name_$1")
      .replace(/\bfan(\d+)/g, "fan_out_of_a_rather_long_named_relation_$1")
      .replace(/\bedge\b/g, "edge_of_the_graph_we_walk");
    const ir = compileText(text, "/virtual/long_names.hydro");
    const pieces = layoutPieces(emitLayout(ir));
    const units = pieces.filter((piece) => piece.unit !== null);
    // Only `let a = …, b = …` heads of delta loops are still too long to be laid out here.
    expect(pieces.filter((piece) => piece.format).length).toBeLessThan(units.length / 8);
    const module = await emitTypeScript(ir);
    expect(module).toMatch(/\n {6}for \(\n {8}let edgeOfTheGraphWeWalkRow = edgeOfTheGraphWeWalkByX\.findCode\(\w+\);\n/);
    expect(module).toContain('this.relation(\n    "fan_out_of_a_rather_long_named_relation_1",\n  );');
    expect(await prettier.format(emitUnformatted(ir), PRETTIER_OPTIONS)).toBe(module);
  });

  it("hand a doubtful or too long unit to prettier alone, and skip prettier with format: false", async () => {
    const program = [
      "input a(s: string, n: int);",
      "output b(s: string);",
      "output long_enough_to_need_breaking(first_column_name: string, second_column_name: int, third_column_name: bool);",
      // A filter that is a call: the plan emitter writes `!(matches(s, "^x"))`, which prettier rewrites.
      'b(s) <= a(s, _), matches(s, "^x");',
      "long_enough_to_need_breaking(s, n, n > 1 && contains(s, \"y\") || n < -1) <= a(s, n);",
    ].join("\n");
    const ir = compileText(program);
    const pieces = layoutPieces(emitLayout(ir));
    const formatted = pieces.filter((piece) => piece.format);
    expect(formatted.map((piece) => piece.lines.find((line) => line.includes("private "))?.trim())).toEqual([
      "private b1(): void {",
      "private longEnoughToNeedBreaking1(): void {",
    ]);
    const text = await emitTypeScript(ir);
    expect(await prettier.format(text, PRETTIER_OPTIONS)).toBe(text);
    expect(text).toContain('if (!matches(stringValues[s]!, "^x")) continue;');
    const raw = await emitTypeScript(ir, { format: false });
    expect(raw).toContain('if (!(matches(stringValues[s]!, "^x"))) continue;');
    expect(await prettier.format(raw, PRETTIER_OPTIONS)).toBe(text);
  });
});

// ---------------------------------------------------------------------------------------------
// The pieces, against prettier and against JavaScript's own reading of them

/** Formats many `name = code;` statements at once; the statements prettier changed, by index. */
async function changedByPrettier(statements: readonly string[]): Promise<string[]> {
  const text = statements.join("\n") + "\n";
  const formatted = await prettier.format(text, PRETTIER_OPTIONS);
  if (formatted === text) return [];
  const after = formatted.split("\n");
  return statements.filter((statement, i) => after[i] !== statement);
}

type Tree =
  | { kind: "leaf"; name: string }
  | { kind: "number"; value: number }
  | { kind: "prefix"; operator: "-" | "!"; inner: Tree }
  | { kind: "binary"; operator: BinaryOperator; left: Tree; right: Tree }
  | { kind: "conditional"; test: Tree };

const OPERATORS: BinaryOperator[] = ["*", "+", "-", "<", "<=", ">", ">=", "===", "!==", "&&", "||"];

/** A random expression up to `depth` deep, mostly binary operations (a seeded generator: the same trees every run). */
function randomTree(random: () => number, depth: number): Tree {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const roll = random();
  if (depth === 0 || roll < 0.12) return random() < 0.6 ? { kind: "leaf", name: pick(["a", "b", "c"]) } : { kind: "number", value: Math.floor(random() * 19) - 9 };
  if (roll < 0.22) return { kind: "prefix", operator: pick(["-", "!"] as const), inner: randomTree(random, depth - 1) };
  if (roll < 0.27) return { kind: "conditional", test: randomTree(random, depth - 1) };
  const operator = pick(OPERATORS);
  const operand = (): Tree => {
    const tree = randomTree(random, depth - 1);
    // As in the language: a comparison of comparisons does not type-check (see precedence.ts).
    return RELATIONAL.includes(operator) && tree.kind === "binary" && RELATIONAL.includes(tree.operator) ? { kind: "leaf", name: "c" } : tree;
  };
  return { kind: "binary", operator, left: operand(), right: operand() };
}

const RELATIONAL: readonly BinaryOperator[] = ["<", "<=", ">", ">="];

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function build(node: Tree): Code {
  switch (node.kind) {
    case "leaf":
      return primary(node.name);
    case "number":
      return node.value < 0 ? prefix("-", primary(String(-node.value))) : primary(String(node.value));
    case "prefix":
      return prefix(node.operator, build(node.inner));
    case "binary":
      return binary(node.operator, build(node.left), build(node.right));
    case "conditional":
      return conditional(build(node.test), "1", "0");
  }
}

/** The same expression with every operation in parentheses: JavaScript's meaning, no precedence involved. */
function reference(node: Tree): string {
  switch (node.kind) {
    case "leaf":
      return node.name;
    case "number":
      return `(${node.value})`;
    case "prefix":
      return `(${node.operator}${reference(node.inner)})`;
    case "binary":
      return `(${reference(node.left)} ${node.operator} ${reference(node.right)})`;
    case "conditional":
      return `(${reference(node.test)} ? 1 : 0)`;
  }
}

describe("expression pieces", () => {
  it("carry exactly prettier's parentheses and mean what the fully parenthesized expression means", async () => {
    const random = seeded(7);
    const samples = Array.from({ length: 1500 }, () => randomTree(random, 4)).filter((node) => build(node).text.length < 100);
    expect(samples.length).toBeGreaterThan(600);
    // Each expression, and its negation as a filter writes it (ExpressionEmitter.negated).
    const statements = samples.flatMap((node) => [`x = ${build(node).text};`, `x = ${prefix("!", build(node)).text};`]);
    expect(await changedByPrettier(statements)).toEqual([]);
    for (const node of samples) {
      const ours = new Function("a", "b", "c", `return [${build(node).text}, ${prefix("!", build(node)).text}];`);
      const theirs = new Function("a", "b", "c", `return [${reference(node)}, !${reference(node)}];`);
      for (const [a, b, c] of [[1, 2, 3], [0, -4, 7], [5, 5, -1], [true, 0, 2]] as const) {
        const [value, negation] = ours(a, b, c);
        const [expected, expectedNegation] = theirs(a, b, c);
        expect(Object.is(value, expected), build(node).text).toBe(true);
        expect(negation, prefix("!", build(node)).text).toBe(expectedNegation);
      }
    }
  });
});

describe("literals and data", () => {
  it("quote strings as prettier does, with the same value", async () => {
    const samples = [
      ...fc.sample(fc.string({ unit: fc.constantFrom("a", '"', "'", "\\", "\n", "é", "\u2028", "`", "$", "{") }), { numRuns: 300, seed: 3 }),
      'it"s',
      "it's",
      `"'"`,
      "",
    ];
    expect(await changedByPrettier(samples.map((value) => `x = ${stringLiteral(value)};`))).toEqual([]);
    for (const value of samples) expect(new Function(`return ${stringLiteral(value)};`)()).toBe(value);
  });

  it("print numbers as prettier does, with the same value", async () => {
    const samples = [...fc.sample(fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), { numRuns: 300, seed: 5 }), 1e21, 1e-7, 0.5, 123456789];
    expect(await changedByPrettier(samples.map((value) => `x = ${numberLiteral(value)};`))).toEqual([]);
    for (const value of samples) expect(Number(numberLiteral(value))).toBe(value);
  });

  it("lay data out as prettier does when it says the layout is exact", async () => {
    const key = fc.constantFrom("kind", "name", "element", "a-b", "1", "columns", "x");
    const scalar = fc.oneof(fc.string({ maxLength: 30 }), fc.integer({ min: -1000, max: 1000 }), fc.boolean(), fc.constant(null));
    const data: fc.Arbitrary<Data> = fc.letrec<{ data: Data }>((tie) => ({
      data: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        scalar,
        fc.array(tie("data"), { maxLength: 5 }),
        fc.dictionary(key, tie("data"), { maxKeys: 5 }),
      ),
    })).data;
    let exact = 0;
    for (const value of fc.sample(data, { numRuns: 300, seed: 11 })) {
      const layout = layoutData(value, { indent: 0, head: "const x = ", tail: ";" });
      const text = layout.lines.join("\n") + "\n";
      expect(new Function(`${text} return x;`)()).toEqual(value);
      if (!layout.exact) continue;
      exact++;
      expect(await prettier.format(text, PRETTIER_OPTIONS)).toBe(text);
    }
    expect(exact).toBeGreaterThan(250);
  });
});
