// How the compiler reaches files: passed in, so tests can compile from memory and the CLI from
// disk. Imports `std/<name>` resolve to `<stdlibDirectory>/std/<name>.hydro`; other import paths are
// relative to the importing file.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";

export interface CompilerHost {
  /** The text of a file, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
  readonly stdlibDirectory: string;
}

/**
 * The package root, whether this file runs from the sources (compiler/host.ts) or bundled into
 * the built copy (somewhere under dist/, see scripts/build.mjs).
 */
const PACKAGE_ROOT = packageRootOf(fileURLToPath(import.meta.url));

function packageRootOf(file: string): string {
  const distAt = file.lastIndexOf(`${sep}dist${sep}`);
  return file.endsWith(".js") && distAt >= 0 ? file.slice(0, distAt) : join(dirname(file), "..");
}

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
