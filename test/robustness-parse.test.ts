// Thousands of broken programs never make the front end throw: random mutations of valid programs
// (tokens deleted, duplicated, swapped or moved; random bytes inserted) always end in diagnostics
// with sane locations, or in a clean parse — and a clean parse formats idempotently, keeping its
// tree. Seeded, so a failure reproduces.

import { describe, expect, it } from "vitest";
import { parseProgram } from "../compiler/build-ast.ts";
import { catalog } from "../compiler/diagnostics.ts";
import { makeSource } from "../compiler/source.ts";
import { formatProgram } from "../compiler/format/printer.ts";
import { lexSource } from "../grammar/lexer.ts";
import { Random } from "../runtime/sim/random.ts";

const SEEDS = [
  `module cart;
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
kvs(k, v) <+- put(_, k, v, _);
put_ok(c, i) <= put(c, _, _, i), !kvs("locked", _);
ack(c, i) <~ put(c, k, _, i), len(k) > 0 && k != "x";
total(sum(n)) <= every_second(n);
`,
  `// paths over a graph
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
  `lattice m(k: string; v: map<string, pair<max<int>, set<addr>>>) key();
input in(on: string, key: int);
seal d.c on (k, j);
in(s, k) <= d.pipe_in(key: k, value: m), s in keys(m), contains(s, "a\\"b"), x<-5;
best(n, c) <= in(n, c), (c + 1) * 2 >= 3 || !(n == "z");
`,
];

/** A seeded stream of numbers in [0, 1): the simulator's generator, so a failure reproduces. */
function random(seed: number): () => number {
  const generator = new Random(seed);
  return () => generator.next();
}

const NOISE = ['"', "/*", "*/", "\\", "$", "#", "(", ")", ";", ",", "<", ">", "@", "é", "\u0000", "\n", "1e", "9ms", "_", ".", ":"];

const seedTokens = new Map<string, { start: number; end: number }[]>();

function mutate(text: string, next: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  let tokens = seedTokens.get(text);
  if (tokens === undefined) {
    tokens = lexSource(makeSource("seed.hydro", text)).tokens.map((t) => ({ start: t.startOffset, end: t.startOffset + t.image.length }));
    seedTokens.set(text, tokens);
  }
  let result = text;
  const rounds = 1 + Math.floor(next() * 3);
  for (let round = 0; round < rounds; round++) {
    const token = pick(tokens);
    const other = pick(tokens);
    const piece = result.slice(token.start, token.end);
    const kind = Math.floor(next() * 5);
    if (token.end > result.length || other.end > result.length) break;
    if (kind === 0) result = result.slice(0, token.start) + result.slice(token.end);
    else if (kind === 1) result = result.slice(0, token.end) + " " + piece + result.slice(token.end);
    else if (kind === 2 && other.start > token.end) {
      const otherPiece = result.slice(other.start, other.end);
      result = result.slice(0, token.start) + otherPiece + result.slice(token.end, other.start) + piece + result.slice(other.end);
    } else if (kind === 3) {
      const at = Math.floor(next() * (result.length + 1));
      result = result.slice(0, at) + pick(NOISE) + result.slice(at);
    } else {
      const at = Math.floor(next() * (result.length + 1));
      const bytes = Array.from({ length: 1 + Math.floor(next() * 4) }, () => String.fromCharCode(Math.floor(next() * 128)));
      result = result.slice(0, at) + bytes.join("") + result.slice(at);
    }
  }
  return result;
}

describe("parsing mutated programs", () => {
  it("the seeds parse cleanly", () => {
    for (const seed of SEEDS) expect(parseProgram(makeSource("seed.hydro", seed)).diagnostics).toEqual([]);
  });

  it("3000 mutations end in located diagnostics or a clean parse, never an exception", () => {
    const next = random(20_240_611);
    let withDiagnostics = 0;
    const problems: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const text = mutate(SEEDS[i % SEEDS.length]!, next);
      let result;
      try {
        result = parseProgram(makeSource("mutant.hydro", text));
      } catch (error) {
        throw new Error(`mutant ${i} threw ${String(error)}:\n${text}`);
      }
      if (result.diagnostics.length > 0) withDiagnostics++;
      // Plain checks, collected: an expect() per diagnostic would cost more than the parsing.
      for (const d of result.diagnostics) {
        const sane =
          d.code in catalog &&
          d.span.start >= 0 &&
          d.span.start <= d.span.end &&
          d.span.end <= text.length &&
          d.span.line >= 1 &&
          d.span.column >= 1 &&
          !/Expecting|Semicolon|LParen|Identifier|undefined|NaN/.test(d.message);
        if (!sane) problems.push(`mutant ${i}: ${d.code} ${d.message} ${JSON.stringify(d.span)}\n${text}`);
      }
      for (const item of result.program.items) {
        if (!(item.span.start >= 0 && item.span.end <= text.length && item.span.start <= item.span.end)) {
          problems.push(`mutant ${i}: item span ${JSON.stringify(item.span)}\n${text}`);
        }
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    // Most mutants are broken; a generator that only made valid programs would test nothing.
    expect(withDiagnostics).toBeGreaterThan(1500);
  });

  it("mutants that still parse format idempotently, keeping their tree", () => {
    const next = random(7);
    const shape = (value: unknown) =>
      JSON.stringify(value, (key, v) => (key === "span" || key.endsWith("Span") || key === "file" ? undefined : v));
    let clean = 0;
    for (let i = 0; i < 1500; i++) {
      const text = mutate(SEEDS[i % SEEDS.length]!, next);
      const file = makeSource("mutant.hydro", text);
      const parsed = parseProgram(file);
      if (parsed.diagnostics.length > 0) continue;
      clean++;
      const once = formatProgram(parsed.program, file);
      const reparsed = parseProgram(makeSource("mutant.hydro", once));
      expect(reparsed.diagnostics, `${text}\n----\n${once}`).toEqual([]);
      expect(shape(reparsed.program), `${text}\n----\n${once}`).toBe(shape(parsed.program));
      expect(formatProgram(reparsed.program, makeSource("mutant.hydro", once)), `${text}\n----\n${once}`).toBe(once);
    }
    expect(clean).toBeGreaterThan(50);
  });
});
