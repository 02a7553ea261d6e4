// Golden IR: every program under examples/ and test/golden/ir/ is compiled and its printed IR
// (or, for a program that does not compile, its diagnostics) compared with the `.ir` file next
// to it under test/golden/ir/. The programs are found at test time, so new examples are picked
// up; `UPDATE_GOLDEN=1 npx vitest run test/ir-golden.test.ts` rewrites the golden files.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeHost, type CompilerHost } from "../compiler/host.ts";
import { compileToIr } from "../compiler/index.ts";
import { printIr } from "../compiler/ir-print.ts";
import { formatDiagnostics } from "../compiler/report.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const GOLDEN = join(ROOT, "test", "golden", "ir");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

function programsUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return programsUnder(path);
      return entry.name.endsWith(".hydro") ? [path] : [];
    });
}

/** Paths relative to the repository root, so the golden text is the same on every machine. */
const host: CompilerHost = {
  readFile: (path) => nodeHost().readFile(resolve(ROOT, path)),
  stdlibDirectory: nodeHost().stdlibDirectory,
};

function render(source: string): string {
  const result = compileToIr(source, host);
  if (result.ir !== null) return printIr(result.ir);
  const report = formatDiagnostics(result.diagnostics, result.sources, { colors: false });
  return `does not compile\n\n${report.endsWith("\n") ? report : `${report}\n`}`;
}

function goldenPathOf(program: string): string {
  const fromRoot = relative(ROOT, program);
  const local = fromRoot.startsWith(`test${"/"}golden${"/"}ir${"/"}`) ? relative(GOLDEN, program) : fromRoot;
  return join(GOLDEN, local.replace(/\.hydro$/, ".ir"));
}

function check(program: string): void {
  const actual = render(relative(ROOT, program));
  const golden = goldenPathOf(program);
  if (UPDATE) {
    mkdirSync(dirname(golden), { recursive: true });
    writeFileSync(golden, actual);
    return;
  }
  expect(existsSync(golden), `missing ${relative(ROOT, golden)}: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(golden, "utf8"));
}

const examples = programsUnder(join(ROOT, "examples"));
const own = programsUnder(GOLDEN).filter((path) => !relative(GOLDEN, path).startsWith("examples"));

describe("golden IR of the project's own test programs", () => {
  it.each(own.map((path) => [relative(ROOT, path), path]))("%s", (_name, path) => check(path));
});

describe("golden IR of the examples", () => {
  if (examples.length > 0) {
    it.each(examples.map((path) => [relative(ROOT, path), path]))("%s", (_name, path) => check(path));
  }

  it("has no golden file left over from a removed example", () => {
    const expected = new Set(examples.map(goldenPathOf));
    const directory = join(GOLDEN, "examples");
    const stale = existsSync(directory) ? goldenFilesUnder(directory).filter((path) => !expected.has(path)) : [];
    if (UPDATE) {
      for (const path of stale) rmSync(path);
      return;
    }
    expect(stale.map((path) => relative(ROOT, path))).toEqual([]);
  });
});

function goldenFilesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return goldenFilesUnder(path);
    return entry.name.endsWith(".ir") ? [path] : [];
  });
}

describe("the printed IR", () => {
  it("is the same on a second compilation", () => {
    for (const program of own) {
      const source = relative(ROOT, program);
      expect(render(source)).toBe(render(source));
    }
  });
});
