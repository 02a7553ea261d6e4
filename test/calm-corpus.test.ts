// The CALM corpus: small programs under test/calm/corpus, each with hand-written `// expect:`
// lines that are the specification (ANALYSIS.md §1 and §3 case by case), checked through the
// same code path as `hydro check --format json`. A golden JSON per program (test/golden/calm/)
// pins the details — operators, gates, paths, messages; regenerate it with UPDATE_GOLDEN=1 and
// review the diff. The expect lines are never regenerated.
//
//   // expect: exit 1
//   // expect: tally#1 needs-coordination CALM001 fix=seal gate=(tx) downstream=a#1,b#1
//   // expect: decided#1 coordination-free downstream=tally#1
//   // expect: output announced D          (label of an output collection)
//   // expect: label votes A               (label of any collection)
//   // expect: diagnostic CALM006          (some diagnostic with this code)
//   // expect: error HY4001                (a compile error with this code; no verdicts)

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeHost } from "../compiler/host.ts";
import { formatJson } from "../compiler/cli/check-json.ts";
import { checkFiles, exitCodeOf } from "../compiler/cli/check-run.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const CORPUS = join(HERE, "calm", "corpus");
const GOLDEN = join(HERE, "golden", "calm");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

interface RuleExpectation {
  readonly name: string;
  readonly verdict: string;
  readonly code: string | null;
  readonly fix?: string;
  readonly gate?: string;
  readonly downstream?: string;
}

interface Expectations {
  exit: number | null;
  readonly rules: RuleExpectation[];
  readonly labels: { collection: string; label: string; output: boolean }[];
  readonly diagnostics: string[];
  readonly errors: string[];
}

function parseExpectations(text: string): Expectations {
  const result: Expectations = { exit: null, rules: [], labels: [], diagnostics: [], errors: [] };
  for (const line of text.split("\n")) {
    const match = /^\/\/ expect: (.*)$/.exec(line.trim());
    if (match === null) continue;
    const body = match[1]!.trim();
    const words = body.split(/\s+/);
    const [first, second, third] = words;
    if (first === "exit") result.exit = Number(second);
    else if (first === "output" || first === "label") result.labels.push({ collection: second!, label: third!, output: first === "output" });
    else if (first === "diagnostic") result.diagnostics.push(second!);
    else if (first === "error") result.errors.push(second!);
    else {
      const options = new Map<string, string>();
      for (const m of body.matchAll(/(\w+)=(\([^)]*\)|\S+)/g)) options.set(m[1]!, m[2]!);
      const code = third !== undefined && /^CALM\d{3}$/.test(third) ? third : null;
      result.rules.push({
        name: first!,
        verdict: second!,
        code,
        ...(options.has("fix") ? { fix: options.get("fix")! } : {}),
        ...(options.has("gate") ? { gate: options.get("gate")! } : {}),
        ...(options.has("downstream") ? { downstream: options.get("downstream")! } : {}),
      });
    }
  }
  return result;
}

const files = readdirSync(CORPUS).filter((f) => f.endsWith(".hydro")).sort();

describe("CALM corpus", () => {
  it("has at least 50 programs, each with an exit expectation", () => {
    expect(files.length).toBeGreaterThanOrEqual(50);
    for (const file of files) {
      expect(parseExpectations(readFileSync(join(CORPUS, file), "utf8")).exit, file).not.toBeNull();
    }
  });

  for (const file of files) {
    it(file, () => {
      const text = readFileSync(join(CORPUS, file), "utf8");
      const expected = parseExpectations(text);
      const run = checkFiles([file], { cwd: CORPUS, host: nodeHost() });
      const json = JSON.parse(formatJson(run, CORPUS));
      const report = json.files[0];

      expect(exitCodeOf(run), "exit code").toBe(expected.exit);
      for (const code of expected.errors) {
        expect(report.errors.map((e: { code: string }) => e.code), `compile error ${code}`).toContain(code);
      }
      if (expected.errors.length > 0) expect(report.rules).toEqual([]);

      // Every rule has a hand-written verdict, and every expectation names a rule.
      const actual = new Map<string, Record<string, unknown>>(report.rules.map((r: { name: string }) => [r.name, r]));
      expect([...actual.keys()].sort(), "rules with expectations").toEqual(expected.rules.map((r) => r.name).sort());
      for (const rule of expected.rules) {
        const got = actual.get(rule.name)!;
        expect(got.verdict, `${rule.name} verdict`).toBe(rule.verdict);
        expect(got.code, `${rule.name} code`).toBe(rule.code);
        if (rule.fix !== undefined) expect(got.fix, `${rule.name} fix`).toBe(rule.fix);
        if (rule.gate !== undefined) expect(`(${(got.gate as string[]).join(", ")})`, `${rule.name} gate`).toBe(rule.gate);
        if (rule.downstream !== undefined) expect((got.downstreamOf as string[]).join(","), `${rule.name} downstream`).toBe(rule.downstream);
        if (got.verdict !== "coordination-free") {
          expect((got.path as string[]).length, `${rule.name} has a witness path`).toBeGreaterThan(0);
          expect(got.fix, `${rule.name} has a fix`).not.toBeNull();
        }
      }

      const collections = new Map(run.files[0]!.report?.collections.map((c) => [c.name, c]) ?? []);
      for (const label of expected.labels) {
        if (label.output) {
          const output = report.outputs.find((o: { name: string }) => o.name === label.collection);
          expect(output?.label, `output ${label.collection}`).toBe(label.label);
        } else {
          expect(collections.get(label.collection)?.label, `label ${label.collection}`).toBe(label.label);
        }
      }
      const codes = report.diagnostics.map((d: { code: string }) => d.code);
      for (const code of expected.diagnostics) expect(codes, `diagnostic ${code}`).toContain(code);

      const goldenPath = join(GOLDEN, file.replace(/\.hydro$/, ".json"));
      const produced = JSON.stringify(json, null, 2) + "\n";
      if (UPDATE) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(goldenPath, produced);
      }
      expect(existsSync(goldenPath), `${goldenPath} exists (run with UPDATE_GOLDEN=1)`).toBe(true);
      expect(produced).toBe(readFileSync(goldenPath, "utf8"));
    });
  }
});
