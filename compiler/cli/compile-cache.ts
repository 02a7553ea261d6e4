// The compile cache of `hydro run`: a program compiled once is loaded as JavaScript on later
// runs, with no parsing, analysis or code generation, so a run's start-up is Node's plus the
// runtime's. In: the program's entry path, a compile step (what to do on a miss), and where
// the cache lives. Out: the stored module's path, ready to import.
// Why sound: a compile records every file the compiler asked for, present or not (imports are
// resolved by probing paths), with a hash of its text; an entry is reused only while each of
// those paths still reads the same, and only by the build of hydro that wrote it (its
// BUILD_ID). Only clean compiles are stored — a program with warnings compiles every time, so
// its warnings are printed every time. The cache lives in node_modules/.cache/hydrolog of the
// package (where tools conventionally keep caches; `npm ci` starts it afresh), or in
// HYDRO_CACHE_DIR; HYDRO_NO_CACHE=1 turns it off. Every write goes to a temporary name first
// and is renamed into place, so a reader never sees half a file, and any failure to read or
// write the cache only means compiling as if there were none.

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { CompilerHost } from "../host.ts";

export interface CompileCache {
  readonly directory: string;
  /** The build of hydro whose modules this cache holds. */
  readonly compilerId: string;
}

/** One file a compile read: its absolute path, and the hash of its text or null when it did not exist. */
export interface SourceRecord {
  readonly path: string;
  readonly hash: string | null;
}

interface Manifest {
  readonly compilerId: string;
  readonly entry: string;
  readonly sources: readonly SourceRecord[];
  /** The module's file name in the cache directory. */
  readonly module: string;
}

/** The cache to use, or null when it is off or this build cannot have one. */
export function compileCacheOf(
  env: Readonly<Record<string, string | undefined>>,
  compilerId: string | null,
  defaultDirectory: string | null,
): CompileCache | null {
  if (compilerId === null || (env["HYDRO_NO_CACHE"] ?? "") !== "") return null;
  const directory = env["HYDRO_CACHE_DIR"] || defaultDirectory;
  return directory ? { directory, compilerId } : null;
}

/**
 * The stored module of `entry` (an absolute path: a module imports its externs by absolute
 * path), when every file its compile read still reads the same.
 */
export function lookupModule(cache: CompileCache, entry: string, readFile: (path: string) => string | undefined): string | null {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath(cache, entry), "utf8")) as Manifest;
  } catch {
    return null;
  }
  if (manifest.compilerId !== cache.compilerId || manifest.entry !== entry) return null;
  for (const source of manifest.sources) {
    if (hashOf(readFile(source.path)) !== source.hash) return null;
  }
  return join(cache.directory, manifest.module);
}

/** Stores a clean compile's module; its path, or null when the cache cannot be written. */
export function storeModule(cache: CompileCache, entry: string, sources: readonly SourceRecord[], javascript: string): string | null {
  const key = keyOf(cache, entry);
  const module = `${key}-${hashOf(javascript)!.slice(0, 16)}.mjs`;
  try {
    mkdirSync(cache.directory, { recursive: true });
    const previous = previousModule(cache, entry);
    writeAtomically(join(cache.directory, module), javascript);
    const manifest: Manifest = { compilerId: cache.compilerId, entry, sources, module };
    writeAtomically(manifestPath(cache, entry), JSON.stringify(manifest));
    if (previous !== null && previous !== module) rmSync(join(cache.directory, previous), { force: true });
    return join(cache.directory, module);
  } catch {
    return null;
  }
}

/** A host that notes every file the compiler asks for, for the manifest. */
export function recordingHost(host: CompilerHost): { readonly host: CompilerHost; readonly sources: SourceRecord[] } {
  const sources: SourceRecord[] = [];
  const seen = new Set<string>();
  return {
    sources,
    host: {
      stdlibDirectory: host.stdlibDirectory,
      readFile(path) {
        const text = host.readFile(path);
        const absolute = resolve(path);
        if (!seen.has(absolute)) {
          seen.add(absolute);
          sources.push({ path: absolute, hash: hashOf(text) });
        }
        return text;
      },
    },
  };
}

function hashOf(text: string | undefined): string | null {
  return text === undefined ? null : createHash("sha256").update(text).digest("hex");
}

function keyOf(cache: CompileCache, entry: string): string {
  return createHash("sha256").update(`${cache.compilerId}\n${entry}`).digest("hex").slice(0, 32);
}

function manifestPath(cache: CompileCache, entry: string): string {
  return join(cache.directory, `${keyOf(cache, entry)}.json`);
}

function previousModule(cache: CompileCache, entry: string): string | null {
  try {
    return (JSON.parse(readFileSync(manifestPath(cache, entry), "utf8")) as Manifest).module;
  } catch {
    return null;
  }
}

function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}
