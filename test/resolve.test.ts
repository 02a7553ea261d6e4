// Name resolution: imports (stdlib, relative, nested, repeated), module prefixes, which names a
// module's rules see, extern module paths, the module name, and the resolution diagnostics.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseProgram } from "../compiler/build-ast.ts";
import { memoryHost, STDLIB_DIRECTORY } from "../compiler/host.ts";
import { resolveProgram } from "../compiler/resolve.ts";
import { makeSource } from "../compiler/source.ts";
import { typecheck } from "../compiler/typecheck.ts";

function resolve(text: string, files: Record<string, string> = {}, path = "main.hydro") {
  const file = makeSource(path, text);
  const parsed = parseProgram(file);
  expect(parsed.diagnostics).toEqual([]);
  return resolveProgram({ file, program: parsed.program }, memoryHost(files));
}

function codes(result: ReturnType<typeof resolve>): string[] {
  return result.diagnostics.map((d) => `${d.code} ${d.span.file}:${d.span.line}:${d.span.column}`);
}

describe("imports and module prefixes", () => {
  it("names a stdlib module's collections with the alias, and its rules join the program", () => {
    const result = resolve('import "std/delivery" as d;\ntable got(x: any);\ngot(p) <= d.pipe_out(_, _, _, p);');
    expect(result.diagnostics).toEqual([]);
    const names = result.program.collections.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["got", "d.pipe_in", "d.pipe_out", "d.data", "d.unacknowledged"]));
    expect(result.sources.map((s) => s.path)).toEqual(["main.hydro", join(STDLIB_DIRECTORY, "std", "delivery.hydro")]);
    // The module's own rules refer to its own collections by their unqualified names.
    const moduleRule = result.program.rules.find((r) => r.module.prefix === "d.")!;
    expect(result.program.collectionOf(moduleRule.module, moduleRule.item.head.target)!.name).toMatch(/^d\./);
    const checked = typecheck(result.program);
    expect(checked.program!.rules.map((r) => r.name)).toEqual([
      "got#1",
      "d.data#1",
      "d.unacknowledged#1",
      "d.data#2",
      "d.pipe_out#1",
      "d.ack#1",
      "d.unacknowledged#2",
    ]);
  });

  it("nests prefixes, resolves paths relative to the importing file, with or without .hydro", () => {
    const files = {
      "lib/outer.hydro": 'import "./inner" as e;\ntable x(v: int);\nx(v) <= e.y(v);',
      "lib/inner.hydro": "table y(v: int);\ny(1);",
    };
    const result = resolve('import "lib/outer.hydro" as d;\ntable top(v: int);\ntop(v) <= d.x(v);', files);
    expect(result.diagnostics).toEqual([]);
    expect(result.program.collections.map((c) => c.name)).toEqual(["top", "d.x", "d.e.y"]);
    expect(result.program.modules.map((m) => [m.path, m.prefix])).toEqual([
      ["main.hydro", ""],
      ["lib/outer.hydro", "d."],
      ["lib/inner.hydro", "d.e."],
    ]);
    const checked = typecheck(result.program).program!;
    expect(checked.facts).toEqual([expect.objectContaining({ collection: "d.e.y" })]);
    expect(checked.rules.map((r) => [r.name, r.atoms[0]!.collection])).toEqual([
      ["top#1", "d.x"],
      ["d.x#1", "d.e.y"],
    ]);
  });

  it("instantiates a module once per import, parsing its file once", () => {
    const files = { "counter.hydro": 'table n(v: int);\n@name("grow")\nn(v + 1) <+ n(v), v < 3;' };
    const result = resolve('import "counter" as a;\nimport "counter" as b;', files);
    expect(result.program.collections.map((c) => c.name)).toEqual(["a.n", "b.n"]);
    expect(result.sources.map((s) => s.path)).toEqual(["main.hydro", "counter.hydro"]);
    // Rule names are qualified like the collections, so the two copies do not clash.
    const checked = typecheck(result.program);
    expect(checked.diagnostics).toEqual([]);
    expect(checked.program!.rules.map((r) => [r.name, r.head, r.atoms[0]!.collection])).toEqual([
      ["a.grow", "a.n", "a.n"],
      ["b.grow", "b.n", "b.n"],
    ]);
  });

  it("reports a mistake in a file imported twice once", () => {
    const files = { "m.hydro": "table t(x: int);\nt(x) <= nope(x);\nt(\"s\") <= t(_);" };
    const result = resolve('import "m" as a;\nimport "m" as b;', files);
    expect(codes(result)).toEqual(["HY2001 m.hydro:2:9"]);
    const checked = typecheck(result.program);
    expect(checked.diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column}`)).toEqual(["HY3002 3:3"]);
  });

  it("reports a module that is not found, and a cycle through the root", () => {
    expect(codes(resolve('import "missing" as m;'))).toEqual(["HY2004 main.hydro:1:8"]);
    const files = { "a.hydro": 'import "b" as b;', "b.hydro": 'import "a" as a;' };
    const result = resolve('import "a" as a;', files);
    expect(codes(result)).toEqual(["HY2005 b.hydro:1:8"]);
    expect(result.diagnostics[0]!.message).toBe("cyclic import: a.hydro -> b.hydro -> a.hydro");
  });

  it("reports a duplicate alias, and the parse errors of an imported file at that file", () => {
    const files = { "m.hydro": "table t(x: int);", "bad.hydro": "table (;" };
    expect(codes(resolve('import "m" as a;\nimport "m" as a;', files))).toEqual(["HY2002 main.hydro:2:15"]);
    const result = resolve('import "bad" as b;', files);
    expect(result.diagnostics[0]).toMatchObject({ code: "HY1004", span: { file: "bad.hydro" } });
    expect(result.diagnostics.every((d) => d.span.file === "bad.hydro")).toBe(true);
    expect(result.program.hasErrors).toBe(true);
  });
});

describe("collection names", () => {
  it("suggests a close name, or the module that declares it", () => {
    const files = { "m.hydro": "table events(x: int);" };
    const result = resolve('import "m" as m;\ntable event(x: int);\nevent(x) <= evnt(x);\nevent(x) <= events(x);\nevent(x) <= m.evnts(x);', files);
    expect(codes(result)).toEqual(["HY2001 main.hydro:3:13", "HY2001 main.hydro:4:13", "HY2001 main.hydro:5:13"]);
    expect(result.diagnostics.map((d) => d.help)).toEqual(["did you mean `event`?", "did you mean `m.events`?", "did you mean `m.events`?"]);
  });

  it("does not let a module see its importer's collections", () => {
    const files = { "m.hydro": "table mine(x: int);\nmine(x) <= theirs(x);" };
    expect(codes(resolve('import "m" as m;\ntable theirs(x: int);', files))).toEqual(["HY2001 m.hydro:2:12"]);
  });

  it("takes the module name from `module`, else from the file name", () => {
    expect(resolve("module shop;").program.moduleName).toBe("shop");
    expect(resolve("", {}, "dir/my-cart.hydro").program.moduleName).toBe("my_cart");
    expect(resolve("", {}, "2pc.hydro").program.moduleName).toBe("_2pc");
  });
});

describe("extern modules", () => {
  it("resolves `from` against the declaring file's directory, and qualifies a module's externs", () => {
    const files = {
      "lib/text.hydro": 'extern fn shout(s: string): string from "./shout.js";\ntable loud(s: string);\nloud(shout(s)) <= loud(s);',
      "lib/shout.ts": "export const shout = (s: string) => s.toUpperCase();",
    };
    const result = resolve('import "lib/text" as t;\nextern fn id(s: string): string from "some-package";', files);
    expect(result.diagnostics).toEqual([]);
    expect(result.program.externs.map((e) => [e.name, e.resolvedFrom])).toEqual([
      ["id", "some-package"],
      ["t.shout", "lib/shout.ts"],
    ]);
    const checked = typecheck(result.program).program!;
    const call = checked.rules[0]!.headColumns[0]!;
    expect(call).toMatchObject({ kind: "call", function: "t.shout", extern: true, nondeterministic: false });
  });

  it("reports a duplicate extern and one that would hide a built-in or an aggregate", () => {
    const files = { "f.ts": "" };
    const result = resolve(
      'extern fn f(x: int): int from "./f.ts";\nextern fn f(x: int): int from "./f.ts";\nextern fn count(x: int): int from "./f.ts";',
      files,
    );
    expect(codes(result)).toEqual(["HY2002 main.hydro:2:11", "HY2014 main.hydro:3:11"]);
  });
});
