// Loading a program compiled in memory: the emitted TypeScript becomes a live node class.
// In: the module text from emitTypeScript (emitted with the runtime imported by its absolute
// URL, RUNTIME_URL, and externs by theirs). Out: the module's class, ready to instantiate.
// Why a temporary file: the process already runs TypeScript through a loader (bin/hydro
// registers tsx; vitest transforms on its own; plain Node gets tsx registered on first need),
// so importing a `.mts` file needs no compiler of our own, costs only esbuild's transform of one
// file, and keeps source positions for stack traces. `.mts` because the temporary directory has
// no package.json: the module must be ESM whatever surrounds it. The file is removed as soon as
// the import has been evaluated. Run from the built JavaScript (dist/), no loader is registered
// for the process: esbuild strips the module's types in a few milliseconds and Node imports the
// JavaScript directly, sharing the runtime modules the CLI has already loaded (tsx's scoped
// loader would start a worker and load the runtime a second time); only a program whose
// externs are TypeScript files goes through tsx's scoped loader.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { NodeOptions, ProgramNode } from "./program.ts";

/**
 * The built copy's root URL (`…/dist/`) when this code runs bundled from dist/ (see
 * scripts/build.mjs: it may sit in any chunk there), or null when it runs from the sources.
 */
export const DIST_URL = builtRootOf(import.meta.url);
const BUILT = DIST_URL !== null;

function builtRootOf(url: string): string | null {
  const distAt = url.lastIndexOf("/dist/");
  return url.endsWith(".js") && distAt >= 0 ? url.slice(0, distAt + "/dist/".length) : null;
}

/** The runtime barrel as an absolute URL: what a module loaded from a temporary file imports. */
export const RUNTIME_URL = DIST_URL !== null ? `${DIST_URL}runtime/index.js` : new URL("./index.ts", import.meta.url).href;

/**
 * The identity of the built copy (dist/BUILD_ID, a hash of everything built), or null when
 * running from the sources. A compiled module may be reused only by the build that wrote it.
 */
export function builtCompilerId(): string | null {
  if (DIST_URL === null) return null;
  try {
    return readFileSync(fileURLToPath(`${DIST_URL}BUILD_ID`), "utf8").trim() || null;
  } catch {
    return null;
  }
}

/**
 * A generated module as plain JavaScript that Node imports directly, or null when it cannot
 * be (running from the sources, or a program whose externs are TypeScript files).
 */
export async function plainJavaScriptOf(source: string): Promise<string | null> {
  if (!BUILT) return null;
  const { transformSync } = await import("esbuild");
  const javascript = transformSync(source, { loader: "ts", format: "esm", target: "node20" }).code;
  return importsTypeScript(javascript) ? null : javascript;
}

function importsTypeScript(javascript: string): boolean {
  return /from\s+["'][^"']*\.[cm]?ts["']/.test(javascript);
}

export type ProgramClass = new (options?: NodeOptions) => ProgramNode;

/** `javascript`: the source already stripped of its types (plainJavaScriptOf), when the caller has it. */
export async function loadProgramModule(source: string, name = "program", javascript?: string | null): Promise<Record<string, unknown>> {
  const directory = mkdtempSync(join(tmpdir(), "hydro-"));
  const file = join(directory, `${name.replace(/[^A-Za-z0-9_-]/g, "_")}.mts`);
  try {
    if (!BUILT) {
      writeFileSync(file, source);
      return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    }
    if (javascript === undefined) javascript = await plainJavaScriptOf(source);
    if (javascript === null) {
      writeFileSync(file, source);
      const { tsImport } = await import("tsx/esm/api");
      return (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
    }
    const plain = file.replace(/\.mts$/, ".mjs");
    writeFileSync(plain, javascript);
    return (await import(pathToFileURL(plain).href)) as Record<string, unknown>;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The node class of a generated module (its default export). */
export async function loadProgramClass(source: string, name?: string, javascript?: string | null): Promise<ProgramClass> {
  return programClassOfModule(await loadProgramModule(source, name, javascript));
}

/** The node class of a generated module already stored as JavaScript (the compile cache). */
export async function importProgramClass(file: string): Promise<ProgramClass> {
  return programClassOfModule((await import(pathToFileURL(file).href)) as Record<string, unknown>);
}

function programClassOfModule(module: Record<string, unknown>): ProgramClass {
  const program = module["default"];
  if (typeof program !== "function") throw new Error("the generated module has no default export class");
  return program as ProgramClass;
}
