// How the compiler reaches files: passed in, so tests can compile from memory and the CLI from
// disk. Imports `std/<name>` resolve to `<stdlibDirectory>/std/<name>.hydro`; other import paths are
// relative to the importing file.

import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface CompilerHost {
  /** The text of a file, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
  readonly stdlibDirectory: string;
}

const COMPILER_DIRECTORY = dirname(fileURLToPath(import.meta.url));
/** The package root, whether this file runs from the sources or from the built dist/ copy. */
const PACKAGE_ROOT =
  basename(dirname(COMPILER_DIRECTORY)) === "dist" ? join(COMPILER_DIRECTORY, "..", "..") : join(COMPILER_DIRECTORY, "..");

export const STDLIB_DIRECTORY = join(PACKAGE_ROOT, "stdlib");

export function nodeHost(): CompilerHost {
  return {
    readFile: (path) => (existsSync(path) ? readFileSync(path, "utf8") : undefined),
    stdlibDirectory: STDLIB_DIRECTORY,
  };
}

/** A host over an in-memory file map (tests), falling back to the real stdlib. */
export function memoryHost(files: Readonly<Record<string, string>>): CompilerHost {
  return {
    readFile: (path) => files[path] ?? (path.startsWith(STDLIB_DIRECTORY) && existsSync(path) ? readFileSync(path, "utf8") : undefined),
    stdlibDirectory: STDLIB_DIRECTORY,
  };
}
