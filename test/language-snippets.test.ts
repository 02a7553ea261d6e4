// The language document's own examples parse: every fenced `.hydro` block of LANGUAGE.md §2–4,
// the literals of §2, and the rule-like inline snippets of §4 (wrapped into a rule when they are
// a body literal or an annotation). The snippets are read from the document, so this test follows
// it. LANGUAGE.md lives beside the repository (../shared); without it the test is skipped.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseProgram } from "../compiler/build-ast.ts";
import { makeSource } from "../compiler/source.ts";

const REPOSITORY = join(dirname(fileURLToPath(import.meta.url)), "..");
const LANGUAGE = join(REPOSITORY, "..", "shared", "LANGUAGE.md");
const present = existsSync(LANGUAGE);
if (!present) console.warn(`language-snippets: skipped, ${LANGUAGE} is absent`);

/** The text of the sections numbered from..to (`## 2.` … up to `## to+1.`). */
function sections(document: string, from: number, to: number): string {
  const start = document.indexOf(`\n## ${from}.`);
  const end = document.indexOf(`\n## ${to + 1}.`);
  return document.slice(start, end === -1 ? undefined : end);
}

function fencedBlocks(text: string): string[] {
  const blocks: string[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```/gm;
  for (let match = fence.exec(text); match; match = fence.exec(text)) {
    if (match[1] === "" || match[1] === "hydro") blocks.push(match[2]!);
  }
  return blocks;
}

function inlineSpans(text: string): string[] {
  return [...text.replace(/^```[\s\S]*?^```/gm, "").matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
}

function errorsOf(text: string): string[] {
  return parseProgram(makeSource("LANGUAGE.md.hydro", text)).diagnostics.map(
    (d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message}`,
  );
}

const MERGE = /<=|<\+-|<\+|<-|<~/;

/** How an inline snippet of §4 becomes a program, or undefined when it is not code of a rule. */
function asProgram(snippet: string): string | undefined {
  const code = snippet.replace(/\.\.\./g, "x");
  if (MERGE.test(code) && code.trim().endsWith(";")) return code;
  if (code.startsWith("@") && code.includes("(")) return `${code} r() <= s();`;
  const callLike = /^!?[A-Za-z_][\w.]*\(.*\)$/.test(code);
  const operatorLike = /^[\w"(]/.test(code) && /\s(in|<|<=|>|>=|==|!=|=|\+|-|\*|\/|%|\+\+)\s/.test(code);
  if (callLike || operatorLike) return `r() <= ${code};`;
  return undefined;
}

describe.skipIf(!present)("LANGUAGE.md examples", () => {
  const document = present ? readFileSync(LANGUAGE, "utf8") : "";

  it("every fenced .hydro block of §2–4 parses without errors", () => {
    const blocks = fencedBlocks(sections(document, 2, 4));
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    for (const block of blocks) expect(errorsOf(block)).toEqual([]);
  });

  it("the declarations block of §3 yields one item per declaration line", () => {
    const [block] = fencedBlocks(sections(document, 3, 3));
    const lines = block!.split("\n").filter((line) => line.replace(/\/\/.*/, "").trim() !== "");
    expect(parseProgram(makeSource("decls.hydro", block!)).program.items).toHaveLength(lines.length);
  });

  it("the literals of §2 parse, durations as a period and the others as fact arguments", () => {
    const literalsLine = sections(document, 2, 2).split("\n").find((line) => line.includes("Literals:"))!;
    const continuation = sections(document, 2, 2).split("\n");
    const at = continuation.indexOf(literalsLine);
    const text = [literalsLine, continuation[at + 1] ?? ""].join("\n");
    const literals = inlineSpans(text);
    expect(literals).toContain("250ms");
    for (const literal of literals) {
      const program = /^[0-9]+(ms|s|m|h)$/.test(literal) ? `periodic p(${literal});` : `f(${literal});`;
      expect([literal, errorsOf(program)]).toEqual([literal, []]);
    }
  });

  it("every rule-like inline snippet of §4 parses", () => {
    const snippets = inlineSpans(sections(document, 4, 4));
    const programs = snippets.map(asProgram).filter((p): p is string => p !== undefined);
    // The document shows at least the bare rule, the head aggregates and the body literal forms.
    expect(programs.length).toBeGreaterThanOrEqual(20);
    expect(programs).toContain("alarm() <= !heartbeat(_);");
    if (process.env["SHOW_SNIPPETS"]) console.log(programs.join("\n"));
    for (const program of programs) expect([program, errorsOf(program)]).toEqual([program, []]);
  });
});
