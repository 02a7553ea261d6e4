// The `.hydro` printer: its layout and comment placement, idempotence on real programs, the
// round-trip property on random ASTs (print, parse back: the same tree; print again: the same
// text), the prettier plugin through prettier's API, and `hydro fmt` with its flags and exit codes.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import type * as A from "../compiler/ast.ts";
import { AGGREGATE_FUNCTIONS, BUILTIN_FUNCTIONS, parseProgram } from "../compiler/build-ast.ts";
import { fmtCommand } from "../compiler/cli/fmt.ts";
import type { CliContext } from "../compiler/cli/io.ts";
import { formatProgram } from "../compiler/format/printer.ts";
import plugin from "../compiler/format/prettier-plugin.ts";
import { makeSource, type Span } from "../compiler/source.ts";
import { lexSource } from "../grammar/lexer.ts";

const REPOSITORY = join(dirname(fileURLToPath(import.meta.url)), "..");

function format(text: string, path = "test.hydro"): string {
  const file = makeSource(path, text);
  const { program, diagnostics } = parseProgram(file);
  expect(diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message}`)).toEqual([]);
  return formatProgram(program, file);
}

/** The tree without positions: what must survive formatting. */
function shape(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === "span" || key.endsWith("Span") || key === "file" ? undefined : v)));
}

function expectStable(text: string, path = "test.hydro"): string {
  const once = format(text, path);
  expect(format(once, path)).toBe(once);
  expect(shape(parseProgram(makeSource(path, once)).program)).toEqual(shape(parseProgram(makeSource(path, text)).program));
  return once;
}

describe("layout", () => {
  it("one declaration per line, single spaces, canonical punctuation", () => {
    expect(format('module   cart ;\nimport "std/delivery"   as d;\ntable  kvs( key :string,value:string )key( key );\nlattice best(node: string;cost: min<int>);\nlattice  total : max< int >;\nperiodic tick( 5s );\nchannel ack(@to: addr, id: int);\nseal d.c on(k,j);\n@nondet("clock")  extern fn f(a: int): int from "./f.ts";\nedge(1,-2, 2.50, "a\\tb");\n')).toBe(
      [
        "module cart;",
        'import "std/delivery" as d;',
        "table kvs(key: string, value: string) key(key);",
        "lattice best(node: string; cost: min<int>);",
        "lattice total: max<int>;",
        "periodic tick(5s);",
        "channel ack(@to: addr, id: int);",
        "seal d.c on (k, j);",
        '@nondet("clock")',
        'extern fn f(a: int): int from "./f.ts";',
        'edge(1, -2, 2.5, "a\\tb");',
        "",
      ].join("\n"),
    );
  });

  it("rules on one line up to 100 columns, else one body literal per line", () => {
    expect(format("path(x,z)<=edge(x,y),path(y,z);")).toBe("path(x, z) <= edge(x, y), path(y, z);\n");
    const long = "long_rule_name(alpha, beta, gamma) <= first_collection(alpha, beta), second_collection(beta, gamma), alpha > 2;";
    expect(format(long)).toBe(
      "long_rule_name(alpha, beta, gamma) <=\n    first_collection(alpha, beta),\n    second_collection(beta, gamma),\n    alpha > 2;\n",
    );
  });

  it("parentheses only where precedence needs them", () => {
    expect(format("r(x) <= s(x), ((x + 1)) * 2 == -(y - z) || !(a && b), x - (y - z) == (x - y) - z, x<-5;")).toBe(
      "r(x) <= s(x), (x + 1) * 2 == -(y - z) || !(a && b), x - (y - z) == x - y - z, x < -5;\n",
    );
    expect(format("r(x) <= s(x), (a == b) == c, a || (b || c), (a || b) || c;")).toBe("r(x) <= s(x), (a == b) == c, a || (b || c), a || b || c;\n");
  });

  it("keeps at most one blank line between items", () => {
    expect(format("\n\ntable a(x: int);\n\n\n\ntable b(x: int);\ntable c(x: int);\n\n")).toBe("table a(x: int);\n\ntable b(x: int);\ntable c(x: int);\n");
  });

  it("keeps every comment, beside what it was beside", () => {
    const text = [
      "// header",
      "",
      "module   cart ;   // trailing",
      "/* before */ table  kvs(key: string,   // the key",
      "   value: string) key(key);",
      '@name("x")   // inside the head',
      "path(x, z) <= edge(x, y), // first hop",
      "    // second hop",
      "    path(y, z), x<-5 /* last */;",
      "r(x) <= a(x)",
      "  // dangling",
      "  ;",
      "// footer",
    ].join("\n");
    expect(expectStable(text)).toBe(
      [
        "// header",
        "",
        "module cart; // trailing",
        "/* before */",
        "table kvs(",
        "    key: string, // the key",
        "    value: string",
        ") key(key);",
        "// inside the head",
        '@name("x")',
        "path(x, z) <=",
        "    edge(x, y), // first hop",
        "    // second hop",
        "    path(y, z),",
        "    x < -5; /* last */",
        "r(x) <= a(x);",
        "// dangling",
        "// footer",
        "",
      ].join("\n"),
    );
  });

  it("a file of comments only, and an empty file", () => {
    expect(format("// only\n\n\n/* comments */")).toBe("// only\n\n/* comments */\n");
    expect(format("")).toBe("");
  });
});

const SEEDS: Record<string, string> = {
  "kvs.hydro": `module kvs;
import "std/delivery" as d;
@nondet("clock") extern fn stamp(s: string): int from "./udfs.ts";
table kvs(key: string, value: string) key(key);
input put(client: addr, key: string, value: string, id: int);
output put_ok(client: addr, id: int);
channel ack(@to: addr, id: int);
periodic every_second(1s);
lattice best(node: string; cost: min<int>);
lattice total: max<int>;
seal ack on (id);
kvs(k, v) <+- put(_, k, v, _); // upsert
put_ok(c, i) <= put(c, _, _, i), !kvs("locked", _);
ack(c, i) <~ put(c, k, _, i), len(k) > 0 && k != "x";
total(sum(n)) <= every_second(n);
`,
  "paths.hydro": `// paths over a graph
table edge(a: int, b: int);
table path(a: int, b: int);
edge(1, 2); edge(2, -3);

path(x, y) <= edge(x, y);
path(x, z) <= edge(x, y), path(y, z), x != z;
@name("reach") n(count(), collect(x)) <= path(x, _);
alarm() <= !path(_, 1);
/* a block
   comment */
scratch ready();
ready() <= x in range(0, 10), x * 2 % 3 == 1, y = -x + 4;
`,
};

describe("idempotence and meaning on real programs", () => {
  for (const [name, text] of Object.entries(SEEDS)) {
    it(name, () => {
      expectStable(text, name);
    });
  }

  const stdlib = join(REPOSITORY, "stdlib", "std");
  const files = existsSync(stdlib) ? readdirSync(stdlib).filter((f) => f.endsWith(".hydro")) : [];
  it.skipIf(files.length === 0)("the standard library modules", () => {
    for (const name of files) expectStable(readFileSync(join(stdlib, name), "utf8"), name);
  });

  const language = join(REPOSITORY, "..", "shared", "LANGUAGE.md");
  it.skipIf(!existsSync(language))("the declarations block of LANGUAGE.md", () => {
    const block = /^```\n([\s\S]*?)^```/m.exec(readFileSync(language, "utf8"))![1]!;
    expectStable(block);
  });
});

// ---- random ASTs ----

const S: Span = { file: "generated.hydro", start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };
const NAMES = ["a", "b", "x", "y", "edge", "path", "n_1", "_y", "input", "key", "on", "in", "table", "seal", "module", "from", "as", "fn", "lattice", "periodic"];
const name = fc.constantFrom(...NAMES);
const identifier = name.map((n): A.Identifier => ({ name: n, span: S }));
const qualifiedName = fc.tuple(fc.option(identifier, { nil: undefined }), identifier).map(([module, n]): A.QualifiedName =>
  module ? { module, name: n, span: S } : { name: n, span: S },
);
const text = fc.string({ unit: "binary", maxLength: 8 });
const natural = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const positiveFloat = fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));

const typeExpression: fc.Arbitrary<A.TypeExpr> = fc.letrec<{ type: A.TypeExpr }>((tie) => ({
  type: fc.record({
    kind: fc.constant("type" as const),
    name: fc.constantFrom("int", "string", "max", "set", "map", "pair", "bool_or", "key").map((n) => ({ name: n, span: S })),
    args: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.constant([]), fc.array(tie("type"), { minLength: 1, maxLength: 2 })),
    span: fc.constant(S),
  }),
})).type;

const BINARY: A.BinaryOperator[] = ["+", "-", "*", "/", "%", "++", "==", "!=", "<", "<=", ">", ">=", "=", "&&", "||"];

const expression: fc.Arbitrary<A.Expression> = fc.letrec<{ expression: A.Expression }>((tie) => ({
  expression: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    natural.map((value): A.Expression => ({ kind: "int", value, span: S })),
    positiveFloat.map((value): A.Expression => ({ kind: "float", value, span: S })),
    text.map((value): A.Expression => ({ kind: "string", value, span: S })),
    fc.boolean().map((value): A.Expression => ({ kind: "bool", value, span: S })),
    name.map((n): A.Expression => ({ kind: "variable", name: n, span: S })),
    fc.constant<A.Expression>({ kind: "wildcard", span: S }),
    fc.record({ operator: fc.constantFrom(...BINARY), left: tie("expression"), right: tie("expression") }).map(
      (b): A.Expression => ({ kind: "binary", ...b, operatorSpan: S, span: S }),
    ),
    fc.record({ operator: fc.constantFrom("-" as const, "!" as const), operand: tie("expression") }).map((u): A.Expression => ({ kind: "unary", ...u, span: S })),
    fc.record({ callee: fc.constantFrom(...BUILTIN_FUNCTIONS, "classify", "stamp"), args: fc.array(tie("expression"), { maxLength: 3 }) }).map(
      (c): A.Expression => ({ kind: "call", callee: { name: c.callee, span: S }, args: c.args, span: S }),
    ),
    fc.record({ function: fc.constantFrom(...AGGREGATE_FUNCTIONS), arg: fc.option(tie("expression"), { nil: undefined }) }).map(
      (a): A.Expression => ({ kind: "aggregate", function: a.function, functionSpan: S, ...(a.arg ? { arg: a.arg } : {}), span: S }),
    ),
  ),
})).expression;

const argument = (value: fc.Arbitrary<A.Expression>, named: boolean) =>
  (named ? identifier.map((n) => ({ name: n })) : fc.constant({})).chain((label) => value.map((v): A.Argument => ({ ...label, value: v, span: S })));
const argumentList = (value: fc.Arbitrary<A.Expression>) =>
  fc.boolean().chain((named) => fc.array(argument(value, named), { maxLength: 3 }).map((args) => ({ args, named: named && args.length > 0 })));

const constantValue: fc.Arbitrary<A.Expression> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map((v): A.Expression => ({ kind: "int", value: v === 0 ? 0 : v, span: S })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v): A.Expression => ({ kind: "float", value: Object.is(v, -0) ? 0 : v, span: S })),
  text.map((value): A.Expression => ({ kind: "string", value, span: S })),
  fc.boolean().map((value): A.Expression => ({ kind: "bool", value, span: S })),
);

const annotation = fc.record({ name: identifier, argument: fc.option(text, { nil: undefined }) }).map(
  (a): A.Annotation => ({ kind: "annotation", name: a.name, ...(a.argument !== undefined ? { argument: { value: a.argument, span: S } } : {}), span: S }),
);

const bodyLiteral: fc.Arbitrary<A.BodyLiteral> = fc.oneof(
  fc.record({ negated: fc.boolean(), target: qualifiedName, list: argumentList(expression) }).map(
    (a): A.BodyLiteral => ({ kind: "atom", negated: a.negated, target: a.target, args: a.list.args, named: a.list.named, span: S }),
  ),
  expression.map((e): A.BodyLiteral => ({ kind: "condition", expression: e, span: S })),
  fc.record({ variable: identifier, source: expression }).map((m): A.BodyLiteral => ({ kind: "membership", ...m, span: S })),
);

const column = (lattice: boolean) =>
  fc.record({ name: identifier, type: typeExpression, address: fc.boolean() }).map((c): A.ColumnDecl => ({ ...c, lattice, span: S }));

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

const item: fc.Arbitrary<A.Item> = fc.oneof(
  identifier.map((n): A.Item => ({ kind: "module", name: n, span: S })),
  fc.record({ path: text, alias: identifier }).map((i): A.Item => ({ kind: "import", path: i.path, pathSpan: S, alias: i.alias, span: S })),
  fc
    .record({
      annotations: fc.array(annotation, { maxLength: 2 }),
      // Names of their own: a body literal calling an extern fn of the file is a condition.
      name: fc.constantFrom("classify", "stamp", "score").map((n): A.Identifier => ({ name: n, span: S })),
      params: fc.array(fc.record({ name: identifier, type: typeExpression }), { maxLength: 3 }),
      returnType: typeExpression,
      from: text,
    })
    .map((e): A.Item => ({ kind: "extern", ...e, fromSpan: S, span: S })),
  fc
    .record({
      collectionKind: fc.constantFrom("table", "scratch", "input", "output", "channel", "lattice") as fc.Arbitrary<A.CollectionKind>,
      name: identifier,
      plain: fc.array(column(false), { maxLength: 3 }),
      lattice: fc.array(column(true), { maxLength: 2 }),
      key: fc.option(fc.array(identifier, { maxLength: 2 }), { nil: undefined }),
    })
    .map(
      (c): A.Item => ({
        kind: "collection",
        collectionKind: c.collectionKind,
        name: c.name,
        columns: [...c.plain, ...c.lattice],
        ...(c.key ? { key: { columns: c.key, span: S } } : {}),
        span: S,
      }),
    ),
  fc.record({ name: identifier, amount: fc.integer({ min: 0, max: 5000 }), unit: fc.constantFrom("ms", "s", "m", "h") as fc.Arbitrary<keyof typeof UNITS> }).map(
    (p): A.Item => ({
      kind: "collection",
      collectionKind: "periodic",
      name: p.name,
      columns: [],
      period: { milliseconds: p.amount * UNITS[p.unit], text: `${p.amount}${p.unit}`, span: S },
      span: S,
    }),
  ),
  fc.record({ name: identifier, scalar: typeExpression }).map((l): A.Item => ({ kind: "collection", collectionKind: "lattice", ...l, columns: [], span: S })),
  fc.record({ collection: qualifiedName, columns: fc.array(identifier, { maxLength: 3 }) }).map((s): A.Item => ({ kind: "seal", ...s, span: S })),
  fc.record({ target: qualifiedName, list: argumentList(constantValue) }).map((f): A.Item => ({ kind: "fact", target: f.target, args: f.list.args, span: S })),
  fc
    .record({
      annotations: fc.array(annotation, { maxLength: 2 }),
      target: qualifiedName,
      head: argumentList(expression),
      operator: fc.constantFrom("<=", "<+", "<-", "<+-", "<~") as fc.Arbitrary<A.MergeOperator>,
      body: fc.array(bodyLiteral, { minLength: 1, maxLength: 4 }),
    })
    .map(
      (r): A.Item => ({
        kind: "rule",
        annotations: r.annotations,
        head: { target: r.target, args: r.head.args, span: S },
        operator: r.operator,
        operatorSpan: S,
        body: r.body,
        span: S,
      }),
    ),
);

const program = fc.array(item, { maxLength: 6 }).map((items): A.SourceProgram => ({ kind: "program", file: "generated.hydro", items, span: S }));

describe("round trip on random ASTs", () => {
  it("print, parse back to the same tree, print again to the same text", () => {
    fc.assert(
      fc.property(program, (generated) => {
        const printed = formatProgram(generated, makeSource("generated.hydro", ""));
        const reparsed = parseProgram(makeSource("generated.hydro", printed));
        expect(reparsed.diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message}`), printed).toEqual([]);
        expect(shape(reparsed.program.items), printed).toEqual(shape(generated.items));
        expect(formatProgram(reparsed.program, makeSource("generated.hydro", printed))).toBe(printed);
      }),
      { numRuns: 300, seed: 4242 },
    );
  });
});

describe("comments anywhere", () => {
  it("comments inserted between any tokens are all kept, the tree unchanged, formatting idempotent", () => {
    const seeds = Object.values(SEEDS);
    const boundaries = seeds.map((seed) => {
      const tokens = lexSource(makeSource("seed.hydro", seed)).tokens;
      return [...tokens.map((t) => t.startOffset), seed.length];
    });
    const insertion = fc.record({
      seed: fc.integer({ min: 0, max: seeds.length - 1 }),
      comments: fc.array(fc.record({ at: fc.nat(), line: fc.boolean(), newline: fc.boolean() }), { minLength: 1, maxLength: 8 }),
    });
    fc.assert(
      fc.property(insertion, ({ seed, comments }) => {
        const places = boundaries[seed]!;
        let text = seeds[seed]!;
        const inserted = comments
          .map((c, index) => ({ ...c, offset: places[c.at % places.length]!, index }))
          .sort((a, b) => b.offset - a.offset || b.index - a.index);
        for (const c of inserted) {
          const comment = c.line ? `// note ${c.index}\n` : `/* note ${c.index} */${c.newline ? "\n" : " "}`;
          text = text.slice(0, c.offset) + comment + text.slice(c.offset);
        }
        const once = format(text);
        for (const c of comments.keys()) expect(once.match(new RegExp(`note ${c}(?![0-9])`, "g"))?.length, once).toBe(1);
        expect(format(once), `${text}\n----\n${once}`).toBe(once);
        expect(shape(parseProgram(makeSource("test.hydro", once)).program)).toEqual(shape(parseProgram(makeSource("test.hydro", seeds[seed]!)).program));
      }),
      { numRuns: 200, seed: 1717 },
    );
  });
});

describe("prettier plugin", () => {
  it("formats through prettier's API like hydro fmt", async () => {
    const text = "module  x;\ntable t(a:int);  // c\nr(x)<=t(x),x<-5;\n";
    const viaPrettier = await prettier.format(text, { parser: "hydro", plugins: [plugin] });
    expect(viaPrettier).toBe("module x;\ntable t(a: int); // c\nr(x) <= t(x), x < -5;\n");
    expect(viaPrettier).toBe(format(text));
    expect(await prettier.format(text, { filepath: "found/by/extension.hydro", plugins: [plugin] })).toBe(viaPrettier);
  });

  it("reports a syntax error with its location", async () => {
    const failure = prettier.format("table t(a int);\n", { parser: "hydro", plugins: [plugin] });
    await expect(failure).rejects.toThrow("HY1004: expected `:` and a type after the column name, found `int`");
    await expect(failure).rejects.toMatchObject({ loc: { start: { line: 1, column: 11 } } });
  });
});

// ---- hydro fmt ----

async function runFmt(cwd: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const context: CliContext = {
    io: { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), stdin: process.stdin, cwd, env: {}, colors: false },
    exitCode: 0,
  };
  const command = fmtCommand(context);
  command.exitOverride();
  command.configureOutput({ writeOut: (t) => void out.push(t), writeErr: (t) => void err.push(t) });
  try {
    await command.parseAsync(args, { from: "user" });
  } catch {
    context.exitCode = 2;
  }
  return { code: context.exitCode, stdout: out.join(""), stderr: err.join("") };
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "hydro-fmt-"));
  mkdirSync(join(dir, "nested", "deeper"), { recursive: true });
  writeFileSync(join(dir, "clean.hydro"), "table t(a: int);\n");
  writeFileSync(join(dir, "messy.hydro"), "table   t(a:int);\nt( 1 );\n");
  writeFileSync(join(dir, "nested", "deeper", "messy2.hydro"), "r(x)<=t(x);\n");
  writeFileSync(join(dir, "nested", "notes.txt"), "not hydro");
  return dir;
}

describe("hydro fmt", () => {
  it("prints the formatted text without a flag", async () => {
    const dir = workspace();
    const result = await runFmt(dir, "messy.hydro");
    expect(result).toEqual({ code: 0, stdout: "table t(a: int);\nt(1);\n", stderr: "" });
  });

  it("--check lists unformatted files, recursing into directories, and exits 1", async () => {
    const dir = workspace();
    const result = await runFmt(dir, "--check", ".");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("messy.hydro\nnested/deeper/messy2.hydro\n");
    expect(result.stderr).toBe("2 files are not formatted: run hydro fmt --write\n");
    expect(await runFmt(dir, "--check", "clean.hydro")).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("--write rewrites only what changes, after which --check passes", async () => {
    const dir = workspace();
    const result = await runFmt(dir, "--write", ".");
    expect(result).toMatchObject({ code: 0, stdout: "messy.hydro\nnested/deeper/messy2.hydro\n" });
    expect(readFileSync(join(dir, "messy.hydro"), "utf8")).toBe("table t(a: int);\nt(1);\n");
    expect(readFileSync(join(dir, "nested", "deeper", "messy2.hydro"), "utf8")).toBe("r(x) <= t(x);\n");
    expect((await runFmt(dir, "--check", ".")).code).toBe(0);
  });

  it("syntax errors: located diagnostics on stderr, exit 2, the file untouched, other files handled", async () => {
    const dir = workspace();
    writeFileSync(join(dir, "broken.hydro"), "table t(a int);\nr(x) <= ;\n");
    const result = await runFmt(dir, "--write", "broken.hydro", "messy.hydro");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "broken.hydro:1:11: error HY1004: expected `:` and a type after the column name, found `int`\n" +
        "broken.hydro:2:9: error HY1004: expected a body literal such as edge(x, y), !done(x), x < 3 or x in s, found `;`\n",
    );
    expect(readFileSync(join(dir, "broken.hydro"), "utf8")).toBe("table t(a int);\nr(x) <= ;\n");
    expect(readFileSync(join(dir, "messy.hydro"), "utf8")).toBe("table t(a: int);\nt(1);\n");
  });

  it("bad usage and missing files exit 2", async () => {
    const dir = workspace();
    expect((await runFmt(dir, "--check", "--write", "clean.hydro")).code).toBe(2);
    const missing = await runFmt(dir, "nowhere.hydro");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("hydro fmt: cannot read nowhere.hydro\n");
  });
});
