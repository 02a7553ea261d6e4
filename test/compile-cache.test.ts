// The compile cache of `hydro run` (compiler/cli/compile-cache.ts): an entry is reused only
// while every file its compile read (present or absent) still reads the same, and only by the
// build that wrote it; a run from the cache computes what a fresh compile computes.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { compileCacheOf, lookupModule, recordingHost, storeModule } from "../compiler/cli/compile-cache.ts";
import { nodeHost } from "../compiler/host.ts";

const ROOT = join(import.meta.dirname, "..");
const read = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, "utf8") : undefined);

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "hydro-cache-test-"));
}

describe("compile cache entries", () => {
  it("is off without a build identity or with HYDRO_NO_CACHE", () => {
    expect(compileCacheOf({}, null, "/tmp/x")).toBeNull();
    expect(compileCacheOf({ HYDRO_NO_CACHE: "1" }, "build", "/tmp/x")).toBeNull();
    expect(compileCacheOf({ HYDRO_CACHE_DIR: "/tmp/y" }, "build", "/tmp/x")).toEqual({ directory: "/tmp/y", compilerId: "build" });
    expect(compileCacheOf({}, "build", "/tmp/x")).toEqual({ directory: "/tmp/x", compilerId: "build" });
  });

  it("finds a stored module until a file the compile read changes, appears, or the build differs", () => {
    const directory = scratch();
    const entry = join(directory, "main.hydro");
    const imported = join(directory, "lib.hydro");
    const probed = join(directory, "maybe.hydro");
    writeFileSync(entry, "input a(x: int);");
    writeFileSync(imported, "table b(x: int);");
    const recording = recordingHost(nodeHost());
    recording.host.readFile(entry);
    recording.host.readFile(imported);
    recording.host.readFile(probed);
    recording.host.readFile(entry);
    expect(recording.sources.map((source) => source.hash === null)).toEqual([false, false, true]);

    const cache = { directory: join(directory, "cache"), compilerId: "build-1" };
    const stored = storeModule(cache, entry, recording.sources, "export default class {}\n");
    expect(stored).not.toBeNull();
    expect(readFileSync(stored!, "utf8")).toBe("export default class {}\n");
    expect(lookupModule(cache, entry, read)).toBe(stored);
    expect(lookupModule({ ...cache, compilerId: "build-2" }, entry, read)).toBeNull();
    expect(lookupModule(cache, imported, read)).toBeNull();

    writeFileSync(imported, "table b(x: int, y: int);");
    expect(lookupModule(cache, entry, read)).toBeNull();
    writeFileSync(imported, "table b(x: int);");
    expect(lookupModule(cache, entry, read)).toBe(stored);
    writeFileSync(probed, "table c(x: int);");
    expect(lookupModule(cache, entry, read)).toBeNull();
    rmSync(probed);

    // A recompile replaces the entry and removes the module it replaced.
    const again = storeModule(cache, entry, recording.sources, "export default class { x = 1 }\n");
    expect(again).not.toBe(stored);
    expect(existsSync(stored!)).toBe(false);
    expect(lookupModule(cache, entry, read)).toBe(again);

    writeFileSync(join(cache.directory, readdirSync(cache.directory).find((name) => name.endsWith(".json"))!), "{not json");
    expect(lookupModule(cache, entry, read)).toBeNull();
    rmSync(directory, { recursive: true, force: true });
  });

  it("says so instead of failing when the cache cannot be written", () => {
    const directory = scratch();
    writeFileSync(join(directory, "file"), "");
    const cache = { directory: join(directory, "file", "cache"), compilerId: "build" };
    expect(storeModule(cache, join(directory, "main.hydro"), [], "export default 1;\n")).toBeNull();
    rmSync(directory, { recursive: true, force: true });
  });
});

const BUILT_CLI = join(ROOT, "dist", "compiler", "cli", "index.js");

describe.skipIf(!existsSync(BUILT_CLI))("hydro run with the compile cache (built copy)", () => {
  // bin/hydro would run the sources through tsx whenever one is newer than dist/; this runs
  // the built copy whatever its age, so the cache (a built-copy feature) is what is tested.
  function hydro(cwd: string, cache: string, ...args: string[]) {
    const launcher = join(cwd, "launch-built.mjs");
    writeFileSync(launcher, `const { main } = await import(${JSON.stringify(pathToFileURL(BUILT_CLI).href)});\nawait main();\n`);
    return spawnSync(process.execPath, [launcher, ...args], {
      cwd,
      encoding: "utf8",
      env: { ...process.env, HYDRO_CACHE_DIR: cache, HYDRO_NO_CACHE: "" },
    });
  }

  it("stores a clean compile, reuses it, and recompiles when an imported file changes", () => {
    const directory = scratch();
    const cache = join(directory, "cache");
    mkdirSync(join(directory, "facts"));
    writeFileSync(join(directory, "facts", "edge.facts"), "1\t2\n2\t3\n");
    const rules = "scratch step(x: int, y: int);\nscratch path(x: int, y: int);\npath(x, y) <= step(x, y);\n";
    writeFileSync(join(directory, "rules.hydro"), `${rules}path(x, z) <= path(x, y), step(y, z);\n`);
    writeFileSync(
      join(directory, "main.hydro"),
      'import "./rules.hydro" as r;\ninput edge(x: int, y: int);\noutput reach(x: int, y: int);\nr.step(x, y) <= edge(x, y);\nreach(x, y) <= r.path(x, y);\n',
    );
    const run = () => {
      const result = hydro(directory, cache, "run", "main.hydro", "--facts", "facts", "--out", "out");
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      return readFileSync(join(directory, "out", "reach.csv"), "utf8");
    };
    expect(run()).toBe("1\t2\n1\t3\n2\t3\n");
    const entries = readdirSync(cache).sort();
    const modules = entries.filter((name) => name.endsWith(".mjs"));
    expect(modules).toHaveLength(1);
    // A second run imports the stored module as it is (a recompile would rewrite it).
    const stored = join(cache, modules[0]!);
    writeFileSync(stored, `${readFileSync(stored, "utf8")}// reused\n`);
    expect(run()).toBe("1\t2\n1\t3\n2\t3\n");
    expect(readdirSync(cache).sort()).toEqual(entries);
    expect(readFileSync(stored, "utf8")).toMatch(/\/\/ reused\n$/);

    // Only the imported module changes: without its recursive rule, reach is one step.
    writeFileSync(join(directory, "rules.hydro"), rules);
    expect(run()).toBe("1\t2\n2\t3\n");
    expect(readdirSync(cache).sort()).not.toEqual(entries);
    rmSync(directory, { recursive: true, force: true });
  });
});
